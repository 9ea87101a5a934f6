"""Demo moderation entries on the demo accounts, logged through the services."""

import datetime
import io
from decimal import Decimal

from django.utils import timezone

from accounts_requests.models import ManagedAccount, Platform
from moderation import services, services_rights
from moderation.evidence import CleanFile, clean_upload
from moderation.models import (
    Action,
    AuthorTold,
    Category,
    Entry,
    HateCrimeStrand,
    RightsRequest,
)
from portal.models import Team, User


def _screenshot():
    """A small made-up screenshot, cleaned the way an upload is."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 160), "#f0f4f5")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 150), outline="#425563")
    draw.text((24, 30), "Demo screenshot of a comment (made up)", fill="#212b32")
    out = io.BytesIO()
    image.save(out, format="PNG")
    clean = clean_upload(SimpleUploadedFile("demo.png", out.getvalue()))
    assert isinstance(clean, CleanFile)
    return clean


def load(stdout):
    if Entry.objects.exists():
        return
    comms = User.objects.get(username="comms")
    head = User.objects.get(username="head")
    communications = Team.objects.get(name="Communications")
    corporate, _ = ManagedAccount.objects.get_or_create(
        team=communications,
        platform=Platform.FACEBOOK,
        name="Riverside NHS Foundation Trust",
        defaults={
            "handle": "RiversideNHS",
            "url": "https://www.facebook.com/RiversideNHS",
            "state": ManagedAccount.State.ACTIVE,
            "target_followers": 20000,
            "target_posts_per_month": 40,
            "target_engagement_rate": Decimal("2.00"),
        },
    )
    team_account = ManagedAccount.objects.filter(source_request__isnull=False).first()
    categories = {c.slug: c for c in Category.objects.all()}
    now = timezone.now()

    def log(actor, days_ago, account, handle, cats, actions, **extra):
        data = {
            "account": account,
            "occurred_at": now - datetime.timedelta(days=days_ago, hours=days_ago % 5),
            "post_url": f"https://www.facebook.com/{account.handle or 'page'}/posts/{days_ago}",
            "comment_url": "",
            "handle": handle,
            "excerpt": extra.pop("excerpt", ""),
            "categories": [categories[slug] for slug in cats],
            "actions": actions,
            "author_told": extra.pop("author_told", AuthorTold.NOT_YET),
            "not_told_reason": extra.pop("not_told_reason", ""),
            "hate_crime_strand": extra.pop("hate_crime_strand", ""),
            "safeguarding": extra.pop("safeguarding", False),
            "incident_reference": extra.pop("incident_reference", ""),
            "notes": extra.pop("notes", ""),
        }
        return services.entry_create(actor=actor, data=data, files=extra.pop("files", ()))

    # Logged over a year ago and past its retention date: as the retention job leaves it,
    # what was breached and done stays; the words, the notes and the handle have gone.
    old = log(
        comms,
        430,
        corporate,
        "@old_grievance_2025",
        ["abuse"],
        [Action.HIDE],
        excerpt="You are all a disgrace",
        notes="Complained about parking in the same thread.",
        author_told=AuthorTold.PUBLIC_REPLY,
    )
    Entry.objects.filter(pk=old.pk).update(
        evidence_retain_until=services.default_retention(timezone.localdate(old.occurred_at))
    )
    services.retention_expire_all()
    log(
        comms,
        160,
        corporate,
        "@spam_deals_4u",
        ["irrelevant-advertising", "spam-bots"],
        [Action.DELETE, Action.BLOCK, Action.REPORT_PLATFORM],
        excerpt="Cheap watches!! click the link in my profile",
        author_told=AuthorTold.NOT_TOLD,
        not_told_reason="An automated account.",
    )
    erased = log(
        comms,
        120,
        corporate,
        "@angry_parent_77",
        ["abuse", "swearing-obscenity"],
        [Action.HIDE, Action.REPLY_PRIVATELY, Action.SIGNPOST],
        excerpt="You lot are bloody useless, absolute crap service",
        author_told=AuthorTold.PRIVATE_MESSAGE,
    )
    log(
        head,
        75,
        corporate,
        "@truthseeker_22",
        ["misinformation"],
        [Action.HIDE],
        excerpt="Don't let them jab your kids, it's all a cover-up",
        author_told=AuthorTold.PUBLIC_REPLY,
    )
    log(
        comms,
        40,
        corporate,
        "@truthseeker_22",
        ["misinformation", "repetitive-provocation"],
        [Action.HIDE, Action.SCREENSHOT],
        excerpt="Same again: they're hiding the truth",
        author_told=AuthorTold.PRIVATE_MESSAGE,
        files=[_screenshot()],
    )
    log(
        comms,
        12,
        corporate,
        "@truthseeker_22",
        ["repetitive-provocation", "targeting-staff"],
        [Action.BLOCK, Action.SCREENSHOT],
        excerpt="Nurse on ward 4 should be sacked",
        author_told=AuthorTold.PRIVATE_MESSAGE,
        files=[_screenshot()],
    )
    log(
        comms,
        9,
        corporate,
        "@hatefulhandle",
        ["hateful-discriminatory", "threats-violence"],
        [Action.DELETE, Action.BLOCK, Action.SCREENSHOT, Action.POLICE],
        excerpt="[racist threat, see screenshot]",
        author_told=AuthorTold.NOT_TOLD,
        not_told_reason="Passed to the police.",
        hate_crime_strand=HateCrimeStrand.RACE,
        incident_reference="W-2026-0413",
        files=[_screenshot()],
    )
    if team_account is not None:
        log(
            comms,
            5,
            team_account,
            "@worried_mum",
            ["personal-information"],
            [Action.HIDE, Action.REPLY_PRIVATELY],
            excerpt="My daughter's NHS number is 943 476 5919, call me on 07700 900123",
            author_told=AuthorTold.PRIVATE_MESSAGE,
            notes="Hid it to protect her; asked her to message us privately.",
        )
        log(
            comms,
            2,
            team_account,
            "@anon_account_1",
            ["safeguarding-concern"],
            [Action.SCREENSHOT, Action.SAFEGUARDING],
            excerpt="[worrying comment about a child at home, see screenshot]",
            author_told=AuthorTold.NOT_TOLD,
            not_told_reason="Safeguarding referral: contact is for the safeguarding team.",
            files=[_screenshot()],
        )
    # Hidden yesterday evening; the author is still to be told why.
    log(
        comms,
        1,
        corporate,
        "@late_reply_99",
        ["swearing-obscenity"],
        [Action.HIDE],
        excerpt="This f***ing car park again",
    )
    # One commenter asked for their details to be erased, and it was upheld; another
    # asked for a copy of what is held about them, logged the day it came and answered by
    # the export; a third asked for their comments to be erased and is still waiting, its
    # day received corrected once it was known, and a request logged against them by
    # mistake is closed as such.
    services.commenter_erase(
        actor=head,
        commenter_id=erased.commenter_id,
        reason="Erasure request IG-2026-014 upheld by information governance.",
        received_on=timezone.localdate() - datetime.timedelta(days=9),
    )
    asked = Entry.objects.filter(commenter__handle="@truthseeker_22").first()
    access_received = timezone.localdate() - datetime.timedelta(days=12)
    services_rights.request_log(
        actor=comms,
        commenter=asked.commenter,
        kind=RightsRequest.Kind.ACCESS,
        received_on=access_received,
        reference="IG-2026-019",
    )
    services.subject_access_export(
        actor=comms, commenter=asked.commenter, received_on=access_received
    ).close()
    waiting = Entry.objects.filter(commenter__handle="@hatefulhandle").first()
    erasure_request = services_rights.request_log(
        actor=comms,
        commenter=waiting.commenter,
        kind=RightsRequest.Kind.ERASURE,
        received_on=timezone.localdate() - datetime.timedelta(days=25),
        reference="IG-2026-022",
    )
    # It had reached the trust two days before it came to the communications team.
    services_rights.request_correct(
        actor=comms,
        request_id=erasure_request.pk,
        received_on=erasure_request.received_on - datetime.timedelta(days=2),
        reference=erasure_request.reference,
        why=RightsRequest.Correction.ANOTHER_DAY,
    )
    # A request for a copy was logged against them by mistake: it was someone else's.
    mistaken = services_rights.request_log(
        actor=comms,
        commenter=waiting.commenter,
        kind=RightsRequest.Kind.ACCESS,
        received_on=timezone.localdate() - datetime.timedelta(days=4),
    )
    services_rights.request_close(
        actor=comms, request_id=mistaken.pk, closure=RightsRequest.Closure.ERROR
    )
    # A parent asked three days ago for a copy of what is held about her: until it is
    # answered, nothing about her is removed, early or by retention.
    parent = Entry.objects.filter(commenter__handle="@worried_mum").first()
    if parent is not None:
        services_rights.request_log(
            actor=comms,
            commenter=parent.commenter,
            kind=RightsRequest.Kind.ACCESS,
            received_on=timezone.localdate() - datetime.timedelta(days=3),
            reference="IG-2026-025",
        )
    stdout.write(
        "Demo moderation entries created, with a repeat offender, a hate-crime referral, "
        "a safeguarding concern, one past its retention date, one commenter's details "
        "removed on request, one subject access export, an erasure request and a request "
        "for a copy waiting, and one request closed as logged in error."
    )

"""Demo accounts: the trust's corporate accounts, a team's live account with lodged login
details and notices, one being set up, and one suspended after a suspected compromise.

Made through the services, as people would. The demo login details are made up.
"""

import datetime
import secrets
from decimal import Decimal

from django.utils import timezone

from accounts_requests import services_accounts, services_notices, services_vault
from accounts_requests.models import AccountModerator, ManagedAccount, Platform
from portal.models import Membership, Team, User

Notice = services_notices.Notice

CORPORATE = [
    (Platform.X, "Riverside NHS", "@RiversideNHS", "https://x.com/RiversideNHS", 12000),
    (
        Platform.FACEBOOK,
        "Riverside NHS Foundation Trust",
        "RiversideNHSFT",
        "https://www.facebook.com/RiversideNHSFT",
        8000,
    ),
    (
        Platform.INSTAGRAM,
        "Riverside NHS",
        "@riversidenhs",
        "https://www.instagram.com/riversidenhs",
        5000,
    ),
    (
        Platform.LINKEDIN,
        "Riverside NHS Foundation Trust",
        "riverside-nhs",
        "https://www.linkedin.com/company/riverside-nhs",
        6000,
    ),
    (
        Platform.YOUTUBE,
        "Riverside NHS",
        "@RiversideNHS",
        "https://www.youtube.com/@RiversideNHS",
        900,
    ),
]


def _made_up_password():
    return f"demo-{secrets.token_urlsafe(12)}"


def _targets(followers):
    return {
        "target_followers": followers,
        "target_posts_per_month": 20,
        "target_engagement_rate": Decimal("2.00"),
        "target_reply_hours": 8,
    }


def _complete_setup(account, *, actor, people, login, password):
    for person in people:
        services_accounts.account_moderator_add(
            actor=actor,
            account_id=account.pk,
            user=person,
            role=AccountModerator.Role.ADMIN if person == people[0] else "moderator",
        )
    services_accounts.account_setup_update(
        actor=actor,
        account_id=account.pk,
        handle=account.handle,
        url=account.url,
        comms_admin=True,
        verified_badge=Platform.offers_verification(account.platform),
    )
    services_vault.credential_lodge(
        actor=actor, account_id=account.pk, login=login, password=password
    )


def load(stdout):
    if ManagedAccount.objects.filter(team__is_communications=True).exists():
        return
    comms = User.objects.get(username="comms")
    head = User.objects.get(username="head")
    member = User.objects.get(username="member")
    manager = User.objects.get(username="manager")
    comms_team = Team.objects.get(is_communications=True)

    for platform, name, handle, url, followers in CORPORATE:
        account = services_accounts.managed_account_register(
            actor=comms,
            team=comms_team,
            data={"platform": platform, "name": name, "handle": handle, "url": url}
            | _targets(followers),
        )
        _complete_setup(
            account,
            actor=comms,
            people=[head, comms],
            login="social@riverside.example.nhs.uk",
            password=_made_up_password(),
        )
        services_accounts.account_verify(actor=head, account_id=account.pk)

    # The perinatal team's approved Facebook page: set up, verified, then a routine
    # password change reported on time and acknowledged, and one reported late.
    peers = ManagedAccount.objects.filter(name="Perinatal Peer Support").first()
    if peers is not None:
        ManagedAccount.objects.filter(pk=peers.pk).update(
            url="https://www.facebook.com/RiversidePerinatalPeers"
        )
        peers.refresh_from_db()
        _complete_setup(
            peers,
            actor=member,
            people=[manager, member],
            login="perinatal.peers@riverside.example.nhs.uk",
            password=_made_up_password(),
        )
        services_accounts.account_verify(
            actor=comms, account_id=peers.pk, comment="Checked the page and our admin access."
        )
        now = timezone.now()
        routine = services_notices.notice_file(
            actor=member,
            account_id=peers.pk,
            what_changed=Notice.What.PASSWORD,
            reason=Notice.Reason.ROUTINE,
            changed_at=now - datetime.timedelta(hours=2),
            password=_made_up_password(),
        )
        services_notices.notice_acknowledge(
            actor=comms, notice_id=routine.pk, comment="Thanks, new password lodged."
        )
        services_notices.notice_file(
            actor=manager,
            account_id=peers.pk,
            what_changed=Notice.What.TWO_FACTOR,
            reason=Notice.Reason.PLATFORM_RESET,
            changed_at=now - datetime.timedelta(days=9),
            details="Facebook asked us to move two-step verification to the team's work phone.",
        )

    # Community Nursing's existing page, registered by comms and half set up.
    nursing = Team.objects.get(name="Community Nursing")
    services_accounts.managed_account_register(
        actor=comms,
        team=nursing,
        data={
            "platform": Platform.FACEBOOK,
            "name": "Riverside Community Nursing",
            "handle": "RiversideCommunityNursing",
            "url": "https://www.facebook.com/RiversideCommunityNursing",
        }
        | _targets(300),
    )

    # Recovery College's Instagram, live until it was reported hacked.
    recovery_team = Team.objects.get(name="Recovery College")
    recovery = User.objects.get(username="recovery")
    tutor, _ = User.objects.get_or_create(
        username="tutor",
        defaults={
            "first_name": "Ben",
            "last_name": "Ward",
            "email": "tutor@riverside.example.nhs.uk",
        },
    )
    Membership.objects.get_or_create(team=recovery_team, user=tutor)
    college = services_accounts.managed_account_register(
        actor=comms,
        team=recovery_team,
        data={
            "platform": Platform.INSTAGRAM,
            "name": "Riverside Recovery College",
            "handle": "@riversiderecovery",
            "url": "https://www.instagram.com/riversiderecovery",
        }
        | _targets(500),
    )
    _complete_setup(
        college,
        actor=recovery,
        people=[recovery, tutor],
        login="recovery.college@riverside.example.nhs.uk",
        password=_made_up_password(),
    )
    services_accounts.account_verify(actor=comms, account_id=college.pk)
    services_notices.notice_file(
        actor=recovery,
        account_id=college.pk,
        what_changed=Notice.What.LOGIN_EMAIL,
        reason=Notice.Reason.COMPROMISE,
        changed_at=timezone.now() - datetime.timedelta(minutes=30),
        details="Someone changed the login e-mail and posted an advert we did not write.",
    )
    # The tutor has left: the leaver rule raises a task to change the login details.
    tutor.is_active = False
    tutor.save()
    stdout.write(
        "Demo accounts created: 5 corporate accounts, a live team page with notices, "
        "one being set up, one suspended after a suspected compromise."
    )

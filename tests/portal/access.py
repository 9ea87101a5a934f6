from tests.access import LOGIN, REDIRECT, Route, answers, post_only, public


def _invitee():
    from django.contrib.auth import get_user_model

    person, made = get_user_model().objects.get_or_create(
        username="invitee", defaults={"email": "invitee@example.nhs.uk", "first_name": "In"}
    )
    if made:
        person.set_unusable_password()
        person.save(update_fields=["password"])
    return person


ROUTES = {
    "portal:home": Route(answers(200)),
    "portal:login": Route(answers(REDIRECT, anonymous=200)),
    "portal:logout": Route(post_only()),
    "portal:stay_signed_in": Route(post_only()),
    "portal:password_change": Route(answers(200)),
    "portal:password_reset": Route(public(200)),
    "portal:password_reset_done": Route(public(200)),
    # A link that is not (or no longer) valid says so, to anyone.
    "portal:password_reset_confirm": Route(
        public(200), kwargs=lambda world: {"uidb64": "MQ", "token": "not-a-token"}
    ),
    "portal:invitation_accept": Route(
        public(200), kwargs=lambda world: {"uidb64": "MQ", "token": "not-a-token"}
    ),
    "portal:password_reset_complete": Route(public(200)),
    "portal:notifications": Route(answers(200)),
    "portal:notifications_read_all": Route(post_only()),
    "portal:notification_open": Route(post_only(), kwargs=lambda w: {"pk": w.notification.pk}),
    # Auditors read it (read only); the communications team keeps it.
    "portal:organisation": Route(answers(403, readers=200)),
    "portal:team_list": Route(answers(200)),
    "portal:team_detail": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.team.pk}
    ),
    "portal:team_add_member": Route(post_only(), kwargs=lambda w: {"pk": w.team.pk}),
    "portal:team_remove_member": Route(
        post_only(), kwargs=lambda w: {"pk": w.team.pk, "membership_pk": w.membership.pk}
    ),
    "portal:floor": Route(answers(200)),
    "portal:reminders_due": Route(answers(403, readers=200)),
    "portal:notification_settings": Route(answers(200)),
    "portal:people": Route(answers(403, comms_team=200)),
    "portal:person_add": Route(answers(403, comms_team=200)),
    # Someone who has not chosen a password yet: their page also offers the invitation.
    "portal:person_edit": Route(
        answers(403, comms_team=200), kwargs=lambda w: {"pk": _invitee().pk}
    ),
    "portal:person_invite": Route(post_only(), kwargs=lambda w: {"pk": w.users["staff"].pk}),
    "portal:user_deactivate": Route(
        answers(403, comms_team=200), kwargs=lambda w: {"pk": w.users["staff"].pk}
    ),
    # The playbook and the slides
    "portal:playbook": Route(answers(200)),
    "portal:playbook_confirm": Route(post_only()),
    "portal:readers": Route(answers(403, readers=200)),
    "portal:readers_team": Route(answers(403, readers=200), kwargs=lambda w: {"pk": w.team.pk}),
    "portal:readers_no_team": Route(answers(403, readers=200)),
    "portal:slides": Route(answers(200)),
    # The slides' versions hold the speaker notes: only those who see everything read them.
    "portal:content_versions": Route(
        answers(403, readers=200), kwargs=lambda w: {"kind": "slides"}
    ),
    "portal:content_version": Route(
        answers(200), kwargs=lambda w: {"kind": "playbook", "number": 1}
    ),
    "portal:content_compare": Route(answers(200), kwargs=lambda w: {"kind": "playbook"}),
    "portal:content_edit": Route(
        answers(403, comms_team=200), kwargs=lambda w: {"kind": "playbook"}
    ),
    "portal:content_preview": Route(
        answers(403, comms_team=200), kwargs=lambda w: {"kind": "slides"}
    ),
    "portal:content_publish": Route(post_only(), kwargs=lambda w: {"kind": "playbook"}),
    "portal:content_discard": Route(post_only(), kwargs=lambda w: {"kind": "playbook"}),
    # Training
    "portal:training": Route(answers(200)),
    "portal:training_request_create": Route(answers(200)),
    "portal:training_request_detail": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.training_request.pk}
    ),
    "portal:training_request_action": Route(
        post_only(), kwargs=lambda w: {"pk": w.training_request.pk, "action": "schedule"}
    ),
    # Concerns: the reporter and those who see everything
    "portal:concerns": Route(answers(200)),
    "portal:concern_create": Route(answers(200)),
    "portal:concern_detail": Route(
        answers(404, member=200, readers=200), kwargs=lambda w: {"pk": w.concern.pk}
    ),
    "portal:concern_action": Route(
        post_only(), kwargs=lambda w: {"pk": w.concern.pk, "action": "acknowledge"}
    ),
    "portal:concern_safeguarding_take_on": Route(
        post_only(), kwargs=lambda w: {"pk": w.concern.pk}
    ),
    # Public pages
    "portal:get_help": Route(public()),
    "portal:welcome": Route(public()),
    "portal:accessibility": Route(public()),
    "portal:health": Route(public()),
}

assert LOGIN  # re-exported for app tables that import from here


def build(world):
    from portal.models import Membership
    from portal.notify import notify

    world.records["membership"] = Membership.objects.get(
        team=world.team, user=world.users["member"]
    )
    world.records["notification"] = notify(
        recipients=[world.users["member"]], kind="test", title="A notification"
    )[0]
    _build_site(world)


def _build_site(world):
    import datetime

    from django.utils import timezone

    from portal.models import Concern, Document, TrainingRequest
    from portal.services import concerns, content, training
    from tests.portal.content import ensure_published

    ensure_published()
    comms = world.users["comms"]
    # A second playbook version to compare with, and a draft of the slides to preview.
    for kind, title in ((Document.Kind.PLAYBOOK, "Playbook"), (Document.Kind.SLIDES, "Slides")):
        document = Document.objects.get(kind=kind)
        content.content_save_draft(
            actor=comms,
            kind=kind,
            title=title,
            body="# New\n\nText.",
            revision=document.draft_revision,
        )
    playbook = Document.objects.get(kind=Document.Kind.PLAYBOOK)
    content.content_publish(
        actor=comms,
        kind=Document.Kind.PLAYBOOK,
        revision=playbook.draft_revision,
        summary="Shorter.",
    )
    world.records["training_request"] = training.training_request_create(
        actor=world.users["member"],
        data={
            "team": world.team,
            "audience": "The whole team",
            "topics": [TrainingRequest.Topic.GETTING_STARTED],
            "preferred_date_1": timezone.localdate() + datetime.timedelta(days=10),
        },
    )
    world.records["concern"] = concerns.concern_report(
        actor=world.users["member"],
        kind=Concern.Kind.IMITATION,
        link="https://www.facebook.com/not-the-trust",
        what_worries="Uses our logo.",
    )

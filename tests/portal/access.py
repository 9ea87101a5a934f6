from tests.access import LOGIN, REDIRECT, Route, answers, post_only

ROUTES = {
    "portal:home": Route(answers(200)),
    "portal:login": Route(answers(REDIRECT, anonymous=200)),
    "portal:logout": Route(post_only()),
    "portal:password_change": Route(answers(200)),
    "portal:notifications": Route(answers(200)),
    "portal:notifications_read_all": Route(post_only()),
    "portal:notification_open": Route(post_only(), kwargs=lambda w: {"pk": w.notification.pk}),
    "portal:organisation": Route(answers(403, comms_team=200)),
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
    "portal:user_deactivate": Route(
        answers(403, comms_team=200), kwargs=lambda w: {"pk": w.users["staff"].pk}
    ),
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

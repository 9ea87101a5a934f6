from tests.access import Route, answers, post_only, public

ROUTES = {
    "accounts_requests:list": Route(
        answers(403, team=200, outsider=200, comms_team=200, auditor="redirect")
    ),
    "accounts_requests:queue": Route(answers(403, readers=200)),
    "accounts_requests:create": Route(answers(403, team=200, outsider=200, comms_team=200)),
    "accounts_requests:detail": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.proposal.pk}
    ),
    "accounts_requests:edit": Route(
        answers(404, team=200, readers=403), kwargs=lambda w: {"pk": w.proposal.pk}
    ),
    "accounts_requests:approve": Route(
        answers(404, team=403, readers=403, comms_team="redirect"),
        kwargs=lambda w: {"pk": w.proposal.pk},
    ),
    "accounts_requests:action": Route(
        post_only(), kwargs=lambda w: {"pk": w.proposal.pk, "action": "submit"}
    ),
    "accounts_requests:account_detail": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.account.pk}
    ),
    # Set-up and security
    "accounts_requests:account_list": Route(answers(403, team=200, outsider=200, readers=200)),
    "accounts_requests:account_create": Route(answers(403, comms_team=200)),
    "accounts_requests:account_export": Route(answers(403, team=200, outsider=200, readers=200)),
    "accounts_requests:account_setup": Route(
        answers(404, team=200, comms_team=200, auditor=403), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:moderator_add": Route(post_only(), kwargs=lambda w: {"pk": w.account.pk}),
    "accounts_requests:moderator_remove": Route(
        post_only(), kwargs=lambda w: {"pk": w.account.pk, "moderator_pk": w.moderator.pk}
    ),
    "accounts_requests:account_verify": Route(post_only(), kwargs=lambda w: {"pk": w.account.pk}),
    "accounts_requests:incident_resolve": Route(
        post_only(), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:credentials": Route(
        answers(404, team=200, comms_team=200, auditor=403), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:reveal": Route(
        answers(404, team=403, comms_team=200, auditor=403), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:notice_create": Route(
        answers(404, team=200, comms_team=200, auditor=403), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:notice_acknowledge": Route(
        post_only(), kwargs=lambda w: {"pk": w.notice.pk}
    ),
    "accounts_requests:public_register": Route(public(200)),
}


def build(world):
    from tests import factories

    world.records["proposal"] = factories.ProposalFactory(
        team=world.team, applicant=world.users["member"]
    )
    world.records["account"] = account = factories.managed_account(team=world.team)
    world.records["moderator"] = factories.named_moderator(account, world.users["member"])
    world.records["notice"] = factories.notice(account, world.users["member"])


# KPI figures, reviews and closure declare their routes in their own table.
from tests.accounts_requests import access_kpi  # noqa: E402

ROUTES.update(access_kpi.ROUTES)
_build_proposals_and_accounts = build


def build(world):
    _build_proposals_and_accounts(world)
    access_kpi.build(world)

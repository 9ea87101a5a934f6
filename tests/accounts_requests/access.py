from tests.access import Route, answers, post_only

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
}


def build(world):
    from tests import factories

    world.records["proposal"] = factories.ProposalFactory(
        team=world.team, applicant=world.users["member"]
    )
    world.records["account"] = factories.managed_account(team=world.team)


# KPI figures, reviews and closure declare their routes in their own table.
from tests.accounts_requests import access_kpi  # noqa: E402

ROUTES.update(access_kpi.ROUTES)
_build_proposals_and_accounts = build


def build(world):
    _build_proposals_and_accounts(world)
    access_kpi.build(world)

"""Who may open the KPI, review and closure pages (added to this app's table in access.py)."""

from tests.access import Route, answers, post_only

ROUTES = {
    "accounts_requests:kpi_overview": Route(answers(403, readers=200)),
    "accounts_requests:health_rules": Route(answers(403, readers=200)),
    "accounts_requests:figures_import_all": Route(answers(403, comms_team=200)),
    "accounts_requests:figures_template_all": Route(answers(403, comms_team=200)),
    "accounts_requests:import_status": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.figures_import.pk}
    ),
    "accounts_requests:figures": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:figures_import": Route(
        answers(404, team=200, comms_team=200, auditor=403), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:figures_template": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:targets": Route(
        answers(404, team=403, comms_team=200, auditor=403), kwargs=lambda w: {"pk": w.account.pk}
    ),
    "accounts_requests:review_start": Route(post_only(), kwargs=lambda w: {"pk": w.account.pk}),
    "accounts_requests:closure_propose": Route(
        answers(404, member=403, manager=200, comms_team=200, auditor=403),
        kwargs=lambda w: {"pk": w.account.pk},
    ),
    "accounts_requests:review_detail": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.review.pk}
    ),
    "accounts_requests:review_decide": Route(
        post_only(), kwargs=lambda w: {"pk": w.review.pk, "outcome": "continue"}
    ),
    "accounts_requests:review_respond": Route(post_only(), kwargs=lambda w: {"pk": w.review.pk}),
    "accounts_requests:closure_detail": Route(
        answers(404, team=200, readers=200), kwargs=lambda w: {"pk": w.closure.pk}
    ),
    "accounts_requests:closure_step": Route(
        post_only(), kwargs=lambda w: {"pk": w.closure.pk, "step": "final_post"}
    ),
    "accounts_requests:closure_sign_off": Route(
        post_only(), kwargs=lambda w: {"pk": w.closure.pk}
    ),
    "accounts_requests:closure_cancel": Route(post_only(), kwargs=lambda w: {"pk": w.closure.pk}),
}


def build(world):
    from tests import kpi_factories

    member = world.users["member"]
    world.records["figures_import"] = kpi_factories.figures_import(world.account, member)
    world.records["review"] = kpi_factories.review(
        kpi_factories.account(world.team, state="under_review", name="Under review"),
        world.users["comms"],
    )
    world.records["closure"] = kpi_factories.closure(
        kpi_factories.account(world.team, state="closure_proposed", name="Closing"),
        world.users["comms"],
    )

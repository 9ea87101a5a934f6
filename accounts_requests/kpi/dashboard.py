"""What the home page shows about account health, reviews and closures."""

from accounts_requests import rules
from accounts_requests.kpi import selectors
from accounts_requests.kpi.health import review_due_filter, with_health
from accounts_requests.models import HealthRules, ManagedAccount
from portal import rules as portal_rules


def panels(user):
    found = []
    if rules.can_see_performance(user):
        accounts = with_health(selectors.live_accounts())
        counts = selectors.health_totals(accounts, reviews_due=review_due_filter())
        found.append(
            {
                "title": "Account health",
                "template": "accounts_requests/kpi/panels/health.html",
                "context": {
                    "counts": counts,
                    "reviews_due": counts["reviews_due"],
                    "open_reviews": selectors.reviews_awaiting_decision().count(),
                    "closures": list(selectors.closures_awaiting_sign_off()[:5])
                    if portal_rules.is_head_of_comms(user)
                    else [],
                },
                "order": 30,
            }
        )
    elif portal_rules.is_team_member(user):
        rules_row = HealthRules.load()
        accounts = list(
            with_health(
                ManagedAccount.objects.filter(portal_rules.team_scope(user))
                .exclude(state__in=("setting_up", "closed"))
                .select_related("team"),
                rules=rules_row,
            ).order_by("health_rank", "name")[:10]
        )
        if accounts:
            found.append(
                {
                    "title": "Your accounts' performance",
                    "template": "accounts_requests/kpi/panels/team.html",
                    "context": {"accounts": selectors.decorate(accounts, rules_row)},
                    "order": 30,
                }
            )
    return found

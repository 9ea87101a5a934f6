"""Home page panels about accounts: what needs the communications team or the team now."""

from accounts_requests import checklist, rules
from accounts_requests import selectors_accounts as selectors
from portal import rules as portal_rules


def panels(user):
    found = []
    if portal_rules.sees_everything(user):
        found.append(
            {
                "title": "Account security",
                "template": "accounts_requests/panels/security.html",
                "context": {
                    "incidents": list(selectors.incidents_open(user)[:10]),
                    "notices": list(selectors.notices_awaiting()),
                    "rotation_tasks": list(selectors.rotation_tasks_open(user)[:10]),
                    "ready": list(selectors.ready_to_verify()[:10]),
                },
                "order": 5,
            }
        )
    elif rules.can_see_register(user):
        setting_up = [
            {"account": account, "missing": checklist.missing(account)}
            for account in selectors.accounts_in_setup(user)[:10]
        ]
        incidents = list(selectors.incidents_open(user)[:10])
        tasks = list(selectors.rotation_tasks_open(user)[:10])
        if setting_up or incidents or tasks:
            found.append(
                {
                    "title": "Your team's accounts",
                    "template": "accounts_requests/panels/team_accounts.html",
                    "context": {
                        "setting_up": setting_up,
                        "incidents": incidents,
                        "rotation_tasks": tasks,
                    },
                    "order": 5,
                }
            )
    return found

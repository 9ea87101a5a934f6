"""What the home page shows about proposals."""

from accounts_requests import rules, selectors


def panels(user):
    found = []
    if rules.can_see_queue(user):
        found.append(
            {
                "title": "Proposals waiting for the communications team",
                "template": "accounts_requests/panels/queue.html",
                "context": {"counts": selectors.queue_counts()},
                "order": 10,
            }
        )
    if rules.can_propose(user):
        found.append(
            {
                "title": "Proposals waiting for you",
                "template": "accounts_requests/panels/awaiting.html",
                "context": {"proposals": selectors.proposals_awaiting(user)[:10]},
                "order": 20,
            }
        )
    return found

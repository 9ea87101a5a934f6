"""Who hears about moderation entries, and what they are told.

Never the commenter's handle or words: a notification and its e-mail leave the portal,
so they only say that something needs attention and link to the entry.
"""

from portal import selectors
from portal.notify import notify


def safeguarding_flagged(entry, *, actor):
    """Tell the safeguarding leads and the heads of communications at once, day or night."""
    account = entry.account
    return notify(
        recipients=[*selectors.safeguarding_leads(), *selectors.heads_of_comms()],
        kind="moderation.safeguarding",
        title=f"Safeguarding concern logged on {account.name}",
        body=(
            f"{actor} has logged a moderation entry on {account} and flagged it as a "
            "safeguarding concern. Open the entry in the portal to see what was posted, "
            "the evidence kept and what has been done so far."
        ),
        url=entry.get_absolute_url(),
        urgent=True,
        actor=actor,
    )

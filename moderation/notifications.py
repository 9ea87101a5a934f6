"""Who hears about moderation entries, and what they are told.

Never the commenter's handle or words: a notification and its e-mail leave the portal,
so they only say that something needs attention and link to the entry.
"""

from django.utils import timezone

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


def safeguarding_cleared(entry, *, actor):
    """Clearing a flag nobody had taken on stops the reminders about it, so the people
    who were chasing it are told. The safeguarding lead no longer reads the entry once it
    is not a safeguarding concern: their message has no link."""
    title = f"Safeguarding flag cleared on {entry} before anyone took it on"
    body = (
        f"{actor} cleared the safeguarding flag on {entry} on {entry.account} before the "
        "safeguarding lead had taken it on, so nobody will be reminded about it. If it "
        "is still a concern, ask the communications team to flag it again."
    )
    heads = list(selectors.heads_of_comms())
    leads = [lead for lead in selectors.safeguarding_leads() if lead not in heads]
    for recipients, url in ((leads, ""), (heads, entry.get_absolute_url())):
        notify(
            recipients=recipients,
            kind="moderation.safeguarding_cleared",
            title=title,
            body=body,
            url=url,
            actor=actor,
        )


def erasure_request_logged(rights_request, *, actor):
    """Tell the heads of communications as soon as an erasure request is logged: only they
    can remove what is held, and the month allowed has already begun. Named by its
    number, not by whom it is about."""
    return notify(
        recipients=selectors.heads_of_comms(),
        kind="moderation.erasure_request",
        title=f"Erasure request to answer by {rights_request.due_on:%-d %B %Y}",
        body=(
            f"{actor} has logged {rights_request}, an erasure or objection request received "
            f"on {rights_request.received_on:%-d %B %Y}. Only the head of communications can "
            "remove a commenter's details, so it is yours to decide: remove them, or close "
            "the request with the reason, from its page."
        ),
        url=rights_request.get_absolute_url(),
        actor=actor,
    )


def rights_deadline_later(rights_request, *, due_before, actor):
    """Tell the heads of communications when a waiting request's answer becomes due later
    than it was: a later day received gives less reason to hurry, so someone other than
    whoever changed it should know. Named by its number, not by whom it is about."""
    return notify(
        recipients=selectors.heads_of_comms(),
        kind="moderation.rights_deadline",
        title=f"{rights_request} now due by {rights_request.due_on:%-d %B %Y}",
        body=(
            f"{actor} has changed the day {rights_request} was received to "
            f"{rights_request.received_on:%-d %B %Y}, so its answer is now due by "
            f"{rights_request.due_on:%-d %B %Y} instead of {due_before:%-d %B %Y}. Its page "
            "shows what it said before and why it was changed."
        ),
        url=rights_request.get_absolute_url(),
        actor=actor,
    )


def rights_closed_in_error(rights_request, *, actor):
    """Tell the heads of communications when a request is closed as logged in error: it
    then leaves the year's figures, in time or late, so someone other than whoever closed
    it should know. Named by its number, not by whom it is about."""
    due = f"{rights_request.due_on:%-d %B %Y}"
    was_late = timezone.localdate(rights_request.closed_at) > rights_request.due_on
    return notify(
        recipients=selectors.heads_of_comms(),
        kind="moderation.rights_in_error",
        title=f"{rights_request} closed as logged in error",
        body=(
            f"{actor} has closed {rights_request} as logged in error: about someone else, "
            f"or for something else. It was due by {due}"
            f"{', and was already late' if was_late else ''}. It is no longer counted in the "
            "information rights figures. Its page shows when it was logged and by whom."
        ),
        url=rights_request.get_absolute_url(),
        actor=actor,
    )

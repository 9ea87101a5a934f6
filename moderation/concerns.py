"""Turning a member of staff's report of a post or comment into a moderation entry.

The portal's concern page offers the button through ``settings.CONCERN_ACTIONS``
(``actions`` below). The entry form opens at ``?concern=<id>`` with what the report says
that belongs in an entry: the link (as the post's or the comment's, by the report's
kind), the account when the link is on one of the trust's accounts, and when it was
seen. The reporter's description is shown beside the form but never copied into the
excerpt: it is their words about the comment, not the comment, and may name people.
Saving the entry links the two (``services.entry_create(concern=...)``).
"""

from django.urls import reverse

from accounts_requests.concerns import account_for_link
from moderation import rules
from portal.models import Concern
from portal.services.errors import ActionConflict

ENTRY_KINDS = (Concern.Kind.POST, Concern.Kind.COMMENT)


def can_make_entry(concern, user):
    return (
        rules.can_write(user)
        and concern.is_open
        and concern.kind in ENTRY_KINDS
        and not concern.redacted_at
    )


def actions(concern, user):
    """The concern page's button, for comms, on an open report not yet followed up."""
    if concern.linked_url or not can_make_entry(concern, user):
        return []
    url = f"{reverse('moderation:create')}?concern={concern.pk}"
    return [{"label": "Make a moderation entry", "url": url}]


def concern_for_entry(user, pk):
    """The report an entry is being made from. Raises Concern.DoesNotExist when the user
    may not see it, ActionConflict when it cannot become an entry."""
    concern = Concern.objects.visible_to(user).get(pk=pk)
    if not can_make_entry(concern, user):
        raise ActionConflict(
            "That report cannot become a moderation entry: only an open report of a post or "
            "a comment can. Log the entry without it, or open the report to see where it "
            "stands."
        )
    return concern


def initial_from(concern, user):
    """What the report says that belongs in the entry form."""
    link_field = "comment_url" if concern.kind == Concern.Kind.COMMENT else "post_url"
    initial = {link_field: concern.link, "occurred_at": concern.created_at}
    account = account_for_link(concern.link, user)
    if account is not None:
        initial["account"] = account
    return initial

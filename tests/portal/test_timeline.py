"""The timeline every record's page shows: who did what, when, from which state to which,
what changed and why, written safely whatever people typed."""

import datetime

import pytest
from django.template import engines

from accounts_requests.models import ManagedAccount, ManagedAccountEvent
from tests import factories

pytestmark = pytest.mark.django_db

TIMELINE = engines["django"].from_string('{% include "includes/timeline.html" %}')


def event(account, **fields):
    defaults = {"at": datetime.datetime(2026, 7, 1, 9, 5, tzinfo=datetime.UTC), "action": "x"}
    return ManagedAccountEvent(account=account, **(defaults | fields))


def test_each_entry_reads_as_a_sentence_with_its_states_changes_and_comment(comms, team):
    account = factories.managed_account(team)
    page = TIMELINE.render(
        {
            "events": [
                event(
                    account,
                    actor=comms,
                    action="custom_thing",
                    from_state=ManagedAccount.State.ACTIVE,
                    to_state=ManagedAccount.State.SUSPENDED,
                    changed_fields=["name", "no_such_field"],
                    comment='First line <script>alert("x")</script>\nSecond & last',
                ),
                event(account, action="custom_thing", from_state="active", to_state="active"),
            ]
        }
    )
    first, second = page.split('<li class="timeline-item">')[1:]
    assert f"<strong>{comms}</strong> custom thing" in first
    assert '<span class="text-body-secondary">(Active \u2192 Suspended)</span>' in first
    # Summer time: the trust's clock is an hour ahead of UTC.
    assert '<time datetime="2026-07-01T10:05:00+01:00">1 Jul 2026, 10:05</time>' in first
    assert '<p class="small mb-1">Changed: account name, no_such_field</p>' in first
    assert (
        '<blockquote class="timeline-comment mb-0">First line &lt;script&gt;alert(&quot;x&quot;)'
        "&lt;/script&gt;<br>Second &amp; last</blockquote>"
    ) in first
    assert "<script>" not in page
    # Nobody signed in did it, and a state kept is not a change of state.
    assert "<strong>The portal</strong> custom thing" in second
    assert "\u2192" not in second and "Changed:" not in second and "blockquote" not in second


def test_an_empty_timeline_says_so():
    assert "<li>Nothing has happened yet.</li>" in TIMELINE.render({"events": []})

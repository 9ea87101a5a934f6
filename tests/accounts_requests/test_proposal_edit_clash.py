"""A member and their manager editing one draft: each save keeps what the other saved
meanwhile, and an answer both changed is refused with what was typed kept."""

import html

import pytest
from django.urls import reverse

from accounts_requests.forms import ProposalForm
from tests import factories
from tests.forms_html import opened_stamp

pytestmark = pytest.mark.django_db


def _page(client, proposal):
    """The edit page as a browser would send it back: its answers and its stamp."""
    url = reverse("accounts_requests:edit", args=[proposal.pk])
    page = client.get(url).content.decode()
    opened = opened_stamp(page)
    data = {"opened": html.unescape(opened), "intent": "Save draft"}
    for name in ProposalForm(instance=proposal).fields:
        value = ProposalForm(instance=proposal).initial.get(name)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    return data


def _save(client, proposal, data):
    return client.post(reverse("accounts_requests:edit", args=[proposal.pk]), data)


def test_two_people_saving_different_answers_keep_both(team, member, manager, as_user):
    proposal = factories.ProposalFactory(team=team, applicant=member)
    theirs, mine = _page(as_user(member), proposal), _page(as_user(manager), proposal)
    assert (
        _save(as_user(member), proposal, theirs | {"goals": "Member's goals"}).status_code == 302
    )
    assert (
        _save(as_user(manager), proposal, mine | {"risks": "Manager's risks"}).status_code == 302
    )
    proposal.refresh_from_db()
    assert (proposal.goals, proposal.risks) == ("Member's goals", "Manager's risks")
    edits = proposal.events.filter(action="edited").order_by("pk")
    assert [event.changed_fields for event in edits] == [["goals"], ["risks"]]


def test_an_answer_both_changed_is_refused_and_kept_for_a_second_save(
    team, member, manager, as_user
):
    proposal = factories.ProposalFactory(team=team, applicant=member)
    theirs, mine = _page(as_user(member), proposal), _page(as_user(manager), proposal)
    assert (
        _save(as_user(member), proposal, theirs | {"goals": "Member's goals"}).status_code == 302
    )
    response = _save(as_user(manager), proposal, mine | {"goals": "Manager's goals"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved a change to this while you had it open" in page
    assert "Manager&#x27;s goals" in page
    proposal.refresh_from_db()
    assert proposal.goals == "Member's goals"
    opened = opened_stamp(page)
    again = mine | {"goals": "Manager's goals", "opened": html.unescape(opened)}
    assert _save(as_user(manager), proposal, again).status_code == 302
    proposal.refresh_from_db()
    assert proposal.goals == "Manager's goals"


def test_a_save_without_a_stamp_writes_what_was_sent(team, member, as_user):
    """An older page or a script: every answer sent is written, as before."""
    proposal = factories.ProposalFactory(team=team, applicant=member)
    data = _page(as_user(member), proposal)
    del data["opened"]
    assert _save(as_user(member), proposal, data | {"goals": "Plain"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.goals == "Plain"


def test_after_an_incomplete_submit_the_next_save_still_keeps_the_others_answers(
    team, member, manager, as_user
):
    proposal = factories.ProposalFactory(team=team, applicant=member)
    mine, theirs = _page(as_user(member), proposal), _page(as_user(manager), proposal)
    assert (
        _save(as_user(manager), proposal, theirs | {"goals": "Manager's goals"}).status_code == 302
    )
    # The member, from the older page, blanks an answer and tries to submit: saved as a
    # draft, the gap listed.
    incomplete = mine | {"risks": "", "intent": "Save and submit"}
    response = _save(as_user(member), proposal, incomplete)
    assert response.status_code == 400
    opened = opened_stamp(response.content.decode())
    again = mine | {"opened": html.unescape(opened), "risks": "Now answered"}
    assert _save(as_user(member), proposal, again).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.goals, proposal.risks) == ("Manager's goals", "Now answered")


def test_a_past_date_the_page_showed_is_not_refused_after_someone_else_changed_it(
    team, member, manager, as_user
):
    """The date had passed while the draft waited; a colleague then set a new one. A save
    from a page opened before that, which left the date alone, keeps the colleague's date
    rather than being told the day has passed."""
    import datetime

    from django.utils import timezone

    from accounts_requests.models import AccountRequest

    proposal = factories.ProposalFactory(team=team, applicant=member)
    past = timezone.localdate() - datetime.timedelta(days=3)
    AccountRequest.objects.filter(pk=proposal.pk).update(proposed_launch=past)
    proposal.refresh_from_db()
    mine = _page(as_user(manager), proposal)
    theirs = _page(as_user(member), proposal)
    later = timezone.localdate() + datetime.timedelta(days=30)
    assert (
        _save(as_user(member), proposal, theirs | {"proposed_launch": later.isoformat()})
    ).status_code == 302
    response = _save(as_user(manager), proposal, mine | {"goals": "Manager's goals"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    proposal.refresh_from_db()
    assert (proposal.goals, proposal.proposed_launch) == ("Manager's goals", later)

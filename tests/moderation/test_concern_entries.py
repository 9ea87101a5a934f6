"""A member of staff's report of a post or comment, turned into a moderation entry."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation import concerns
from moderation.models import Entry
from portal.models import Concern
from portal.services import concerns as concern_services
from tests import factories
from tests.moderation.test_entry_views import form_data

pytestmark = pytest.mark.django_db

CREATE = reverse("moderation:create")
LINK = "https://www.facebook.com/PerinatalPeers/posts/42?comment_id=7"


@pytest.fixture
def account(team):
    return factories.managed_account(
        team=team, name="Perinatal Peers", url="https://facebook.com/perinatalpeers"
    )


def _report(member, kind=Concern.Kind.COMMENT, link=LINK, **fields):
    return concern_services.concern_report(
        actor=member,
        kind=kind,
        link=link,
        what_worries="Jo Bloggs (07700 900123) is being abused in the replies.",
        **fields,
    )


def _page(client, concern):
    return client.get(concern.get_absolute_url()).content.decode()


# The button on the concern page


def test_comms_see_make_an_entry_on_an_open_report_of_a_post_or_comment(
    as_user, member, comms, account
):
    for kind in (Concern.Kind.POST, Concern.Kind.COMMENT):
        concern = _report(member, kind=kind)
        page = _page(as_user(comms), concern)
        assert "Make a moderation entry" in page
        assert f"{CREATE}?concern={concern.pk}" in page


@pytest.mark.parametrize(
    "kind", [Concern.Kind.IMITATION, Concern.Kind.COMPROMISED, Concern.Kind.OTHER]
)
def test_no_entry_is_offered_for_a_report_of_an_account_or_anything_else(
    as_user, member, comms, kind
):
    concern = _report(member, kind=kind)
    assert "Make a moderation entry" not in _page(as_user(comms), concern)


def test_no_entry_is_offered_on_a_closed_report(as_user, member, comms):
    concern = _report(member)
    concern_services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome="no_action"
    )
    assert "Make a moderation entry" not in _page(as_user(comms), concern)


@pytest.mark.parametrize("role", ["auditor", "member", "head"])
def test_only_those_who_keep_the_log_see_the_button(as_user, member, people, role):
    concern = _report(member)
    page = _page(as_user(people[role]), concern)
    if role == "head":  # the head of communications keeps the log too
        assert "Make a moderation entry" in page
    else:
        assert "Make a moderation entry" not in page


# The form, opened from the report


def test_the_form_opens_with_the_link_account_and_time_but_not_the_reporters_words(
    as_user, member, comms, account
):
    concern = _report(member)
    response = as_user(comms).get(CREATE, {"concern": concern.pk})
    page = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["comment_url"] == LINK
    assert "post_url" not in form.initial
    assert form.initial["account"] == account.pk
    assert form.initial["occurred_at"] == concern.created_at
    assert not form["excerpt"].value()
    assert f"staff report {concern.pk}" in page
    # Shown beside the form for the moderator to read, never put into the entry's fields.
    assert "Jo Bloggs" in page
    assert 'name="excerpt"' in page and ">Jo Bloggs" not in page.split('name="excerpt"')[1][:400]


def test_a_post_report_fills_the_post_link_and_an_unknown_account_is_left_to_choose(
    as_user, member, comms, account
):
    concern = _report(member, kind=Concern.Kind.POST, link="https://x.com/someone/status/1")
    form = as_user(comms).get(CREATE, {"concern": concern.pk}).context["form"]
    assert form.initial["post_url"] == "https://x.com/someone/status/1"
    assert form.initial.get("account") is None


@pytest.mark.parametrize(
    ("link", "found"),
    [
        ("https://facebook.com/perinatalpeers", True),
        ("https://m.facebook.com/PerinatalPeers/posts/1", True),
        ("https://www.facebook.com/perinatalpeers/", True),
        ("https://facebook.com/perinatalpeersfans/posts/1", False),
        ("https://facebook.com/", False),
        ("not a link", False),
    ],
)
def test_the_account_is_found_by_the_start_of_its_address(team, comms, account, link, found):
    assert (concerns.account_for_link(link, comms) == account.pk) is found


def test_two_accounts_under_one_address_find_neither(team, comms, account):
    factories.managed_account(team=team, name="Twin", url="https://facebook.com/perinatalpeers")
    assert concerns.account_for_link(LINK, comms) is None


@pytest.mark.parametrize("role", ["auditor", "member", "manager", "outsider", "staff"])
def test_only_the_log_keepers_may_open_the_form_from_a_report(as_user, member, people, role):
    concern = _report(member)
    assert as_user(people[role]).get(CREATE, {"concern": concern.pk}).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(as_user, member):
    concern = _report(member)
    response = as_user(None).get(CREATE, {"concern": concern.pk})
    assert response.status_code == 302
    assert "/sign-in" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_a_report_that_does_not_exist_answers_404(as_user, comms, value):
    assert as_user(comms).get(CREATE, {"concern": value}).status_code == 404


def test_a_report_about_an_account_cannot_become_an_entry(as_user, member, comms):
    concern = _report(member, kind=Concern.Kind.IMITATION)
    response = as_user(comms).get(CREATE, {"concern": concern.pk})
    assert response.status_code == 409
    assert "only an open report of a post or a comment" in response.content.decode()


# Saving links the two


def test_saving_links_the_report_and_the_entry_both_ways(as_user, member, comms, account):
    concern = _report(member)
    client = as_user(comms)
    data = form_data(account, comment_url=LINK, excerpt="You lot are useless")
    response = client.post(f"{CREATE}?concern={concern.pk}", data)
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.concern == concern
    assert entry.events.filter(action="from_concern").exists()
    concern.refresh_from_db()
    assert concern.linked_url == entry.get_absolute_url()
    assert concern.events.filter(action="linked").exists()

    page = _page(client, concern)
    assert "Followed up" in page
    assert entry.get_absolute_url() in page
    assert "Make a moderation entry" not in page  # followed up: no second button
    entry_page = client.get(entry.get_absolute_url()).content.decode()
    assert "Came from" in entry_page
    assert concern.get_absolute_url() in entry_page
    # The reporter's words stayed in the report.
    assert "Jo Bloggs" not in entry_page
    assert "Jo Bloggs" not in (entry.excerpt + entry.notes)


def test_an_auditor_sees_where_the_entry_came_from(as_user, member, comms, auditor, account):
    concern = _report(member)
    as_user(comms).post(f"{CREATE}?concern={concern.pk}", form_data(account))
    entry = Entry.objects.get()
    page = as_user(auditor).get(entry.get_absolute_url()).content.decode()
    assert concern.get_absolute_url() in page


def test_bad_input_keeps_the_report_and_links_nothing(as_user, member, comms, account):
    concern = _report(member)
    response = as_user(comms).post(
        f"{CREATE}?concern={concern.pk}", form_data(account, handle="", categories=[])
    )
    assert response.status_code == 400
    assert f"staff report {concern.pk}" in response.content.decode()
    assert not Entry.objects.exists()
    concern.refresh_from_db()
    assert concern.linked_url == ""


def test_saving_from_a_report_needs_the_csrf_token(member, comms, account):
    concern = _report(member)
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    response = client.post(f"{CREATE}?concern={concern.pk}", form_data(account))
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_a_report_closed_meanwhile_is_refused_and_nothing_is_saved(
    as_user, member, comms, account
):
    concern = _report(member)
    client = as_user(comms)
    concern_services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome="duplicate"
    )
    response = client.post(f"{CREATE}?concern={concern.pk}", form_data(account))
    assert response.status_code == 409
    assert not Entry.objects.exists()


def test_the_service_links_the_report_in_the_same_transaction(member, comms, account):
    from moderation import services
    from tests.moderation.helpers import entry_data

    concern = _report(member)
    entry = services.entry_create(
        actor=comms,
        data=entry_data(account, occurred_at=timezone.now() - datetime.timedelta(hours=2)),
        concern=concern,
    )
    concern.refresh_from_db()
    assert (entry.concern_id, concern.linked_url) == (concern.pk, entry.get_absolute_url())

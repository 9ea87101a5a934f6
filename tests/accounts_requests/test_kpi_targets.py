"""Changing an account's KPI targets after approval: comms only, with a reason, kept."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts_requests.models import ManagedAccount
from portal.models import Notification
from tests import kpi_factories
from tests.forms_html import opened_stamp

pytestmark = pytest.mark.django_db

DATA = {
    "target_followers": "250",
    "target_posts_per_month": "8",
    "target_engagement_rate": "1.50",
    "target_reply_hours": "8",
    "reason": "Agreed at the annual review: a smaller audience is expected.",
}


@pytest.fixture
def account(team):
    return kpi_factories.account(team, name="Perinatal Peers")


def url(account):
    return reverse("accounts_requests:targets", args=[account.pk])


def test_comms_change_the_targets_and_the_reason_is_kept(as_user, comms, member, account):
    response = as_user(comms).post(url(account), DATA)
    assert response.status_code == 302
    account = ManagedAccount.objects.get(pk=account.pk)
    assert (account.target_followers, account.target_engagement_rate) == (250, Decimal("1.50"))
    latest = account.history.order_by("-history_date").first()
    assert latest.history_change_reason.startswith("targets: Agreed at the annual review")
    assert latest.history_user == comms
    previous = latest.prev_record
    assert (previous.target_followers, previous.target_engagement_rate) == (300, Decimal("2.00"))
    event = account.events.get(action="targets_changed")
    assert event.changed_fields == [
        "target_followers",
        "target_posts_per_month",
        "target_engagement_rate",
    ]
    assert "Followers target: 300 → 250" in event.comment
    assert Notification.objects.filter(recipient=member, kind="account.targets_changed").exists()
    page = as_user(comms).get(url(account)).content.decode()
    assert "Agreed at the annual review" in page


def test_a_change_needs_a_reason_and_valid_numbers(as_user, comms, account):
    response = as_user(comms).post(
        url(account), {**DATA, "reason": "", "target_engagement_rate": "101"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"reason", "target_engagement_rate"}
    assert ManagedAccount.objects.get(pk=account.pk).target_followers == 300


def test_no_change_records_nothing(as_user, comms, account):
    same = {
        **DATA,
        "target_followers": "300",
        "target_posts_per_month": "12",
        "target_engagement_rate": "2.00",
    }
    as_user(comms).post(url(account), same)
    assert not account.events.filter(action="targets_changed").exists()


def test_only_comms_may_change_targets(as_user, member, manager, auditor, outsider, account):
    for user in (member, manager, auditor):
        assert as_user(user).post(url(account), DATA).status_code == 403
    assert as_user(outsider).post(url(account), DATA).status_code == 404
    assert ManagedAccount.objects.get(pk=account.pk).target_followers == 300


def test_the_change_needs_the_csrf_token(comms, account):
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    assert client.post(url(account), DATA).status_code == 403


def test_targets_saved_from_an_older_page_keep_a_target_changed_meanwhile(
    as_user, comms, comms2, account
):
    import html

    page = as_user(comms2).get(url(account)).content.decode()
    opened = opened_stamp(page)
    shown = {
        "target_followers": "300",
        "target_posts_per_month": str(account.target_posts_per_month),
        "target_engagement_rate": str(account.target_engagement_rate),
        "target_reply_hours": str(account.target_reply_hours),
        "reason": "Review",
        "opened": html.unescape(opened),
    }
    assert as_user(comms).post(url(account), DATA).status_code == 302
    later = shown | {"target_reply_hours": "6"}
    assert as_user(comms2).post(url(account), later).status_code == 302
    account = ManagedAccount.objects.get(pk=account.pk)
    assert (account.target_followers, account.target_reply_hours) == (250, 6)
    clash = as_user(comms2).post(url(account), shown | {"target_followers": "999"})
    assert clash.status_code == 409
    assert ManagedAccount.objects.get(pk=account.pk).target_followers == 250

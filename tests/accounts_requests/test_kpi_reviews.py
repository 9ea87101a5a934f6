"""Annual reviews: starting, deciding, the team's response, and the review page."""

import datetime

import pytest
from django.template import Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts_requests.kpi import reviews
from accounts_requests.models import (
    AccountReview,
    ManagedAccount,
    ManagedAccountEvent,
    ReviewResponse,
)
from portal.models import Notification
from tests import kpi_factories

pytestmark = pytest.mark.django_db
State = ManagedAccount.State
TODAY = "2025-05-15 10:00"


@pytest.fixture
def account(team):
    account = kpi_factories.account(
        team,
        name="Perinatal Peers",
        activated_at=timezone.make_aware(datetime.datetime(2024, 4, 2, 9)),
    )
    for number, engagements in ((1, 250), (2, 150), (3, 100), (4, 120)):
        kpi_factories.figures(account, (2025, number), engagements=engagements, impressions=10_000)
    return account


def decide_url(review, outcome):
    return reverse("accounts_requests:review_decide", args=[review.pk, outcome])


@freeze_time(TODAY)
class TestStartingAReview:
    def test_comms_start_the_annual_review_and_the_team_is_told(
        self, as_user, comms, comms2, member, manager, account
    ):
        response = as_user(comms).post(
            reverse("accounts_requests:review_start", args=[account.pk])
        )
        review = AccountReview.objects.get()
        assert response["Location"] == review.get_absolute_url()
        assert review.kind == AccountReview.Kind.ANNUAL
        assert review.due_on == datetime.date(2025, 4, 2)  # a year after activation
        assert ManagedAccount.objects.get(pk=account.pk).state == State.UNDER_REVIEW
        told = set(
            Notification.objects.filter(kind="account.review_started").values_list(
                "recipient__username", flat=True
            )
        )
        assert told == {"member", "manager", "comms2"}

    def test_a_team_cannot_start_a_review(self, as_user, member, manager, auditor, account):
        url = reverse("accounts_requests:review_start", args=[account.pk])
        for user in (member, manager, auditor):
            assert as_user(user).post(url).status_code == 403
        assert not AccountReview.objects.exists()

    def test_two_reviews_cannot_start_at_once(self, comms, comms2, account):
        reviews.account_review_start(actor=comms, account_id=account.pk)
        with pytest.raises(reviews.ActionConflict):
            reviews.account_review_start(actor=comms2, account_id=account.pk)
        assert AccountReview.objects.count() == 1

    def test_the_start_needs_the_csrf_token(self, comms, account):
        client = Client(enforce_csrf_checks=True)
        client.force_login(comms)
        url = reverse("accounts_requests:review_start", args=[account.pk])
        assert client.post(url).status_code == 403
        assert not AccountReview.objects.exists()


@freeze_time(TODAY)
class TestDecidingAReview:
    @pytest.fixture
    def review(self, comms, account):
        return reviews.account_review_start(actor=comms, account_id=account.pk)

    def test_continue_returns_the_account_to_active_with_the_reasons_kept(
        self, as_user, comms, member, review
    ):
        response = as_user(comms).post(
            decide_url(review, "continue"), {"continue-reasons": "Engagement is recovering."}
        )
        assert response.status_code == 302
        review.refresh_from_db()
        assert (review.outcome, review.reasons, review.decided_by) == (
            "continue",
            "Engagement is recovering.",
            comms,
        )
        assert review.health_at_decision["health"] == "below"
        assert review.health_at_decision["months_below_target"] == 3
        assert ManagedAccount.objects.get(pk=review.account_id).state == State.ACTIVE
        note = Notification.objects.get(recipient=member, kind="account.review_decided")
        assert note.title == "Review outcome for Perinatal Peers (Facebook): Continue"
        assert "Engagement is recovering." in note.body

    def test_an_improvement_plan_sets_actions_and_a_re_review_date(self, as_user, comms, review):
        response = as_user(comms).post(
            decide_url(review, "improvement_plan"),
            {
                "improvement_plan-reasons": "Below target since February.",
                "improvement_plan-actions": "Post three times a week; reply within a day.",
                "improvement_plan-re_review_on": "2025-08-15",
            },
        )
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.re_review_on == datetime.date(2025, 8, 15)
        assert review.actions == "Post three times a week; reply within a day."
        account = ManagedAccount.objects.get(pk=review.account_id)
        assert account.state == State.IMPROVEMENT_PLAN
        event = account.events.get(action="set_improvement_plan")
        assert "Re-review on 15 August 2025." in event.comment

    def test_the_re_review_date_defaults_to_three_months(self, as_user, comms, review):
        page = as_user(comms).get(review.get_absolute_url()).content.decode()
        assert 'value="2025-08-15"' in page

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"reasons": "", "actions": "Post more.", "re_review_on": "2025-08-15"}, "reasons"),
            ({"reasons": "Low.", "actions": "", "re_review_on": "2025-08-15"}, "actions"),
            (
                {"reasons": "Low.", "actions": "Post.", "re_review_on": "2025-05-01"},
                "re_review_on",
            ),
            (
                {"reasons": "Low.", "actions": "Post.", "re_review_on": "2027-01-01"},
                "re_review_on",
            ),
        ],
    )
    def test_a_plan_needs_reasons_actions_and_a_sensible_date(
        self, as_user, comms, review, data, field
    ):
        data = {f"improvement_plan-{key}": value for key, value in data.items()}
        response = as_user(comms).post(decide_url(review, "improvement_plan"), data)
        assert response.status_code == 400
        assert field in response.context["outcome_forms"]["improvement_plan"].errors
        assert response.context["open_outcome"] == "improvement_plan"
        review.refresh_from_db()
        assert review.is_open

    def test_proposing_closure_opens_the_closure_with_the_review_linked(
        self, as_user, comms, head, review
    ):
        response = as_user(comms).post(
            decide_url(review, "propose_closure"),
            {
                "propose_closure-closure_reason": "low_engagement",
                "propose_closure-reasons": "A year below target.",
            },
        )
        closure = review.closures.get()
        assert response["Location"] == closure.get_absolute_url()
        assert (closure.reason, closure.previous_state) == ("low_engagement", "under_review")
        assert ManagedAccount.objects.get(pk=review.account_id).state == State.CLOSURE_PROPOSED
        assert Notification.objects.filter(
            recipient=head, kind="account.closure_proposed"
        ).exists()

    def test_a_review_is_decided_once(self, comms, comms2, review):
        reviews.account_review_decide(
            actor=comms, review_id=review.pk, outcome="continue", reasons="Fine."
        )
        with pytest.raises(reviews.ActionConflict):
            reviews.account_review_decide(
                actor=comms2, review_id=review.pk, outcome="continue", reasons="Also fine."
            )

    def test_the_team_and_auditor_cannot_decide(self, as_user, member, manager, auditor, review):
        for user in (member, manager, auditor):
            response = as_user(user).post(
                decide_url(review, "continue"), {"continue-reasons": "Mine."}
            )
            assert response.status_code == 403
        review.refresh_from_db()
        assert review.is_open

    def test_another_team_cannot_see_the_review(self, as_user, outsider, review):
        assert as_user(outsider).get(review.get_absolute_url()).status_code == 404
        assert as_user(outsider).post(decide_url(review, "continue")).status_code == 404

    def test_an_unknown_outcome_is_not_found(self, as_user, comms, review):
        assert as_user(comms).post(decide_url(review, "delete")).status_code == 404

    def test_deciding_needs_the_csrf_token(self, comms, review):
        client = Client(enforce_csrf_checks=True)
        client.force_login(comms)
        response = client.post(decide_url(review, "continue"), {"continue-reasons": "Fine."})
        assert response.status_code == 403

    def test_a_re_review_follows_an_improvement_plan(self, comms, review):
        reviews.account_review_decide(
            actor=comms,
            review_id=review.pk,
            outcome="improvement_plan",
            reasons="Low.",
            actions="Post more.",
            re_review_on=datetime.date(2025, 8, 15),
        )
        second = reviews.account_review_start(actor=comms, account_id=review.account_id)
        assert second.kind == AccountReview.Kind.RE_REVIEW
        assert second.due_on == datetime.date(2025, 8, 15)


@freeze_time(TODAY)
class TestResponses:
    @pytest.fixture
    def review(self, comms, account):
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        return reviews.account_review_decide(
            actor=comms,
            review_id=review.pk,
            outcome="improvement_plan",
            reasons="Below target since February.",
            actions="Post three times a week.",
            re_review_on=datetime.date(2025, 8, 15),
        )

    def test_the_team_sees_the_outcome_and_reasons_and_responds(
        self, as_user, member, comms, review
    ):
        client = as_user(member)
        page = client.get(review.get_absolute_url()).content.decode()
        assert "Outcome: Improvement plan" in page
        assert "Below target since February." in page
        assert "Post three times a week." in page
        assert "Re-review on 15 August 2025." in page
        response = client.post(
            reverse("accounts_requests:review_respond", args=[review.pk]),
            {"body": "We have a new post rota from June."},
        )
        assert response.status_code == 302
        response_row = ReviewResponse.objects.get()
        assert (response_row.author, response_row.from_team) == (member, True)
        assert Notification.objects.filter(
            recipient=comms, kind="account.review_response"
        ).exists()
        assert (
            "We have a new post rota from June."
            in client.get(review.get_absolute_url()).content.decode()
        )

    def test_comms_reply_and_the_team_is_told(self, as_user, comms, member, review):
        as_user(comms).post(
            reverse("accounts_requests:review_respond", args=[review.pk]),
            {"body": "Thanks, that sounds good."},
        )
        assert ReviewResponse.objects.get().from_team is False
        assert Notification.objects.filter(
            recipient=member, kind="account.review_response"
        ).exists()

    def test_an_empty_response_is_refused(self, as_user, member, review):
        response = as_user(member).post(
            reverse("accounts_requests:review_respond", args=[review.pk]), {"body": " "}
        )
        assert response.status_code == 400
        assert not ReviewResponse.objects.exists()

    def test_an_auditor_reads_but_cannot_respond(self, as_user, auditor, review):
        url = reverse("accounts_requests:review_respond", args=[review.pk])
        assert as_user(auditor).get(review.get_absolute_url()).status_code == 200
        assert as_user(auditor).post(url, {"body": "Hello"}).status_code == 403

    def test_responses_are_kept_as_written(self, member, review):
        response = reviews.account_review_respond(actor=member, review_id=review.pk, body="Hi")
        with pytest.raises(PermissionError):
            response.delete()
        with pytest.raises(PermissionError):
            ReviewResponse.objects.filter(pk=response.pk).update(body="Changed")


def moderation_panel(account, user):
    """Stands in for the moderation app's panel, which arrives through the setting."""
    return {
        "title": "Moderation counts",
        "template": Template("<p>{{ panel.hidden }} comments hidden this year.</p>"),
        "context": {"hidden": 7},
    }


@freeze_time(TODAY)
class TestTheReviewPage:
    def test_it_brings_together_figures_targets_flags_history_and_panels(
        self, as_user, comms, member, account, settings
    ):
        settings.ACCOUNT_PAGE_PANELS = [f"{__name__}.moderation_panel"]
        ManagedAccountEvent.objects.create(
            account=account,
            actor=comms,
            at=timezone.now(),
            action="verify",
            from_state="setting_up",
            to_state="active",
            comment="Set-up checked: two moderators named.",
        )
        ManagedAccountEvent.objects.create(
            account=account,
            actor=member,
            at=timezone.now(),
            action="credential_notice",
            comment="Password changed: staff leaver.",
        )
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        page = as_user(member).get(review.get_absolute_url()).content.decode()
        assert "Annual review: Perinatal Peers" in page
        assert "Below target" in page
        assert "Engagement below target for 3 months running" in page
        assert "1.20%" in page  # April's rate, in the table
        assert "kpi-chart-data" in page
        assert "Set-up checked: two moderators named." in page
        assert "Password changed: staff leaver." in page
        assert '<h2 class="h4" id="account-panel-1">Moderation counts</h2>' in page
        assert "7 comments hidden this year." in page
        assert "Decide the outcome" not in page  # the team does not decide
        assert (
            "Decide the outcome" in as_user(comms).get(review.get_absolute_url()).content.decode()
        )

    def test_a_panel_may_show_nothing(self, as_user, comms, account, settings):
        settings.ACCOUNT_PAGE_PANELS = [f"{__name__}.no_panel"]
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        assert (
            "account-panel-1" not in as_user(comms).get(review.get_absolute_url()).content.decode()
        )

    @pytest.mark.parametrize("months", [6, 36])
    def test_its_query_count_does_not_grow_with_figures_events_or_responses(
        self, months, as_user, comms, member, team, django_assert_max_num_queries
    ):
        account = kpi_factories.account(team)
        for i in range(months):
            year, number = divmod(2022 * 12 + i, 12)
            kpi_factories.figures(account, (year, number + 1), by=member)
        for i in range(months // 3):
            kpi_factories.review(
                account,
                comms,
                outcome="continue",
                reasons=f"Year {i}.",
                decided_at=timezone.now(),
                decided_by=comms,
            )
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        for i in range(months // 3):
            reviews.account_review_respond(actor=member, review_id=review.pk, body=f"Note {i}")
        client = as_user(comms)
        client.get(review.get_absolute_url())
        with django_assert_max_num_queries(22):
            response = client.get(review.get_absolute_url())
        assert response.status_code == 200


def no_panel(account, user):
    return None

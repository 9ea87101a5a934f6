"""Closing an account: proposing it, the exit checklist, sign-off, and what closed means."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from accounts_requests.kpi import reviews
from accounts_requests.models import AccountClosure, ClosureStep, ManagedAccount
from portal.models import Notification
from tests import kpi_factories

pytestmark = pytest.mark.django_db
State = ManagedAccount.State
Step = ClosureStep.Step


@pytest.fixture
def account(team):
    return kpi_factories.account(team, name="Perinatal Peers")


def propose_url(account):
    return reverse("accounts_requests:closure_propose", args=[account.pk])


def step_url(closure, step):
    return reverse("accounts_requests:closure_step", args=[closure.pk, step])


STEP_DATA = {
    Step.FINAL_POST: {"final_post-detail": "https://facebook.com/peers/posts/1"},
    Step.CONTENT_ARCHIVED: {"content_archived-detail": "Team drive, Social media archive 2025"},
    Step.LOGIN_DETAILS: {"login_details-outcome": "revoked", "login_details-detail": ""},
    Step.PLATFORM_ACCOUNT: {"platform_account-outcome": "deactivated"},
}


class TestProposing:
    def test_comms_propose_closure_for_inappropriate_content(
        self, as_user, comms, head, member, account
    ):
        response = as_user(comms).post(
            propose_url(account),
            {"reason": "inappropriate_content", "explanation": "Posts breached the policy."},
        )
        closure = AccountClosure.objects.get()
        assert response["Location"] == closure.get_absolute_url()
        assert (closure.reason, closure.previous_state, closure.proposed_by) == (
            "inappropriate_content",
            "active",
            comms,
        )
        assert ManagedAccount.objects.get(pk=account.pk).state == State.CLOSURE_PROPOSED
        told = set(
            Notification.objects.filter(kind="account.closure_proposed").values_list(
                "recipient__username", flat=True
            )
        )
        assert told == {"member", "head"}

    def test_a_teams_manager_asks_for_its_account_to_close(self, as_user, manager, account):
        page = as_user(manager).get(propose_url(account))
        assert [value for value, _ in page.context["form"].fields["reason"].choices] == [
            "team_request",
            "service_ended",
        ]
        as_user(manager).post(
            propose_url(account), {"reason": "service_ended", "explanation": "Service merged."}
        )
        assert AccountClosure.objects.get().reason == "service_ended"

    def test_a_manager_cannot_claim_inappropriate_content(self, as_user, manager, account):
        response = as_user(manager).post(
            propose_url(account), {"reason": "inappropriate_content", "explanation": "x"}
        )
        assert response.status_code == 400
        assert not AccountClosure.objects.exists()

    def test_a_member_an_auditor_and_another_team_cannot_propose(
        self, as_user, member, auditor, outsider, other_manager, account
    ):
        data = {"reason": "team_request", "explanation": "x"}
        assert as_user(member).post(propose_url(account), data).status_code == 403
        assert as_user(auditor).post(propose_url(account), data).status_code == 403
        assert as_user(outsider).post(propose_url(account), data).status_code == 404
        assert as_user(other_manager).post(propose_url(account), data).status_code == 404
        assert not AccountClosure.objects.exists()

    def test_an_explanation_is_needed_and_nothing_typed_is_lost(self, as_user, comms, account):
        response = as_user(comms).post(
            propose_url(account), {"reason": "inappropriate_content", "explanation": ""}
        )
        assert response.status_code == 400
        assert "explanation" in response.context["form"].errors
        chosen = re.search(
            r'<input[^>]*value="inappropriate_content"[^>]*>', response.content.decode()
        )
        assert "checked" in chosen.group(0)

    def test_an_account_under_review_is_closed_through_its_review(self, as_user, comms, account):
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        response = as_user(comms).get(propose_url(account))
        assert response["Location"] == review.get_absolute_url()

    def test_proposing_needs_the_csrf_token(self, comms, account):
        client = Client(enforce_csrf_checks=True)
        client.force_login(comms)
        data = {"reason": "inappropriate_content", "explanation": "x"}
        assert client.post(propose_url(account), data).status_code == 403


class TestTheChecklist:
    @pytest.fixture
    def closure(self, comms, account):
        return reviews.account_closure_propose(
            actor=comms, account_id=account.pk, reason="low_engagement", explanation="Low."
        )

    def test_the_team_and_comms_work_through_it_and_the_head_is_told_once(
        self, as_user, member, comms, head, closure
    ):
        as_user(member).post(step_url(closure, Step.FINAL_POST), STEP_DATA[Step.FINAL_POST])
        as_user(member).post(
            step_url(closure, Step.CONTENT_ARCHIVED), STEP_DATA[Step.CONTENT_ARCHIVED]
        )
        as_user(comms).post(step_url(closure, Step.LOGIN_DETAILS), STEP_DATA[Step.LOGIN_DETAILS])
        assert not Notification.objects.filter(kind="account.closure_ready").exists()
        as_user(comms).post(
            step_url(closure, Step.PLATFORM_ACCOUNT), STEP_DATA[Step.PLATFORM_ACCOUNT]
        )
        assert (
            Notification.objects.filter(recipient=head, kind="account.closure_ready").count() == 1
        )
        steps = {s.step: s for s in closure.steps.all()}
        assert steps[Step.FINAL_POST].detail == "https://facebook.com/peers/posts/1"
        assert steps[Step.FINAL_POST].done_by == member
        assert steps[Step.LOGIN_DETAILS].outcome == "revoked"
        assert closure.account.events.filter(action="closure_step").count() == 4
        # Correcting a done step updates it, and does not tell the head again.
        as_user(comms).post(
            step_url(closure, Step.PLATFORM_ACCOUNT), {"platform_account-outcome": "deleted"}
        )
        assert closure.steps.get(step=Step.PLATFORM_ACCOUNT).outcome == "deleted"
        assert (
            Notification.objects.filter(recipient=head, kind="account.closure_ready").count() == 1
        )

    @pytest.mark.parametrize(
        ("step", "data", "field"),
        [
            (Step.FINAL_POST, {"final_post-detail": ""}, "detail"),
            (Step.FINAL_POST, {"final_post-detail": "javascript:alert(1)"}, "detail"),
            (Step.CONTENT_ARCHIVED, {"content_archived-detail": ""}, "detail"),
            (Step.LOGIN_DETAILS, {"login_details-outcome": ""}, "outcome"),
            (Step.PLATFORM_ACCOUNT, {"platform_account-outcome": "revoked"}, "outcome"),
        ],
    )
    def test_each_step_needs_what_it_records(self, as_user, comms, closure, step, data, field):
        response = as_user(comms).post(step_url(closure, step), data)
        assert response.status_code == 400
        assert response.context["open_step"] == step
        assert not closure.steps.exists()

    def test_an_auditor_and_another_team_cannot_tick_steps(
        self, as_user, auditor, outsider, closure
    ):
        data = STEP_DATA[Step.FINAL_POST]
        assert as_user(auditor).post(step_url(closure, Step.FINAL_POST), data).status_code == 403
        assert as_user(outsider).post(step_url(closure, Step.FINAL_POST), data).status_code == 404
        assert not closure.steps.exists()

    def test_an_unknown_step_is_not_found(self, as_user, comms, closure):
        assert as_user(comms).post(step_url(closure, "shred")).status_code == 404


class TestSignOff:
    @pytest.fixture
    def closure(self, comms, account):
        return reviews.account_closure_propose(
            actor=comms, account_id=account.pk, reason="low_engagement", explanation="Low."
        )

    def sign_off(self, client, closure, **data):
        return client.post(reverse("accounts_requests:closure_sign_off", args=[closure.pk]), data)

    def test_the_head_cannot_sign_off_until_every_step_is_done(
        self, as_user, head, comms, closure
    ):
        ClosureStep.objects.create(
            closure=closure,
            step=Step.FINAL_POST,
            detail="https://x.org/1",
            done_by=comms,
            done_at=closure.proposed_at,
        )
        response = self.sign_off(as_user(head), closure)
        assert response.status_code == 400
        page = response.content.decode()
        assert "content archived; login details revoked or handed back" in page
        assert ManagedAccount.objects.get(pk=closure.account_id).state == State.CLOSURE_PROPOSED

    def test_the_head_signs_off_and_the_account_is_closed(
        self, as_user, head, comms, member, closure
    ):
        kpi_factories.complete_checklist(closure, comms)
        page = as_user(head).get(closure.get_absolute_url()).content.decode()
        assert "Sign off and close the account" in page
        response = self.sign_off(as_user(head), closure, comment="Agreed.")
        assert response["Location"] == closure.account.get_absolute_url()
        closure.refresh_from_db()
        assert (closure.signed_off_by, closure.sign_off_comment) == (head, "Agreed.")
        account = ManagedAccount.objects.get(pk=closure.account_id)
        assert account.state == State.CLOSED
        assert account.events.filter(action="close", to_state="closed").exists()
        told = set(
            Notification.objects.filter(kind="account.closed").values_list(
                "recipient__username", flat=True
            )
        )
        assert {"member", "comms"} <= told

    def test_comms_who_are_not_the_head_cannot_sign_off(self, as_user, comms, comms2, closure):
        kpi_factories.complete_checklist(closure, comms)
        assert (
            "Sign off and close"
            not in as_user(comms2).get(closure.get_absolute_url()).content.decode()
        )
        assert self.sign_off(as_user(comms2), closure).status_code == 403
        assert ManagedAccount.objects.get(pk=closure.account_id).state == State.CLOSURE_PROPOSED

    def test_sign_off_needs_the_csrf_token(self, head, comms, closure):
        kpi_factories.complete_checklist(closure, comms)
        client = Client(enforce_csrf_checks=True)
        client.force_login(head)
        assert self.sign_off(client, closure).status_code == 403

    def test_a_closure_is_signed_off_once(self, head, comms, closure):
        kpi_factories.complete_checklist(closure, comms)
        reviews.account_closure_sign_off(actor=head, closure_id=closure.pk)
        with pytest.raises(reviews.ActionConflict):
            reviews.account_closure_sign_off(actor=head, closure_id=closure.pk)

    def test_comms_withdraw_a_closure_and_the_account_stays_open(
        self, as_user, comms, member, closure
    ):
        url = reverse("accounts_requests:closure_cancel", args=[closure.pk])
        assert as_user(comms).post(url, {"reason": ""}).status_code == 400
        assert as_user(member).post(url, {"reason": "Please keep it."}).status_code == 403
        as_user(comms).post(url, {"reason": "The team found a new editor."})
        closure.refresh_from_db()
        assert closure.cancel_reason == "The team found a new editor."
        assert ManagedAccount.objects.get(pk=closure.account_id).state == State.ACTIVE
        assert Notification.objects.filter(
            recipient=member, kind="account.closure_cancelled"
        ).exists()


@freeze_time("2025-05-15 10:00")
class TestClosedIsReadOnly:
    @pytest.fixture
    def closed(self, comms, head, account):
        kpi_factories.figures(account, (2025, 3))
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        reviews.account_review_decide(
            actor=comms,
            review_id=review.pk,
            outcome="propose_closure",
            reasons="Low all year.",
            closure_reason="low_engagement",
        )
        closure = review.closures.get()
        kpi_factories.complete_checklist(closure, comms)
        reviews.account_closure_sign_off(actor=head, closure_id=closure.pk)
        return ManagedAccount.objects.get(pk=account.pk)

    def test_nothing_about_a_closed_account_can_change(self, as_user, comms, member, closed):
        review = closed.reviews.get()
        figures_form = {
            "month": "2025-04",
            "followers": "1",
            "posts": "1",
            "engagements": "1",
            "impressions": "1",
        }
        assert (
            as_user(member)
            .post(reverse("accounts_requests:figures", args=[closed.pk]), figures_form)
            .status_code
            == 409
        )
        assert (
            as_user(member)
            .get(reverse("accounts_requests:figures_import", args=[closed.pk]))
            .status_code
            == 302
        )
        assert (
            as_user(comms).get(reverse("accounts_requests:targets", args=[closed.pk])).status_code
            == 302
        )
        assert (
            as_user(member)
            .post(reverse("accounts_requests:review_respond", args=[review.pk]), {"body": "Hi"})
            .status_code
            == 409
        )
        assert (
            as_user(comms)
            .post(reverse("accounts_requests:review_start", args=[closed.pk]))
            .status_code
            == 409
        )
        assert as_user(comms).get(propose_url(closed)).status_code == 302
        with pytest.raises(reviews.ActionConflict):
            reviews.account_review_respond(actor=member, review_id=review.pk, body="Hi")
        assert closed.figures.count() == 1
        assert closed.reviews.count() == 1

    def test_the_account_page_says_it_is_closed_and_offers_no_actions(
        self, as_user, comms, member, closed
    ):
        page = as_user(comms).get(closed.get_absolute_url()).content.decode()
        assert "This account is closed (signed off on 15 May 2025)" in page
        assert "Start the annual review" not in page
        assert "Enter or correct figures" not in page
        assert "Change the targets" not in page
        assert "Every month's figures" in page  # still readable

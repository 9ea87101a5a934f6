"""Credential-change notices, late reporting, and the suspected-compromise flow."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts_requests import selectors_accounts, services_accounts, services_notices, vault
from accounts_requests.models import (
    Credential,
    CredentialChangeNotice,
    ManagedAccount,
    SecurityIncident,
)
from accounts_requests.services import ActionConflict, ActionError, ActionRefused
from portal.models import Notification
from tests import factories
from tests.accounts_requests.fixtures_accounts import live, ready, vault_key

__all__ = ["live", "ready", "vault_key"]

Notice = CredentialChangeNotice
State = ManagedAccount.State
LONDON = ZoneInfo("Europe/London")


def _file(account, actor, **fields):
    values = {
        "what_changed": Notice.What.PASSWORD,
        "reason": Notice.Reason.ROUTINE,
        "changed_at": timezone.now() - datetime.timedelta(minutes=10),
    }
    values.update(fields)
    if values["reason"] in (Notice.Reason.ROUTINE, Notice.Reason.LEAVER):
        values.setdefault("password", "the-new-one-42")  # the team changed it: it has it
    return services_notices.notice_file(actor=actor, account_id=account.pk, **values)


def _at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


# Late reporting: more than one working day after the change


@pytest.mark.parametrize(
    ("changed", "reported", "late"),
    [
        # Friday 16:00: one working day of office time runs to Monday 16:00.
        (_at(2026, 3, 6, 16, 0), _at(2026, 3, 9, 15, 59), False),
        (_at(2026, 3, 6, 16, 0), _at(2026, 3, 9, 16, 1), True),
        # Friday 1 May 2026, before the early May bank holiday: due Tuesday 16:00.
        (_at(2026, 5, 1, 16, 0), _at(2026, 5, 5, 15, 0), False),
        (_at(2026, 5, 1, 16, 0), _at(2026, 5, 5, 16, 30), True),
        # A change on Saturday counts from Monday's opening: due by Monday 17:00.
        (_at(2026, 3, 7, 11, 0), _at(2026, 3, 9, 16, 59), False),
        (_at(2026, 3, 7, 11, 0), _at(2026, 3, 10, 9, 1), True),
    ],
)
def test_a_notice_is_late_when_reported_after_one_working_day(
    live, member, changed, reported, late
):
    with freeze_time(reported):
        notice = _file(live, member, changed_at=changed)
    assert notice.is_late is late
    assert notice.reported_at == reported


def test_a_late_notice_says_so_to_comms(comms, live, member):
    _file(live, member, changed_at=timezone.now() - datetime.timedelta(days=10))
    note = Notification.objects.get(recipient=comms, kind="account.notice_filed")
    assert "reported late" in note.title


def test_a_change_in_the_future_is_refused(live, member):
    with pytest.raises(ActionError) as error:
        _file(live, member, changed_at=timezone.now() + datetime.timedelta(hours=2))
    assert "changed_at" in error.value.errors
    assert not Notice.objects.exists()


def test_a_notice_with_a_new_password_lodges_it_in_the_vault(live, member):
    notice = _file(live, member, password="after-the-change")
    assert notice.new_secret_lodged
    stored = vault.decrypt(Credential.objects.get(account=live).ciphertext)
    assert stored["password"] == "after-the-change"
    assert stored["login"] == "team@example.nhs.uk"
    assert "after-the-change" not in notice.details
    assert all(
        "after-the-change" not in str(value)
        for row in notice.history.values()
        for value in row.values()
    )


def test_a_new_handle_in_a_notice_updates_the_account(live, member):
    _file(
        live,
        member,
        what_changed=Notice.What.HANDLE,
        new_handle="@renamed",
        new_url="https://www.facebook.com/renamed",
    )
    live.refresh_from_db()
    assert (live.handle, live.url) == ("@renamed", "https://www.facebook.com/renamed")


@pytest.mark.parametrize("role", ["auditor", "outsider", "staff"])
def test_only_the_team_and_comms_may_file(live, people, role):
    with pytest.raises(ActionRefused):
        _file(live, people[role])


@pytest.mark.parametrize("role", ["member", "manager", "comms", "head"])
def test_the_team_and_comms_may_file(live, people, role):
    assert _file(live, people[role]).filed_by == people[role]


# Acknowledging


def test_comms_acknowledge_and_the_filer_is_told(live, member, comms):
    notice = _file(live, member)
    notice = services_notices.notice_acknowledge(
        actor=comms, notice_id=notice.pk, comment="Thanks"
    )
    assert notice.state == Notice.State.ACKNOWLEDGED
    assert (notice.acknowledged_by, notice.acknowledgement_comment) == (comms, "Thanks")
    assert Notification.objects.filter(recipient=member, kind="account.notice_acknowledged")
    assert live.events.filter(action="notice_acknowledged", actor=comms).exists()


def test_a_notice_is_acknowledged_once(live, member, comms, comms2):
    notice = _file(live, member)
    services_notices.notice_acknowledge(actor=comms, notice_id=notice.pk)
    with pytest.raises(ActionConflict):
        services_notices.notice_acknowledge(actor=comms2, notice_id=notice.pk)


@pytest.mark.parametrize("role", ["member", "manager", "auditor"])
def test_the_team_and_auditors_cannot_acknowledge(live, member, people, role, as_user):
    notice = _file(live, member)
    url = reverse("accounts_requests:notice_acknowledge", args=[notice.pk])
    assert as_user(people[role]).post(url).status_code == 403
    notice.refresh_from_db()
    assert notice.state == Notice.State.OPEN


def test_acknowledging_another_teams_notice_is_404_for_an_outsider(
    live, member, outsider, as_user
):
    notice = _file(live, member)
    url = reverse("accounts_requests:notice_acknowledge", args=[notice.pk])
    assert as_user(outsider).post(url).status_code == 404


def test_acknowledge_on_the_page(live, member, comms, as_user):
    notice = _file(live, member)
    client = as_user(comms)
    page = client.get(live.get_absolute_url()).content.decode()
    assert "Awaiting acknowledgement" in page
    response = client.post(
        reverse("accounts_requests:notice_acknowledge", args=[notice.pk]), {"comment": "Noted"}
    )
    assert response.status_code == 302
    page = client.get(live.get_absolute_url()).content.decode()
    assert "Noted" in page


# Filing on the page


def _form(**fields):
    data = {
        "what_changed": Notice.What.PASSWORD,
        "reason": Notice.Reason.ROUTINE,
        "changed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "details": "",
        "login": "",
        "password": "",
        "notes": "",
        "new_handle": "",
        "new_url": "",
    }
    data.update(fields)
    return data


def test_a_member_files_a_notice_on_the_page(live, member, as_user):
    response = as_user(member).post(
        reverse("accounts_requests:notice_create", args=[live.pk]), _form(password="n3w")
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.filed_by, notice.new_secret_lodged, notice.is_late) == (member, True, False)


def test_bad_input_keeps_the_answers_but_never_the_secret(live, member, as_user):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(member).post(
        reverse("accounts_requests:notice_create", args=[live.pk]),
        _form(changed_at=future, details="We rotated it", password="typed-secret-99"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "That is in the future" in page
    assert "We rotated it" in page
    assert "typed-secret-99" not in page
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("what", "field", "said"),
    [
        (Notice.What.PASSWORD, "password", "Give the new password"),
        (Notice.What.LOGIN_EMAIL, "login", "Give the new login"),
    ],
)
@pytest.mark.parametrize("reason", [Notice.Reason.ROUTINE, Notice.Reason.LEAVER])
def test_a_change_the_team_made_itself_comes_with_the_new_detail(
    live, member, as_user, what, field, said, reason
):
    with pytest.raises(services_notices.ActionError) as refused:
        _file(live, member, what_changed=what, reason=reason, password="", login="")
    assert said in refused.value.errors[field]
    response = as_user(member).post(
        reverse("accounts_requests:notice_create", args=[live.pk]),
        _form(what_changed=what, reason=reason, details="We changed it this morning"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert said in page and "We changed it this morning" in page
    assert not Notice.objects.exists()


@pytest.mark.parametrize("reason", [Notice.Reason.COMPROMISE, Notice.Reason.PLATFORM_RESET])
def test_after_a_compromise_or_a_reset_the_notice_goes_without_the_new_password(
    live, member, as_user, reason
):
    """The team may not have it yet, and the notice must not wait for it."""
    response = as_user(member).post(
        reverse("accounts_requests:notice_create", args=[live.pk]), _form(reason=reason)
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.reason, notice.new_secret_lodged) == (reason, False)


def test_other_changes_need_no_new_login_details(live, member):
    for what in (Notice.What.TWO_FACTOR, Notice.What.ADMIN):
        notice = _file(live, member, what_changed=what, password="")
        assert not notice.new_secret_lodged


def test_a_new_handle_needs_the_handle_choice(live, member, as_user):
    response = as_user(member).post(
        reverse("accounts_requests:notice_create", args=[live.pk]),
        _form(new_handle="@renamed"),
    )
    assert response.status_code == 400
    assert "choose &#x27;Handle or account name&#x27;" in response.content.decode()


def test_filing_needs_the_csrf_token(live, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("accounts_requests:notice_create", args=[live.pk]), _form())
    assert response.status_code == 403
    assert not Notice.objects.exists()


def test_the_compromise_link_preselects_the_reason(live, member, as_user):
    page = as_user(member).get(
        reverse("accounts_requests:notice_create", args=[live.pk]) + "?reason=compromise"
    )
    checked = re.findall(
        r'<input type="radio"[^>]*value="(\w+)"[^>]*checked', page.content.decode()
    )
    assert checked == ["compromise"]


# Suspected compromise: active -> suspended -> active


def test_a_suspected_compromise_suspends_the_account_and_alerts_comms_and_head_at_once(
    live, member, comms, head, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with (
        freeze_time(_at(2026, 3, 7, 23, 30)),  # a Saturday night
        django_capture_on_commit_callbacks(execute=True),
    ):
        _file(live, member, reason=Notice.Reason.COMPROMISE, password="locked-out-123")
        live.refresh_from_db()
        assert live.state == State.SUSPENDED
        incident = SecurityIncident.objects.get(account=live)
        assert incident.is_open and incident.suspended_account
        assert incident.opened_by == member
        alerts = Notification.objects.filter(kind="account.compromise")
        assert {a.recipient for a in alerts} == {comms, head}
        assert all(a.urgent and a.send_after is None for a in alerts)
    assert live.events.filter(action="suspend", from_state="active", to_state="suspended")
    # Alerts are e-mailed at once (the test runs tasks eagerly), never with the secret.
    urgent = [m for m in mail.outbox if "URGENT" in m.subject]
    assert {m.to[0] for m in urgent} == {comms.email, head.email}
    assert all("locked-out-123" not in m.body for m in mail.outbox)


def test_a_routine_notice_outside_office_hours_waits_for_them(live, member, comms):
    with freeze_time(_at(2026, 3, 7, 23, 30)):
        _file(live, member)
    note = Notification.objects.get(recipient=comms, kind="account.notice_filed")
    assert note.send_after == _at(2026, 3, 9, 9, 0)
    assert not note.urgent


def test_a_compromise_on_an_account_under_review_suspends_it_and_leaves_the_register(
    team, member, comms, vault_key, as_user
):
    account = factories.managed_account(team=team, state=State.UNDER_REVIEW)
    _file(account, member, reason=Notice.Reason.COMPROMISE)
    account.refresh_from_db()
    assert account.state == State.SUSPENDED
    assert account not in selectors_accounts.public_register()
    page = as_user(comms).get(account.get_absolute_url()).content.decode()
    assert "Then it returns to where it was: under review." in page
    incident = SecurityIncident.objects.get(account=account)
    assert incident.suspended_account
    services_accounts.incident_resolve(actor=comms, account_id=account.pk, note="Checked")
    incident.refresh_from_db()
    assert not incident.is_open
    account.refresh_from_db()
    assert account.state == State.UNDER_REVIEW
    assert account in selectors_accounts.public_register()


def test_a_compromise_during_set_up_opens_an_incident_without_suspending(
    team, member, comms, vault_key
):
    account = factories.managed_account(team=team, state=State.SETTING_UP)
    _file(account, member, reason=Notice.Reason.COMPROMISE)
    incident = SecurityIncident.objects.get(account=account)
    assert not incident.suspended_account
    assert account.events.filter(action="incident_opened").exists()
    services_accounts.incident_resolve(actor=comms, account_id=account.pk, note="Checked")
    account.refresh_from_db()
    assert account.state == State.SETTING_UP
    assert not SecurityIncident.objects.open().filter(account=account).exists()


def test_comms_resolve_with_a_note_and_the_account_is_active_again(
    live, member, comms, head, as_user
):
    _file(live, member, reason=Notice.Reason.COMPROMISE)
    client = as_user(comms)
    url = reverse("accounts_requests:incident_resolve", args=[live.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 400
    assert "Enter an answer." in response.content.decode()
    live.refresh_from_db()
    assert live.state == State.SUSPENDED

    response = client.post(url, {"comment": "Password changed, rogue post removed."})
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.state == State.ACTIVE
    incident = SecurityIncident.objects.get(account=live)
    assert incident.resolved_by == comms
    assert incident.resolution_note == "Password changed, rogue post removed."
    event = live.events.get(action="resolve")
    assert (event.from_state, event.to_state) == ("suspended", "active")
    assert Notification.objects.filter(recipient=member, kind="account.incident_resolved")


@pytest.mark.parametrize("role", ["member", "manager", "auditor"])
def test_only_comms_resolve(live, member, people, role, as_user):
    _file(live, member, reason=Notice.Reason.COMPROMISE)
    url = reverse("accounts_requests:incident_resolve", args=[live.pk])
    assert as_user(people[role]).post(url, {"comment": "fixed"}).status_code == 403
    live.refresh_from_db()
    assert live.state == State.SUSPENDED


LIVE = [str(state) for state in ManagedAccount.LIVE_STATES]
REPORTERS = ["member", "manager", "comms", "head"]
NOT_REPORTERS = ["auditor", "outsider", "other_manager", "staff"]


@pytest.mark.parametrize("role", REPORTERS)
@pytest.mark.parametrize("state", LIVE)
def test_a_compromise_suspends_the_account_from_every_live_state(
    team, people, role, state, vault_key
):
    account = factories.managed_account(team=team, state=state)
    _file(account, people[role], reason=Notice.Reason.COMPROMISE)
    account.refresh_from_db()
    assert account.state == State.SUSPENDED
    assert account.suspended_from == state
    event = account.events.get(action="suspend")
    assert (event.from_state, event.to_state) == (state, "suspended")
    assert SecurityIncident.objects.get(account=account).suspended_account


@pytest.mark.parametrize("role", NOT_REPORTERS)
@pytest.mark.parametrize("state", LIVE)
def test_nobody_outside_the_team_or_comms_can_suspend(team, people, role, state, vault_key):
    account = factories.managed_account(team=team, state=state)
    with pytest.raises(ActionRefused):
        _file(account, people[role], reason=Notice.Reason.COMPROMISE)
    account.refresh_from_db()
    assert account.state == state
    assert not SecurityIncident.objects.filter(account=account).exists()


@pytest.mark.parametrize("role", ["comms", "head"])
@pytest.mark.parametrize("state", LIVE)
def test_resolving_returns_the_account_to_the_state_it_was_suspended_from(
    team, member, people, role, state, vault_key
):
    account = factories.managed_account(team=team, state=state)
    _file(account, member, reason=Notice.Reason.COMPROMISE)
    services_accounts.incident_resolve(
        actor=people[role], account_id=account.pk, note="Password changed."
    )
    account.refresh_from_db()
    assert account.state == state
    event = account.events.get(action="resolve")
    assert (event.from_state, event.to_state) == ("suspended", state)
    assert SecurityIncident.objects.get(account=account).resolved_by == people[role]


@pytest.mark.parametrize(
    "role", ["member", "manager", "auditor", "outsider", "other_manager", "staff"]
)
@pytest.mark.parametrize("state", LIVE)
def test_only_comms_lift_a_suspension_from_any_state(team, member, people, role, state, vault_key):
    account = factories.managed_account(team=team, state=state)
    _file(account, member, reason=Notice.Reason.COMPROMISE)
    with pytest.raises(ActionRefused):
        services_accounts.incident_resolve(actor=people[role], account_id=account.pk, note="x")
    account.refresh_from_db()
    assert account.state == State.SUSPENDED


def test_a_review_in_progress_carries_on_after_the_incident(team, member, comms, vault_key):
    """Suspended mid-review, the account cannot be decided on until comms resolve it."""
    from accounts_requests.kpi import reviews

    account = factories.managed_account(team=team, state=State.ACTIVE)
    review = reviews.account_review_start(actor=comms, account_id=account.pk)
    _file(account, member, reason=Notice.Reason.COMPROMISE)
    with pytest.raises(ActionConflict):
        reviews.account_review_decide(
            actor=comms, review_id=review.pk, outcome="continue", reasons="Fine."
        )
    services_accounts.incident_resolve(actor=comms, account_id=account.pk, note="Fixed.")
    reviews.account_review_decide(
        actor=comms, review_id=review.pk, outcome="continue", reasons="Fine."
    )
    account.refresh_from_db()
    assert account.state == State.ACTIVE


def test_an_account_suspended_before_the_state_was_recorded_returns_to_active(
    team, comms, vault_key
):
    account = factories.managed_account(team=team, state=State.SUSPENDED)
    services_accounts.incident_resolve(actor=comms, account_id=account.pk, note="Fixed.")
    account.refresh_from_db()
    assert account.state == State.ACTIVE


@pytest.mark.parametrize("state", [State.SETTING_UP, State.SUSPENDED])
def test_a_compromise_outside_the_live_states_opens_an_incident_only(
    team, member, state, vault_key
):
    account = factories.managed_account(team=team, state=state)
    _file(account, member, reason=Notice.Reason.COMPROMISE)
    account.refresh_from_db()
    assert account.state == state
    assert not account.events.filter(action="suspend").exists()


def test_a_closed_account_takes_no_notice(team, member, comms, vault_key):
    account = factories.managed_account(team=team, state=State.CLOSED)
    for actor in (member, comms):
        with pytest.raises(ActionConflict, match="closed"):
            _file(account, actor, reason=Notice.Reason.COMPROMISE)
    assert not Notice.objects.filter(account=account).exists()


@pytest.mark.parametrize("role", ["member", "manager", "comms", "head"])
def test_the_team_and_comms_may_report_a_compromise(live, people, role):
    _file(live, people[role], reason=Notice.Reason.COMPROMISE)
    live.refresh_from_db()
    assert live.state == State.SUSPENDED


@pytest.mark.parametrize("state", [s for s in State.values if s != State.SUSPENDED])
def test_resolving_needs_an_open_incident_or_a_suspension(team, comms, state, vault_key):
    account = factories.managed_account(team=team, state=state)
    with pytest.raises(ActionConflict):
        services_accounts.incident_resolve(actor=comms, account_id=account.pk, note="fine")


def test_a_suspended_account_cannot_be_verified_into_active_around_the_incident(
    ready, member, comms
):
    _file(ready, member, reason=Notice.Reason.COMPROMISE)
    with pytest.raises(ActionConflict):
        services_accounts.account_verify(actor=comms, account_id=ready.pk)


def test_the_page_shows_the_incident_and_hides_the_public_register_line(
    live, member, comms, as_user
):
    page = as_user(comms).get(live.get_absolute_url()).content.decode()
    assert "Listed on the" in page
    _file(live, member, reason=Notice.Reason.COMPROMISE)
    page = as_user(comms).get(live.get_absolute_url()).content.decode()
    assert "Suspected compromise, reported" in page
    assert "Listed on the" not in page
    assert "Resolve the incident and lift the suspension" in page

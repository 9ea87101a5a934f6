"""Credential-change notices, suspected compromises and the leaver rule."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from django_fsm import ConcurrentTransition

from accounts_requests import notifications_accounts, rules
from accounts_requests.models import (
    AccountModerator,
    Credential,
    CredentialChangeNotice,
    CredentialReveal,
    ManagedAccount,
    RotationTask,
    SecurityIncident,
)
from accounts_requests.services_vault import store_credentials
from accounts_requests.workflow import (
    locked_account,
    record_event,
    refuse_if_closed,
    run_account_transition,
)
from portal.moments import local_day, local_moment
from portal.services.errors import ActionConflict, ActionError, ActionRefused
from portal.worktime import WorkingCalendar

Notice = CredentialChangeNotice

# A clock a little ahead of ours should not make a change "in the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)
# What a team has to report within: one working day of the change (policy: "at once").
REPORT_WITHIN_WORKING_DAYS = 1


def report_due_by(changed_at):
    return WorkingCalendar.current().add_working_days(changed_at, REPORT_WITHIN_WORKING_DAYS)


def _summary(notice):
    parts = [f"{notice.get_what_changed_display()} ({notice.get_reason_display().lower()})"]
    parts.append(f"changed {local_moment(notice.changed_at)}")
    if notice.is_late:
        parts.append("reported late")
    if notice.new_secret_lodged:
        parts.append("new login details lodged")
    return ", ".join(parts) + "."


@sensitive_variables()
def notice_file(
    *,
    actor,
    account_id,
    what_changed,
    reason,
    changed_at,
    details="",
    login="",
    password="",
    notes=None,
    new_handle="",
    new_url="",
):
    """Record a change of login details; a suspected compromise also suspends the account
    and alerts the communications team and its head at once.

    A password or login the team changed itself (routinely, or after a leaver) comes with
    the new one (``_new_details_missing``), so the communications team's copy is never
    out of date; after a compromise or a reset by the platform the team may not have it
    yet, and the notice must not wait for it."""
    now = timezone.now()
    missing = _new_details_missing(what_changed, reason, login=login, password=password)
    if missing:
        raise ActionError(
            "Lodge the new details with the notice: the communications team needs them to "
            "act as back-up admin.",
            errors=missing,
        )
    if changed_at > now + CLOCK_SKEW:
        raise ActionError(
            "The change cannot be in the future.",
            errors={
                "changed_at": "Give the date and time the change was made; it is in the future."
            },
        )
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_file_notice(account, actor):
            raise ActionRefused("You cannot file a notice for this account.")
        due = report_due_by(changed_at)
        notice = Notice(
            account=account,
            filed_by=actor,
            what_changed=what_changed,
            reason=reason,
            changed_at=changed_at,
            reported_at=now,
            report_due_by=due,
            is_late=now > due,
            details=details,
        )
        if login or password or notes:
            store_credentials(account, actor=actor, login=login, password=password, notes=notes)
            notice.new_secret_lodged = True
        notice._change_reason = "filed"
        notice.save()
        _apply_new_address(account, notice, new_handle=new_handle, new_url=new_url)
        record_event(account, actor=actor, action="notice_filed", comment=_summary(notice))
        if what_changed == Notice.What.PASSWORD:
            _close_rotation_tasks(account, notice, now)
        if notice.is_compromise:
            _open_incident(account, notice, actor=actor, now=now)
        else:
            notifications_accounts.notice_filed(notice, actor=actor)
    return notice


# Changes the team makes itself, so it has the new details to hand.
_MADE_BY_THE_TEAM = (Notice.Reason.ROUTINE, Notice.Reason.LEAVER)


def _new_details_missing(what_changed, reason, *, login, password):
    """{field: what to do} for the new detail a notice of this kind must lodge."""
    if reason not in _MADE_BY_THE_TEAM:
        return {}
    if what_changed == Notice.What.PASSWORD and not password:
        return {"password": "Give the new password: your team changed it, so it has it."}
    if what_changed == Notice.What.LOGIN_EMAIL and not login:
        return {"login": "Give the new login: your team changed it, so it has it."}
    return {}


def _apply_new_address(account, notice, *, new_handle, new_url):
    if notice.what_changed != Notice.What.HANDLE:
        return
    changed = [
        name
        for name, value in (("handle", new_handle), ("url", new_url))
        if value and getattr(account, name) != value
    ]
    if not changed:
        return
    account.handle = new_handle or account.handle
    account.url = new_url or account.url
    account._change_reason = "new handle reported in a notice"
    account.save(update_fields=changed)
    record_event(account, actor=notice.filed_by, action="setup_updated", changed_fields=changed)


def _close_rotation_tasks(account, notice, now):
    for task in RotationTask.objects.select_for_update().open().filter(account=account):
        task.closed_at = now
        task.closed_by_notice = notice
        task._change_reason = "closed by a password change notice"
        task.save()


def _open_incident(account, notice, *, actor, now):
    suspended = False
    # From any live state: a review, a plan or a proposed closure carries on once comms
    # resolve the incident (the account remembers where it was).
    if account.state in ManagedAccount.LIVE_STATES:
        run_account_transition(
            account, actor=actor, name="suspend", comment=_summary(notice), at=now
        )
        suspended = True
    if not SecurityIncident.objects.open().filter(account=account).exists():
        SecurityIncident.objects.create(
            account=account,
            notice=notice,
            opened_by=actor,
            opened_at=now,
            suspended_account=suspended,
        )
        if not suspended:
            record_event(account, actor=actor, action="incident_opened", comment=_summary(notice))
    notifications_accounts.compromise_reported(notice, actor=actor, suspended=suspended)


def notice_acknowledge(*, actor, notice_id, comment=""):
    with transaction.atomic():
        try:
            notice = (
                Notice.objects.select_for_update(of=("self",))
                .select_related("account", "filed_by", "acknowledged_by")
                .get(pk=notice_id)
            )
        except Notice.DoesNotExist:
            raise ActionConflict("This notice no longer exists.") from None
        refuse_if_closed(notice.account)
        meta = notice.acknowledge._django_fsm
        if not meta.has_transition(notice.state):
            raise ActionConflict(
                f"{notice.acknowledged_by} acknowledged this notice already. Nothing was changed."
            )
        if not meta.has_transition_perm(notice, notice.state, actor):
            raise ActionRefused("Only the communications team can acknowledge a notice.")
        notice.acknowledge(by=actor, at=timezone.now(), comment=comment.strip())
        notice._change_reason = "acknowledged"
        try:
            notice.save()
        except ConcurrentTransition:
            raise ActionConflict(
                "Someone acknowledged this notice at the same moment. Nothing was changed."
            ) from None
        record_event(
            notice.account,
            actor=actor,
            action="notice_acknowledged",
            comment=f"{notice.get_what_changed_display()} changed "
            f"{local_day(notice.changed_at)}."
            + (f" {notice.acknowledgement_comment}" if notice.acknowledgement_comment else ""),
        )
        notifications_accounts.notice_acknowledged(notice, actor=actor)
    return notice


def _named_before_and_still_knowing(user, live):
    """The live accounts that named ``user`` once and took them off the list, and whose
    login details have not been lodged anew since (or were never lodged): what they knew
    still opens the account."""
    removed = {}
    for account_id, when in (
        AccountModerator.history.filter(user_id=user.pk, history_type="-", account_id__in=live)
        .order_by("history_date")
        .values_list("account_id", "history_date")
    ):
        removed[account_id] = when  # the latest removal wins
    lodged_at = dict(
        Credential.objects.filter(account_id__in=removed).values_list("account_id", "lodged_at")
    )
    return {
        account_id
        for account_id, when in removed.items()
        if account_id not in lodged_at or lodged_at[account_id] <= when
    }


def rotation_tasks_raise_for_leaver(*, user):
    """Someone was deactivated: every account they could get into needs a new password.

    That is each account naming them as moderator or admin, or that named them and still
    has the login details lodged before they came off its list; each account whose
    current login details they lodged; and each account whose login details they
    revealed. Closed accounts are left alone. Safe to run twice: a leaver has at most one
    open task per account.
    """
    live = ManagedAccount.objects.exclude(state=ManagedAccount.State.CLOSED).values("pk")
    named = set(
        AccountModerator.objects.filter(user=user, account__in=live).values_list(
            "account_id", flat=True
        )
    )
    named |= _named_before_and_still_knowing(user, live)
    lodged = set(
        Credential.objects.filter(lodged_by=user, account__in=live).values_list(
            "account_id", flat=True
        )
    )
    revealed = set(
        CredentialReveal.objects.successful()
        .filter(actor=user, account__in=live)
        .values_list("account_id", flat=True)
    )
    raised = []
    with transaction.atomic():
        for account_id in sorted(named | lodged | revealed):
            account = locked_account(account_id)
            if account.state == ManagedAccount.State.CLOSED:  # closed since we looked
                continue
            if RotationTask.objects.open().filter(account=account, departed_user=user).exists():
                continue
            if account_id in named:
                reason = RotationTask.Reason.NAMED
            elif account_id in lodged:
                reason = RotationTask.Reason.LODGED
            else:
                reason = RotationTask.Reason.REVEALED
            task = RotationTask.objects.create(
                account=account, departed_user=user, reason=reason, raised_at=timezone.now()
            )
            record_event(
                account,
                actor=None,
                action="rotation_raised",
                comment=f"{user} was deactivated. {task.get_reason_display()}.",
            )
            notifications_accounts.rotation_raised(task)
            raised.append(task)
    return raised

"""Reminders about proposals and accounts: who is reminded, after how long, and who next.

One table, read by the portal's reminder engine (see ``portal.reminders``): proposals,
set-up, credential-change notices, login details to change after a leaver, security
incidents left open, annual reviews (due, and started but not decided), improvement-plan
re-reviews, closures waiting for sign-off and monthly figures. Waits count office time or
calendar days; any of them can be changed with ``REMINDER_WAITS`` (for example
``proposal.pickup.escalate=5wd``).
"""

import datetime

from django.db.models import DateTimeField, Exists, OuterRef, Q, Value
from django.utils import timezone

from accounts_requests import rules
from accounts_requests.kpi.months import add_months, month_start
from accounts_requests.models import (
    AccountRequest,
    CredentialChangeNotice,
    ManagedAccount,
    MonthlyFigures,
)
from portal.reminders import (
    Rule,
    Stage,
    days,
    days_before,
    recipients,
    working_days,
    working_hours,
)
from portal.worktime import WorkingCalendar

# Last month's figures are expected by the start of this working day of the month.
FIGURES_DUE_WORKING_DAY = 5


class FiguresMissingRule(Rule):
    """Live accounts with no figures for last month once the month's fifth working day
    has begun.

    The wait is not stored on a row: it begins each month for every account, so the
    moment it falls due (the opening of the fifth working day) is annotated under
    ``since``, once per query, and the ledger keys each month's reminder by it. Accounts
    that went live during last month are not asked for it.
    """

    def _this_month(self, records, now=None):
        calendar = WorkingCalendar.current()
        today = calendar.local(now or timezone.now()).date()
        last_month = add_months(month_start(today), -1)
        due_day = calendar.working_day_of_month(today.year, today.month, FIGURES_DUE_WORKING_DAY)
        live_all_month = datetime.datetime.combine(last_month, datetime.time(0), calendar.tz)
        return (
            records.filter(activated_at__lt=live_all_month)
            .exclude(
                Exists(MonthlyFigures.objects.filter(account=OuterRef("pk"), month=last_month))
            )
            .annotate(
                **{self.since: Value(calendar.opening_on(due_day), output_field=DateTimeField())}
            )
        )

    def waiting_records(self):
        return self._this_month(super().waiting_records())

    def waiting_records_for(self, user):
        return self._this_month(super().waiting_records_for(user))


Proposal = AccountRequest.State
Account = ManagedAccount.State

RULES = [
    Rule(
        key="proposal.endorsement",
        model="accounts_requests.AccountRequest",
        summary="Proposals waiting for a manager's endorsement",
        waiting=Q(state=Proposal.AWAITING_ENDORSEMENT),
        since="state_changed_at",
        stages=(
            Stage(
                "remind",
                after=working_days(2),
                tell=recipients.team_managers("team"),
                title="Waiting for your endorsement: {record}",
                body="{record.team} proposed this account on {since} and it has waited {wait} "
                "for a manager's endorsement. Endorse it so the communications team can "
                "review it, or talk to the team about what needs to change.",
            ),
        ),
    ),
    Rule(
        key="proposal.pickup",
        model="accounts_requests.AccountRequest",
        summary="Proposals submitted and not yet picked up",
        waiting=Q(state=Proposal.SUBMITTED),
        since="state_changed_at",
        select_related=("reviewer",),
        stages=(
            Stage(
                "remind",
                after=working_days(2),
                tell=recipients.person(
                    "reviewer", label="the reviewer", otherwise=recipients.comms
                ),
                title="Not yet picked up: {record}",
                body="This proposal from {record.team} was submitted on {since} and has waited "
                "{wait} for a reviewer. Start the review, or assign it to someone.",
            ),
            Stage(
                "escalate",
                after=working_days(4),
                tell=recipients.heads_of_comms,
                title="Escalation: {record} not picked up for {wait}",
                body="This proposal from {record.team} was submitted on {since} and nobody in "
                "the communications team has started reviewing it. They were reminded "
                "earlier.",
            ),
        ),
    ),
    Rule(
        key="proposal.changes",
        model="accounts_requests.AccountRequest",
        summary="Changes requested and no response from the team",
        waiting=Q(state=Proposal.CHANGES_REQUESTED),
        since="state_changed_at",
        select_related=("applicant",),
        stages=(
            Stage(
                "remind",
                after=working_days(10),
                tell=recipients.person("applicant"),
                title="Changes still needed: {record}",
                body="The communications team asked for changes to this proposal on {since}, "
                "{wait} ago. Make the changes and resubmit it, or withdraw it if the team "
                "no longer needs the account.",
            ),
        ),
    ),
    Rule(
        key="account.setup",
        model="accounts_requests.ManagedAccount",
        summary="Approved accounts whose set-up is not finished",
        waiting=Q(state=Account.SETTING_UP),
        since="state_changed_at",
        stages=(
            Stage(
                "remind",
                after=working_days(10),
                tell=recipients.team("team") + recipients.comms,
                title="Set-up not finished: {record}",
                body="This account was approved on {since} and its set-up is still not "
                "complete after {wait}. Finish setting it up (comms as back-up admin, "
                "login details lodged, two moderators) so it can go live.",
            ),
        ),
    ),
    Rule(
        key="credential.acknowledge",
        model="accounts_requests.CredentialChangeNotice",
        summary="Credential-change notices not acknowledged",
        # A closed account is read-only: a notice left open on it waits for nobody.
        waiting=Q(state=CredentialChangeNotice.State.OPEN) & ~Q(account__state=Account.CLOSED),
        since="reported_at",
        team_field="account__team",
        select_related=("account",),
        stages=(
            Stage(
                "remind",
                after=working_hours(4),
                tell=recipients.comms,
                title="Acknowledge the login change on {record.account}",
                body="{record.account.team} reported a change of login details on {since}. "
                "It has waited {wait} for the communications team to acknowledge it: check "
                "the new details are lodged and acknowledge the notice.",
            ),
            Stage(
                "escalate",
                after=working_days(1),
                tell=recipients.heads_of_comms,
                title="Not acknowledged for {wait}: login change on {record.account}",
                body="{record.account.team} reported a change of login details on {since} and "
                "nobody in the communications team has acknowledged it. They were reminded "
                "earlier.",
            ),
        ),
    ),
    Rule(
        key="credential.rotation",
        model="accounts_requests.RotationTask",
        summary="Login details to change after someone with access left",
        waiting=Q(closed_at__isnull=True) & ~Q(account__state=Account.CLOSED),
        since="raised_at",
        team_field="account__team",
        select_related=("account",),
        label="Login details of {record.account}",
        stages=(
            Stage(
                "remind",
                after=working_days(1),
                tell=recipients.team_managers("account__team") + recipients.comms,
                title="Change the login details: {record.account}",
                body="Someone who could get into {record.account} left the trust on {since}, "
                "and the login details have not been changed in the {wait} since. Change "
                "the account's password, then file a notice of the change with the new "
                "details: that closes this task.",
            ),
            Stage(
                "escalate",
                after=working_days(3),
                tell=recipients.comms + recipients.heads_of_comms,
                title="Login details unchanged for {wait} after a leaver: {record.account}",
                body="Someone who could get into {record.account} left the trust on {since}. "
                "The team and the communications team were reminded, and the password has "
                "still not been changed, so the account is open to someone who no longer "
                "works here.",
            ),
        ),
    ),
    Rule(
        key="account.incident",
        model="accounts_requests.SecurityIncident",
        summary="Security incidents not yet resolved",
        waiting=Q(resolved_at__isnull=True) & ~Q(account__state=Account.CLOSED),
        since="opened_at",
        team_field="account__team",
        select_related=("account",),
        label="Incident on {record.account}",
        stages=(
            Stage(
                "remind",
                after=working_days(1),
                tell=recipients.comms,
                title="Security incident still open: {record.account}",
                body="A suspected compromise of {record.account} was reported on {since} and "
                "the incident has been open for {wait}. While it is open the account is off "
                "the public register. Once the account is secure and its login details are "
                "new, resolve the incident from the account's page.",
            ),
            Stage(
                "escalate",
                after=working_days(3),
                tell=recipients.comms + recipients.heads_of_comms,
                title="Security incident open for {wait}: {record.account}",
                body="A suspected compromise of {record.account} was reported on {since} and "
                "the incident is still open. The communications team was reminded "
                "earlier.",
                urgent=True,
            ),
        ),
    ),
    Rule(
        key="account.review",
        model="accounts_requests.ManagedAccount",
        summary="Annual reviews falling due (reminders from 30 days before)",
        waiting=Q(state=Account.ACTIVE, review_due_on__isnull=False),
        since="review_due_on",
        stages=(
            Stage(
                "approaching",
                after=days_before(30),
                tell=recipients.team("team") + recipients.comms,
                title="Annual review due on {since}: {record}",
                body="The annual review of {record}, run by {record.team}, falls due on "
                "{since}. The team: make sure every month's figures are in. The "
                "communications team: start the review from the account's page.",
            ),
            Stage(
                "overdue",
                after=days(0),
                tell=recipients.team("team") + recipients.comms,
                title="Review due: {record}",
                body="The annual review of {record}, run by {record.team}, fell due on "
                "{since} and has not started. The communications team starts it from the "
                "account's page.",
            ),
        ),
    ),
    Rule(
        key="account.review_decision",
        model="accounts_requests.ManagedAccount",
        summary="Annual reviews started but not decided",
        waiting=Q(state=Account.UNDER_REVIEW),
        since="state_changed_at",
        stages=(
            Stage(
                "remind",
                after=working_days(10),
                tell=recipients.comms,
                title="Review not decided after {wait}: {record}",
                body="The review of {record}, run by {record.team}, started on {since} and "
                "has no outcome yet. Decide it from the account's page: carry on as it is, "
                "set an improvement plan, or propose closing it.",
            ),
            Stage(
                "escalate",
                after=working_days(20),
                tell=recipients.comms + recipients.heads_of_comms,
                title="Review still not decided after {wait}: {record}",
                body="The review of {record}, run by {record.team}, started on {since}. The "
                "communications team was reminded earlier and the review still has no "
                "outcome; the team is waiting to hear.",
            ),
        ),
    ),
    Rule(
        key="account.re_review",
        model="accounts_requests.ManagedAccount",
        summary="Improvement plans due for their re-review",
        waiting=Q(state=Account.IMPROVEMENT_PLAN, review_due_on__isnull=False),
        since="review_due_on",
        stages=(
            Stage(
                "due",
                after=days(0),
                tell=recipients.team("team") + recipients.comms,
                title="Re-review due: {record}",
                body="{record}, run by {record.team}, is on an improvement plan whose "
                "re-review fell due on {since}. The communications team starts the re-review "
                "from the account's page; the team can add what has changed on the review's "
                "page.",
            ),
        ),
    ),
    Rule(
        key="account.closure",
        model="accounts_requests.ManagedAccount",
        summary="Closures waiting for the head of communications to sign off",
        waiting=Q(state=Account.CLOSURE_PROPOSED),
        since="state_changed_at",
        stages=(
            Stage(
                "remind",
                after=working_days(10),
                tell=recipients.heads_of_comms + recipients.comms,
                title="Closure proposed {wait} ago: {record}",
                body="Closing {record}, run by {record.team}, was proposed on {since}. Once "
                "the exit checklist is worked through, the head of communications signs "
                "the closure off from the account's page; if the account should stay, the "
                "communications team keeps it open from the same page.",
            ),
        ),
    ),
    FiguresMissingRule(
        key="account.figures",
        model="accounts_requests.ManagedAccount",
        summary="Last month's KPI figures not in by the fifth working day",
        waiting=Q(state__in=rules.LIVE_ACCOUNT_STATES),
        since="figures_due_at",
        stages=(
            Stage(
                "remind",
                after=days(0),
                tell=recipients.team("team"),
                title="Figures needed: {record}",
                body="Last month's figures for {record} are not in yet, and it is the fifth "
                "working day of the month. Enter them on the account's page, or import the "
                "platform's CSV export, so the account's health and its annual review have "
                "them.",
            ),
        ),
    ),
]

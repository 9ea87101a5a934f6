"""Reminders about proposals and accounts: who is reminded, after how long, and who next.

One table, read by the portal's reminder engine (see ``portal.reminders``). Waits count
office time; any of them can be changed with ``REMINDER_WAITS`` (for example
``proposal.pickup.escalate=5wd``).
"""

from django.db.models import Q

from accounts_requests.models import AccountRequest, ManagedAccount
from portal.reminders import Rule, Stage, recipients, working_days

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
]

"""The moderation log's scheduled work, on the portal's reminder engine.

An entry's evidence, and what it holds of the commenter (their words, the link to their
comment, the notes), are removed past the entry's retention date by a stage that runs a
job instead of telling anyone (see ``portal.reminders``): once per entry and retention
date, the day after the date, unless the entry is on legal hold or a request for a copy
of what is held about its commenter is waiting for its answer (``RetentionRule``). It
shows on the communications team's "Due and overdue" page with everything else the
portal keeps on time.

A legal hold is looked at again ``MODERATION_LEGAL_HOLD_REVIEW_MONTHS`` after it was placed
or last kept: the communications team is told on the day, and the head of communications
too, urgently, a fortnight later if it has been neither kept nor lifted.

A safeguarding concern the safeguarding lead has not taken on is chased: the lead is told
again, urgently, four working hours after it was flagged, and the head of communications
too a working day after. The first alert went at once, day or night.

A management plan for a repeat offender is looked at again on its review date: its owner
is told on the day (the communications team when its owner has left), and the head of
communications too a fortnight later if it is still waiting. The messages name the plan
by its number, never the commenter.

A request about a person's data has a calendar month for its answer from the day it
was received: the communications team and the head of communications are told a week
before the day it is due, and again, urgently, the day after if it is still open. The
messages name the request by its number, never the person.
"""

from django.db.models import Q

from moderation.models.entry import SAFEGUARDING_WAITING
from moderation.models.rights import access_requesters
from portal.reminders import (
    Rule,
    Stage,
    days,
    days_before,
    recipients,
    working_days,
    working_hours,
)

RIGHTS_TOLD = recipients.comms + recipients.heads_of_comms
PLAN_OWNER = recipients.person("owner", label="the plan's owner", otherwise=recipients.comms)


class RetentionRule(Rule):
    """Entries past their retention date wait for the job, except those whose commenter
    has asked for a copy of what is held about them and not yet had it: what the copy is
    made of must still be there when it is made. Once the request is answered or closed
    they wait again, and as the stage was never run for their date, the next sweep runs
    it."""

    def waiting_records(self):
        return super().waiting_records().exclude(commenter_id__in=access_requesters())

    def waiting_records_for(self, user):
        return super().waiting_records_for(user).exclude(commenter_id__in=access_requesters())


RULES = [
    RetentionRule(
        key="moderation.evidence_retention",
        model="moderation.Entry",
        summary="Evidence and commenter details past the retention date (removed by the job)",
        # Until the job has run: entries it has been through leave the partial index.
        waiting=Q(legal_hold=False, personal_data_removed_at__isnull=True),
        since="evidence_retain_until",
        team_field="account__team",
        label="Entry {record.pk} on {record.account}",
        stages=(
            Stage(
                "remove",
                after=days(1),
                tell=None,
                run="moderation.services.entry_retention_expire",
            ),
        ),
    ),
    Rule(
        key="moderation.legal_hold_review",
        model="moderation.Entry",
        summary="Legal holds to look at again",
        waiting=Q(legal_hold=True),
        since="legal_hold_review_on",
        team_field="account__team",
        label="Entry {record.pk} on {record.account}",
        stages=(
            Stage(
                "due",
                after=days(0),
                tell=recipients.comms,
                title="Legal hold to look at again: {record}",
                body="{record} on {record.account} is on legal hold, which keeps its "
                "evidence and the commenter's details past their date, and is to be looked "
                "at again on {since}. From its page, keep the hold and say why it is still "
                "needed, or lift it.",
            ),
            Stage(
                "overdue",
                after=days(14),
                tell=recipients.comms + recipients.heads_of_comms,
                title="Legal hold not looked at: {record}",
                body="The legal hold on {record} was due to be looked at by {since} and "
                "has been neither kept nor lifted. While it stays, the commenter's "
                "details are kept past their date. Keep it with the reason, or lift it, "
                "from the entry's page.",
                urgent=True,
            ),
        ),
    ),
    Rule(
        key="moderation.safeguarding_taken_on",
        model="moderation.Entry",
        summary="Safeguarding concerns not yet taken on by the safeguarding lead",
        # A flag raised by code older than the field has no moment to count from: the
        # migration that added it gave every earlier concern one.
        waiting=SAFEGUARDING_WAITING & Q(safeguarding_flagged_at__isnull=False),
        since="safeguarding_flagged_at",
        team_field="account__team",
        label="Entry {record.pk} on {record.account}",
        stages=(
            Stage(
                "remind",
                after=working_hours(4),
                tell=recipients.safeguarding_leads,
                title="Safeguarding concern not yet taken on: {record}",
                body="{record} on {record.account} was flagged as a safeguarding concern on "
                "{since} and nobody has taken it on. Open it, make the referral that is "
                "needed, and record what was done on the entry's page.",
                urgent=True,
            ),
            Stage(
                "escalate",
                after=working_days(1),
                tell=recipients.safeguarding_leads + recipients.heads_of_comms,
                title="Safeguarding concern waiting a working day: {record}",
                body="{record} on {record.account} was flagged as a safeguarding concern on "
                "{since} and has waited {wait} without being taken on. Make sure someone "
                "with safeguarding responsibility looks at it today.",
                urgent=True,
            ),
        ),
    ),
    Rule(
        key="moderation.plan_review",
        model="moderation.ManagementPlan",
        summary="Management plans due to be looked at again",
        waiting=Q(status="open"),
        since="review_on",
        team_field=None,
        select_related=("owner",),
        label="Management plan {record.pk}",
        stages=(
            Stage(
                "due",
                after=days(0),
                tell=PLAN_OWNER,
                title="Management plan {record.pk} is due to be looked at",
                body="Management plan {record.pk}, for a repeat offender, is due to be looked "
                "at again on {since}. From its page, tick the steps that are done and set "
                "the next review date, or close the plan with what it achieved.",
            ),
            Stage(
                "overdue",
                after=days(14),
                tell=PLAN_OWNER + recipients.heads_of_comms,
                title="Management plan {record.pk} not looked at since {since}",
                body="Management plan {record.pk}, for a repeat offender, was due to be "
                "looked at again on {since} and has been neither reviewed nor closed. Its "
                "owner was reminded earlier.",
            ),
        ),
    ),
    Rule(
        key="moderation.rights_request",
        model="moderation.RightsRequest",
        summary="Requests about a person's data waiting for an answer",
        waiting=Q(status="open"),
        since="due_on",
        team_field=None,
        label="{record} ({record.kind_label})",
        stages=(
            Stage(
                "approaching",
                after=days_before(7),
                tell=RIGHTS_TOLD,
                title="Answer due on {since}: {record}",
                body="{record}, a request for {record.kind_label}, must be answered by {since}, "
                "a calendar month after it was received. Answer it from its page: take "
                "the export or remove their details, or close it with the reason.",
            ),
            Stage(
                "overdue",
                after=days(1),
                tell=RIGHTS_TOLD,
                title="Overdue: {record}",
                body="{record}, a request for {record.kind_label}, was due to be answered by "
                "{since} and is still open. The law allows a calendar month: answer it "
                "today from its page, or close it with the reason.",
                urgent=True,
            ),
        ),
    ),
]

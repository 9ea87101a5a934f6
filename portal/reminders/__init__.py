"""Reminders and escalations, declared as tables and sent once each.

Every app that has something to remind people about declares its rules in its own
``reminders.py``, as one readable table named ``RULES``, and lists it in the
``REMINDER_RULE_TABLES`` setting. The engine (``portal.reminders.engine``) collects the
tables; a Celery beat job (``portal.tasks.sweep_reminders``, every five minutes) sends
each stage that has fallen due, once per record and wait, into the notifications outbox
as an ordinary reminder (e-mailed in office hours, or in the recipient's daily digest).
The comms page "Due and overdue" and each person's home-page panel read the same tables,
so a new table shows up there too.

A rule says which records are waiting (``waiting``), the stored moment or date the wait
began (``since``), and its stages: after how long (``after``), who is told (``tell``) and
what they read (``title``, ``body``). Waits are ``working_hours(n)``, ``working_days(n)``
(office time, see ``portal.worktime``), ``days(n)`` or ``days_before(n)`` (calendar days,
for dates such as a review date). Any stage's wait can be changed without a code change
with the ``REMINDER_WAITS`` setting: ``REMINDER_WAITS=proposal.pickup.escalate=5wd``.

Worked example: a credential-change notice that comms has not acknowledged. The app adds
``accounts_requests/reminders.py`` (or adds to it) ::

    from django.db.models import Q

    from portal.reminders import Rule, Stage, recipients, working_days, working_hours

    RULES = [
        Rule(
            key="credential.acknowledge",          # unique; used in REMINDER_WAITS
            model="accounts_requests.CredentialNotice",
            summary="Credential-change notices not acknowledged",
            waiting=Q(acknowledged_at__isnull=True),
            since="reported_at",                   # index (reported_at) for this filter
            team_field="account__team",            # shown on the comms page
            stages=(
                Stage(
                    "remind",
                    after=working_hours(4),
                    tell=recipients.comms,
                    title="Acknowledge the login change on {record.account}",
                    body="It was reported on {since} and has waited {wait}.",
                ),
                Stage(
                    "escalate",
                    after=working_days(1),
                    tell=recipients.heads_of_comms,
                    title="Not acknowledged for {wait}: login change on {record.account}",
                ),
            ),
        ),
    ]

and, if the app has no table yet, lists it in ``portal/settings.py``::

    REMINDER_RULE_TABLES = [..., "moderation.reminders.RULES"]

with an index that matches the query, e.g. ``models.Index(fields=["reported_at"],
condition=Q(acknowledged_at__isnull=True), name="notice_unacknowledged_idx")``.

Recipients: ``recipients.comms``, ``recipients.heads_of_comms``,
``recipients.team_managers("team")``, ``recipients.team("team")`` (everyone in it),
``recipients.person("applicant", otherwise=recipients.comms)``; join with ``+``. Field
names may follow relations (``"account__team"``). If nobody can be told, comms is told.
A stage may be urgent (``urgent=True``: goes at once, never waits for office hours or
the digest), and a stage may run a job instead of telling people (``run="app.jobs.f"``,
``tell=None``), once per record and wait: the retention of evidence is such a stage.

A wait that is not anchored on a stored moment (monthly KPI figures missing by the fifth
working day) subclasses ``Rule`` and overrides ``waiting_records()`` to annotate the
moment the wait began (the start of the month) under the name given as ``since``; the
engine filters on that annotation as it would on a field.

Sending once: each stage sent writes a ``ReminderSent`` row whose unique key is (rule,
stage, record, wait began). Running the sweep twice, or two beats at once, sends nothing
twice; a record that waits again later (sent back for changes a second time) is reminded
again. When several stages of a record fall due at once, each person is told only the
latest one meant for them (the earlier stage's row records which stage took its place).
"""

from portal.reminders import recipients
from portal.reminders.table import (
    Rule,
    Stage,
    Wait,
    days,
    days_before,
    working_days,
    working_hours,
)

__all__ = [
    "Rule",
    "Stage",
    "Wait",
    "days",
    "days_before",
    "recipients",
    "working_days",
    "working_hours",
]

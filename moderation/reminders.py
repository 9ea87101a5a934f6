"""The moderation log's scheduled work, on the portal's reminder engine.

An entry's evidence, and what it holds of the commenter (their words, the link to their
comment, the notes), are removed past the entry's retention date by a stage that runs a
job instead of telling anyone (see ``portal.reminders``): once per entry and retention
date, the day after the date, unless the entry is on legal hold. It shows on the
communications team's "Due and overdue" page with everything else the portal keeps on
time.
"""

from django.db.models import Q

from portal.reminders import Rule, Stage, days

RULES = [
    Rule(
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
]

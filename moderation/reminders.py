"""The moderation log's scheduled work, on the portal's reminder engine.

Evidence past its retention date is removed by a stage that runs a job instead of
telling anyone (see ``portal.reminders``): once per entry and retention date, the day
after the date, unless the entry is on legal hold. It shows on the communications team's
"Due and overdue" page with everything else the portal keeps on time.
"""

from django.db.models import Exists, OuterRef, Q

from moderation.models import EvidenceFile
from portal.reminders import Rule, Stage, days

kept_evidence = Exists(EvidenceFile.objects.filter(entry=OuterRef("pk"), removed_at__isnull=True))

RULES = [
    Rule(
        key="moderation.evidence_retention",
        model="moderation.Entry",
        summary="Evidence past its retention date (removed by the retention job)",
        waiting=Q(legal_hold=False) & Q(kept_evidence),
        since="evidence_retain_until",  # indexed where legal_hold is false
        team_field="account__team",
        label="Entry {record.pk} on {record.account}",
        stages=(
            Stage(
                "remove",
                after=days(1),
                tell=None,
                run="moderation.services.entry_evidence_remove_expired",
            ),
        ),
    ),
]

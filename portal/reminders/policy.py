"""The portal's own reminders: the social media policy's review date, concerns
reported by staff that nobody in the communications team has picked up, and reports
that someone may be at risk that the safeguarding lead has not taken on."""

from django.db.models import Q

from portal.models.concerns import SAFEGUARDING_WAITING
from portal.reminders import (
    Rule,
    Stage,
    days,
    days_before,
    recipients,
    working_days,
    working_hours,
)

RULES = [
    Rule(
        key="policy.review",
        model="portal.OrganisationProfile",
        summary="Social media policy review",
        waiting=Q(policy_review_due__isnull=False),
        since="policy_review_due",
        team_field=None,
        stages=(
            Stage(
                "approaching",
                after=days_before(30),
                tell=recipients.heads_of_comms,
                title="The social media policy is due for review on {since}",
                body="The social media policy's review date is {since}. Plan the review: "
                "check it against changes in law, guidance, platforms and any incidents "
                "since the last one. When it is done, set the next review date in the "
                "organisation profile.",
            ),
            Stage(
                "due",
                after=days(0),
                tell=recipients.heads_of_comms,
                title="The social media policy review is due: {since}",
                body="The social media policy was due for review on {since}. When the review "
                "is done, set the next review date in the organisation profile.",
            ),
        ),
    ),
    Rule(
        key="concern.pickup",
        model="portal.Concern",
        summary="Concerns reported by staff that nobody has picked up",
        waiting=Q(state="new"),
        since="created_at",  # index concern_queue_idx (state, created_at)
        team_field=None,
        label="Concern {record.pk}: {record}",
        stages=(
            Stage(
                "remind",
                after=working_hours(4),
                tell=recipients.comms,
                title="Concern {record.pk} not yet picked up",
                body="Concern {record.pk} ({record}) was reported by a member of staff on "
                "{since}, and nobody has said they are looking at it in the {wait} since. "
                "Open it, say you are looking at it, then deal with it or pass it on.",
            ),
            Stage(
                "escalate",
                after=working_days(1),
                tell=recipients.comms + recipients.heads_of_comms,
                title="Concern {record.pk} waiting a working day",
                body="Concern {record.pk} ({record}) was reported by a member of staff on "
                "{since}. The communications team was reminded earlier and nobody has "
                "picked it up.",
            ),
        ),
    ),
    Rule(
        key="concern.safeguarding_taken_on",
        model="portal.Concern",
        summary="Reports that someone may be at risk, not yet taken on by the safeguarding lead",
        waiting=SAFEGUARDING_WAITING,
        since="created_at",  # index concern_safeguarding_idx
        team_field=None,
        # By number and platform only: what was reported stays behind the sign-in.
        label="Concern {record.pk}: {record}",
        stages=(
            Stage(
                "remind",
                after=working_hours(4),
                tell=recipients.safeguarding_leads,
                title="Concern {record.pk}: someone may be at risk, not yet taken on",
                body="Concern {record.pk} ({record}) was reported by a member of staff on "
                "{since}, who thinks someone may be at risk of harm. Nobody has recorded "
                "taking it on. Open it, make the referral that is needed, and record what "
                "was done on its page.",
                urgent=True,
            ),
            Stage(
                "escalate",
                after=working_days(1),
                tell=recipients.safeguarding_leads + recipients.heads_of_comms,
                title="Concern {record.pk}: someone may be at risk, waiting a working day",
                body="Concern {record.pk} ({record}) was reported by a member of staff on "
                "{since}, who thinks someone may be at risk of harm. It has waited {wait} "
                "without being taken on. Make sure someone with safeguarding responsibility "
                "looks at it today.",
                urgent=True,
            ),
        ),
    ),
]

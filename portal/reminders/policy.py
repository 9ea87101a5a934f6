"""The portal's own reminder: the social media policy's review date."""

from django.db.models import Q

from portal.reminders import Rule, Stage, days, days_before, recipients

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
]

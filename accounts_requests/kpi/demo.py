"""Demo accounts with one to two years of monthly figures: one healthy, one below target,
one dormant and one whose figures have stopped, imported through the CSV service as a
team would, and a decided annual review."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts_requests.kpi import reviews, services
from accounts_requests.kpi.months import add_months, month_start
from accounts_requests.models import ManagedAccount, Platform
from accounts_requests.models.account import annual_review_due
from portal.models import Team, User

# name, team, platform, handle, poster, months live, months of figures to leave out at the
# end, targets (followers, posts, rate), shape of the figures
ACCOUNTS = [
    (
        "Recovery College Courses",
        "Recovery College",
        Platform.INSTAGRAM,
        "@riverside_recovery_college",
        "recovery",
        22,
        0,
        (1000, 12, "2.50"),
        "healthy",
    ),
    (
        "Community Nursing News",
        "Community Nursing",
        Platform.FACEBOOK,
        "RiversideCommunityNursingNews",
        "nurse",
        14,
        0,
        (600, 12, "2.50"),
        "below",
    ),
    (
        "CAMHS Wellbeing Tips",
        "Child and Adolescent Mental Health",
        Platform.X,
        "@riverside_camhs_tips",
        "camhs",
        18,
        0,
        (400, 8, "3.00"),
        "dormant",
    ),
    (
        "Perinatal Parents Group",
        "Perinatal Mental Health",
        Platform.FACEBOOK,
        "RiversidePerinatalParents",
        "member",
        16,
        3,
        (300, 12, "2.00"),
        "missing",
    ),
]


def _rows(shape, months, rng):
    """Month-by-month figures: followers, posts, engagements, impressions, messages, reply."""
    followers = rng.randint(350, 500) if shape == "healthy" else rng.randint(120, 220)
    for index in range(months):
        from_end = months - index
        posts = rng.randint(12, 18)
        rate = rng.uniform(2.9, 3.6)
        if shape == "below":
            rate = rng.uniform(2.6, 3.0) if index < months - 6 else rng.uniform(0.9, 1.4)
            posts = rng.randint(9, 13)
        elif shape == "dormant":
            posts = rng.randint(6, 10) if from_end > 2 else 0
            rate = rng.uniform(3.0, 3.8) if posts else rng.uniform(0.2, 0.5)
        elif shape == "missing":
            posts = rng.randint(10, 14)
            rate = rng.uniform(2.1, 2.6)
        followers += int(followers * rng.uniform(0.02, 0.08)) if posts else -rng.randint(0, 3)
        impressions = int(followers * rng.uniform(9, 14) * max(posts, 1) / 4)
        engagements = int(impressions * rate / 100)
        messages = rng.randint(3, 25) if posts else rng.randint(0, 3)
        reply = round(rng.uniform(1.5, 7.5), 1) if messages else ""
        yield followers, posts, engagements, impressions, messages, reply


def load(stdout):
    handles = [entry[3] for entry in ACCOUNTS]
    if ManagedAccount.objects.filter(handle__in=handles).exists():
        return
    rng = random.Random(2025)  # the same demo every time
    today = timezone.localdate()
    last_month = month_start(add_months(today, -1))
    comms = User.objects.get(username="comms")
    created = {}
    for name, team_name, platform, handle, poster, live, gap, targets, shape in ACCOUNTS:
        team = Team.objects.get(name=team_name)
        activated = timezone.make_aware(
            datetime.datetime.combine(add_months(today, -live), datetime.time(10))
        )
        followers, posts, rate = targets
        account = ManagedAccount.objects.create(
            team=team,
            platform=platform,
            name=name,
            handle=handle,
            target_followers=followers,
            target_posts_per_month=posts,
            target_engagement_rate=rate,
            target_reply_hours=8,
            state=ManagedAccount.State.ACTIVE,
            activated_at=activated,
            state_changed_at=activated,
            review_due_on=annual_review_due(activated),
        )
        first = month_start(add_months(activated.date(), 1))
        months = []
        month = first
        while month <= add_months(last_month, -gap):
            months.append(month)
            month = add_months(month, 1)
        lines = [
            "month,followers,posts,engagements,impressions,messages_received,median_reply_hours"
        ]
        for month, row in zip(months, _rows(shape, len(months), rng), strict=False):
            lines.append(f"{month:%Y-%m}," + ",".join(str(value) for value in row))
        upload = SimpleUploadedFile(
            f"{handle.strip('@').lower()}-insights.csv",
            ("\n".join(lines) + "\n").encode(),
            content_type="text/csv",
        )
        services.figures_import_create(
            actor=User.objects.get(username=poster), upload=upload, account=account
        )
        created[shape] = account

    review = reviews.account_review_start(actor=comms, account_id=created["healthy"].pk)
    reviews.account_review_decide(
        actor=comms,
        review_id=review.pk,
        outcome="continue",
        reasons="Followers have grown steadily and engagement is well above the 2.5% target. "
        "Keep the mix of course news and learner stories.",
    )
    stdout.write(
        "Demo KPI figures loaded: Recovery College Courses (healthy, reviewed), Community "
        "Nursing News (below target, review due), CAMHS Wellbeing Tips (dormant) and "
        "Perinatal Parents Group (figures missing)."
    )

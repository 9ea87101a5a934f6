"""Reminder tables for tests: one with mistakes for the checks, one with a job."""

from django.db.models import Q

from portal.reminders import Rule, Stage, days, recipients, working_days

RUNS = []


def record_run(profile):
    RUNS.append(profile.pk)


BROKEN = [
    Rule(
        key="broken.stages",
        model="portal.OrganisationProfile",
        summary="Two stages with one name",
        waiting=Q(policy_review_due__isnull=False),
        since="policy_review_due",
        team_field=None,
        stages=(
            Stage("remind", after=days(0), tell=recipients.comms, title="a"),
            Stage("remind", after=days(1), tell=recipients.comms, title="b"),
        ),
    ),
    Rule(
        key="broken.since",
        model="portal.OrganisationProfile",
        summary="No such field",
        waiting=Q(),
        since="reviewed_when",
        team_field=None,
        stages=(Stage("remind", after=days(0), tell=recipients.comms, title="a"),),
    ),
    Rule(
        key="broken.units",
        model="portal.OrganisationProfile",
        summary="Working time from a date, and a stage that does nothing",
        waiting=Q(policy_review_due__isnull=False),
        since="policy_review_due",
        team_field=None,
        stages=(
            Stage("remind", after=working_days(2), tell=recipients.comms, title="a"),
            Stage("idle", after=days(3), tell=None),
        ),
    ),
]

JOBS = [
    Rule(
        key="test.job",
        model="portal.OrganisationProfile",
        summary="A job run once when the date comes",
        waiting=Q(policy_review_due__isnull=False),
        since="policy_review_due",
        team_field=None,
        stages=(
            Stage("run", after=days(0), tell=None, run="tests.portal.reminder_tables.record_run"),
        ),
    ),
]

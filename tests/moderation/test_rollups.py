"""The report's monthly counts always agree with the log, however entries are edited."""

import datetime

import pytest
from django.utils import timezone

from moderation import rollups, selectors, services
from moderation.models import Action, HateCrimeStrand, MonthlyCount
from tests import factories
from tests.moderation.helpers import category, entry_data, log_entry

pytestmark = pytest.mark.django_db


def counts():
    return {
        (c.month, c.account_id, c.dimension, c.value, c.safeguarding): c.n
        for c in MonthlyCount.objects.all()
        if c.n
    }


def recounted():
    kept = counts()
    rollups.rebuild()
    fresh = counts()
    return kept, fresh


def test_logging_and_editing_keep_the_counts_equal_to_a_recount(comms, team, other_team):
    first = factories.managed_account(team=team, name="First")
    second = factories.managed_account(team=other_team, name="Second", platform="x")
    last_month = timezone.now() - datetime.timedelta(days=40)
    a = log_entry(comms, first, categories=[category("abuse")], actions=[Action.HIDE])
    b = log_entry(
        comms,
        second,
        occurred_at=last_month,
        categories=[category("abuse"), category("swearing-obscenity")],
        actions=[Action.DELETE, Action.POLICE],
        hate_crime_strand=HateCrimeStrand.RACE,
    )
    log_entry(comms, first, safeguarding=True, actions=[Action.SAFEGUARDING])
    # Move one entry to another account, month and set of categories; flag the other.
    services.entry_update(
        actor=comms,
        entry_id=a.pk,
        data=entry_data(
            second,
            occurred_at=last_month,
            categories=[category("spam-bots")],
            actions=[Action.BLOCK],
        ),
    )
    services.entry_update(
        actor=comms,
        entry_id=b.pk,
        data=entry_data(
            second,
            occurred_at=last_month,
            categories=[category("abuse")],
            actions=[Action.DELETE],
            safeguarding=True,
        ),
    )
    kept, fresh = recounted()
    assert kept == fresh
    entries_rows = {k: n for k, n in kept.items() if k[2] == "entries" and k[1] == 0}
    assert sum(entries_rows.values()) == 3


def test_the_report_from_the_counts_matches_the_report_from_the_log(comms, team):
    account = factories.managed_account(team=team)
    for days in (0, 35, 70):
        log_entry(
            comms,
            account,
            occurred_at=timezone.now() - datetime.timedelta(days=days, hours=1),
            categories=[category("abuse"), category("hateful-discriminatory")],
            actions=[Action.HIDE, Action.POLICE],
            hate_crime_strand=HateCrimeStrand.DISABILITY,
            notes="Not blocked: the police are tracing the account.",
            safeguarding=days == 35,
            incident_reference="W-70" if days == 70 else "",
        )
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=200)).replace(day=1)
    everyone = selectors.report(comms, since=since, until=today)
    just_it = selectors.report(comms, since=since, until=today, account=account)

    def normal(rows, *keys):
        return sorted(tuple(str(r[k]) for k in keys) for r in rows)

    urgent = ("entries", "safeguarding", "hate_crime", "police", "incidents")
    assert normal(everyone["urgent"], *urgent) == normal(just_it["urgent"], *urgent)
    assert sum(row["incidents"] for row in everyone["urgent"]) == 1
    assert normal(everyone["by_month_action"], "action", "n") == normal(
        just_it["by_month_action"], "action", "n"
    )
    assert normal(everyone["by_month_category"], "category__name", "n") == normal(
        just_it["by_month_category"], "category__name", "n"
    )
    assert normal(everyone["strands"], "hate_crime_strand", "n") == normal(
        just_it["strands"], "hate_crime_strand", "n"
    )
    # The busiest accounts' breakdowns come from their own counts and agree with the log.
    for key, value in (("by_account_category", "category__name"), ("by_account_action", "action")):
        columns = ("entry__account__name", "entry__account__platform", value, "n")
        assert normal(everyone[key], *columns) == normal(just_it[key], *columns)
        assert everyone[key]


def test_a_safeguarding_lead_counts_only_safeguarding_entries(comms, team, safeguarding_lead):
    account = factories.managed_account(team=team)
    log_entry(comms, account)
    log_entry(comms, account, safeguarding=True, actions=[Action.SAFEGUARDING])
    today = timezone.localdate()
    report = selectors.report(safeguarding_lead, since=today.replace(day=1), until=today)
    assert [row["entries"] for row in report["urgent"]] == [1]

"""The demo shows KPI figures: a healthy, a below-target, a dormant and a silent account."""

import io

import pytest
from django.core.management import call_command

from accounts_requests.kpi.health import with_health
from accounts_requests.models import AccountReview, ManagedAccount, MonthlyFigures

pytestmark = pytest.mark.django_db


def test_the_demo_gives_accounts_a_year_or_two_of_figures_and_every_kind_of_health():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=io.StringIO())  # a second run adds nothing
    health = {
        account.name: account.health
        for account in with_health(ManagedAccount.objects.filter(figures__isnull=False).distinct())
    }
    assert health == {
        "Recovery College Courses": "meeting",
        "Community Nursing News": "below",
        "CAMHS Wellbeing Tips": "dormant",
        "Perinatal Parents Group": "missing",
    }
    for account in ManagedAccount.objects.filter(name__in=health):
        assert 10 <= account.figures.count() <= 24
        assert account.figure_imports.get().status == "done"
    assert MonthlyFigures.objects.count() == sum(
        a.figures.count() for a in ManagedAccount.objects.all()
    )
    review = AccountReview.objects.get()
    assert (review.account.name, review.outcome) == ("Recovery College Courses", "continue")
    assert "Demo KPI figures loaded" in out.getvalue()

import datetime

from django.shortcuts import render
from django.utils import timezone

from accounts_requests.kpi.months import add_months
from moderation import reports, selectors
from moderation.forms import ReportFilterForm
from moderation.views.common import reader_required


def _month_end(day):
    return add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


@reader_required
def report(request):
    """Counts by category and action, per month and per account, as charts and tables."""
    today = timezone.localdate()
    default_from = add_months(today.replace(day=1), -11)
    form = ReportFilterForm(
        request.GET or None,
        user=request.user,
        initial={"date_from": default_from, "date_to": today},
    )
    since, until, team, account = default_from, today, None, None
    if form.is_bound and form.is_valid():
        since = form.cleaned_data["date_from"]
        until = form.cleaned_data["date_to"]
        team = form.cleaned_data["team"]
        account = form.cleaned_data["account"]
    asked = (since, until)
    if account is None:
        # Across accounts the counts are kept by month: say which days they cover.
        since = since.replace(day=1)
        until = min(_month_end(until), max(today, since))
    raw = selectors.report(request.user, since=since, until=until, team=team, account=account)
    data = reports.shape(raw)
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "since": since,
            "until": until,
            "team": team,
            "account": account,
            "widened": (since, until) != asked,
            "report": data,
            "generated": datetime.datetime.now(tz=timezone.get_current_timezone()),
        },
    )

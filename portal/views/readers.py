"""Who has and has not confirmed reading the current playbook, by team."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from portal import rules, selectors
from portal.models import Document, Team


def _current_or_none(request):
    if not rules.can_see_readership(request.user):
        raise PermissionDenied
    return selectors.current_version(Document.Kind.PLAYBOOK)


def _percent(row):
    total = row["member_count"]
    return round(100 * row["confirmed_count"] / total) if total else 0


@never_cache
@login_required
def readers(request):
    version = _current_or_none(request)
    context = {"version": version}
    if version is not None:
        teams = [
            {
                "team": team,
                "member_count": team.member_count,
                "confirmed_count": team.confirmed_count,
            }
            for team in selectors.readership_by_team(version)
        ]
        for row in teams:
            row["percent"] = _percent(row)
            row["waiting"] = row["member_count"] - row["confirmed_count"]
        without = selectors.readership_without_team(version)
        without["percent"] = _percent(without)
        without["waiting"] = without["member_count"] - without["confirmed_count"]
        totals = selectors.readership_totals(version)
        totals["percent"] = _percent(totals)
        context.update(teams=teams, without=without, totals=totals)
    return render(request, "portal/readers/summary.html", context)


def _readers_page(request, version, team):
    people = list(selectors.readers(version, team)) if version is not None else []
    confirmed = sum(1 for person in people if person.confirmed_at)
    return render(
        request,
        "portal/readers/team.html",
        {
            "version": version,
            "team": team,
            "people": people,
            "confirmed": confirmed,
            "waiting": len(people) - confirmed,
        },
    )


@never_cache
@login_required
def readers_team(request, pk):
    version = _current_or_none(request)
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    return _readers_page(request, version, team)


@never_cache
@login_required
def readers_no_team(request):
    version = _current_or_none(request)
    return _readers_page(request, version, None)

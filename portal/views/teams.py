from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal import rules
from portal.forms import MembershipForm
from portal.models import Membership, Team


@login_required
def team_list(request):
    teams = Team.objects.visible_to(request.user).annotate(
        member_count=Count("memberships"),
        manager_count=Count("memberships", filter=Q(memberships__role=Membership.Role.MANAGER)),
    )
    return render(request, "portal/team_list.html", {"teams": teams})


@login_required
def team_detail(request, pk):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    memberships = team.memberships.select_related("user").order_by("-role", "user__first_name")
    can_manage = rules.is_comms(request.user)
    form = MembershipForm(team=team) if can_manage else None
    return render(
        request,
        "portal/team_detail.html",
        {"team": team, "memberships": memberships, "form": form, "can_manage": can_manage},
    )


@require_POST
@login_required
def team_add_member(request, pk):
    if not rules.is_comms(request.user):
        raise PermissionDenied
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    form = MembershipForm(request.POST, team=team)
    if form.is_valid():
        Membership.objects.create(
            team=team, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
        )
        messages.success(request, f"{form.cleaned_data['user']} has been added to {team}.")
        return redirect(team)
    memberships = team.memberships.select_related("user")
    return render(
        request,
        "portal/team_detail.html",
        {"team": team, "memberships": memberships, "form": form, "can_manage": True},
        status=400,
    )


@require_POST
@login_required
def team_remove_member(request, pk, membership_pk):
    if not rules.is_comms(request.user):
        raise PermissionDenied
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    membership = get_object_or_404(team.memberships.select_related("user"), pk=membership_pk)
    membership.delete()
    messages.success(request, f"{membership.user} has been removed from {team}.")
    return redirect(team)

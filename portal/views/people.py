"""The communications team's list of people: adding someone, correcting their details,
and deactivating a leaver."""

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal import rules, selectors, services_people
from portal.forms import DeactivateForm, PersonAddForm, PersonDetailsForm
from portal.models import Membership, SignInStatus


@login_required
def people_list(request):
    if not rules.is_comms(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    people = get_user_model().objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("team"))
    )
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
        )
    status = request.GET.get("status", "")
    if status not in SignInStatus.values:
        status = ""
    people = selectors.people_with_status(people, status)
    refused = request.GET.get("refused") == "1"
    if refused:
        people = people.filter(email_refused_at__isnull=False, is_active=True)
    people = people.order_by("-is_active", "first_name", "last_name", "username")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    roles = selectors.roles_held([person.pk for person in page.object_list])
    for person in page.object_list:
        person.may_change = rules.can_change_person(request.user, person, roles[person.pk])
        if person.may_change:
            person.changed_by = ""
        elif person.is_superuser or person.is_staff or rules.HEAD_PERM in roles[person.pk]:
            person.changed_by = "Changed in the admin"
        else:
            person.changed_by = "Changed by the head of communications"
    return render(
        request,
        "portal/people.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": SignInStatus.choices,
            "refused": refused,
        },
    )


def _refuse_unless_may_change(actor, person):
    """403 unless ``actor`` may change ``person`` (``rules.can_change_person``)."""
    if not rules.can_change_person(actor, person, selectors.roles_held([person.pk])[person.pk]):
        raise PermissionDenied


@login_required
def user_deactivate(request, pk):
    """Ask first; then stop the person signing in."""
    if not rules.is_comms(request.user):
        raise PermissionDenied
    person = get_object_or_404(
        get_user_model().objects.prefetch_related("memberships__team"), pk=pk
    )
    _refuse_unless_may_change(request.user, person)
    form = DeactivateForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services_people.user_deactivate(actor=request.user, user=person)
        except services_people.PeopleError as error:
            messages.error(request, error.message)
            return redirect("portal:people")
        messages.success(
            request,
            f"{person} is deactivated and can no longer sign in. Any account they could get "
            "into now has a task to change its login details.",
        )
        return redirect("portal:people")
    return render(
        request,
        "portal/user_deactivate.html",
        {"person": person, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def person_add(request):
    """Give someone a sign-in; they are e-mailed a link to choose their password."""
    if not rules.is_comms(request.user):
        raise PermissionDenied
    form = PersonAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services_people.person_add(actor=request.user, **form.cleaned_data)
        except services_people.PeopleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{person} can now sign in as {person.username}. An e-mail with their user "
                f"name and a link to choose a password is on its way to {person.email}.",
            )
            return redirect("portal:people")
    return render(
        request, "portal/person_add.html", {"form": form}, status=400 if form.is_bound else 200
    )


@login_required
def person_edit(request, pk):
    """Correct someone's name or work e-mail address."""
    if not rules.is_comms(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=pk, is_superuser=False)
    _refuse_unless_may_change(request.user, person)
    # The form fills in a copy, so the page still names the person as they were saved.
    form = PersonDetailsForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_people.person_update(actor=request.user, user=person, **form.cleaned_data)
        except services_people.PeopleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"The details of {form.instance} have been saved.")
            return redirect("portal:people")
    return render(
        request,
        "portal/person_edit.html",
        {"form": form, "person": person, "invitation_days": settings.INVITATION_DAYS},
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def person_invite(request, pk):
    """Send the invitation again to someone who has not chosen a password yet."""
    if not rules.is_comms(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=pk, is_superuser=False)
    try:
        services_people.person_invite_again(actor=request.user, user=person)
    except services_people.PeopleError as error:
        messages.error(request, error.message)
        return redirect("portal:person_edit", pk=person.pk)
    messages.success(
        request,
        f"A new invitation, with a link that works for {settings.INVITATION_DAYS} days, is "
        f"on its way to {person.email}. The links in earlier invitations no longer work.",
    )
    return redirect("portal:people")

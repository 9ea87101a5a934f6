from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from portal import rules
from portal.forms import OrganisationProfileForm
from portal.models import OrganisationProfile


@login_required
def organisation_profile(request):
    """The communications team keeps the profile; auditors read it (the policy review
    date their reminders list links here)."""
    editing = rules.is_comms(request.user)
    if not (editing or (rules.sees_everything(request.user) and request.method == "GET")):
        raise PermissionDenied
    profile = OrganisationProfile.load()
    profile = OrganisationProfile.objects.get(pk=profile.pk)
    form = OrganisationProfileForm(
        request.POST if request.method == "POST" else None,
        instance=profile,
        read_only=not editing,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The organisation profile has been saved.")
        return redirect("portal:organisation")
    return render(request, "portal/organisation.html", {"form": form, "editing": editing})

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from portal import rules
from portal.forms import OrganisationProfileForm
from portal.models import OrganisationProfile


@login_required
def organisation_profile(request):
    if not rules.is_comms(request.user):
        raise PermissionDenied
    profile = OrganisationProfile.load()
    profile = OrganisationProfile.objects.get(pk=profile.pk)
    form = OrganisationProfileForm(
        request.POST if request.method == "POST" else None, instance=profile
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The organisation profile has been saved.")
        return redirect("portal:organisation")
    return render(request, "portal/organisation.html", {"form": form})

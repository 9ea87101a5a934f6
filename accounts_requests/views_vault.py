"""Lodging login details, and the one page that ever shows them.

Every view here is ``sensitive_variables`` (error reports show none of its locals, nor
those of anything it calls) and ``sensitive_post_parameters`` for the secret fields, and
answers ``Cache-Control: no-store``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from accounts_requests import rules, selectors_accounts, services_vault
from accounts_requests.forms_accounts import CredentialsForm, RevealForm
from accounts_requests.models import ManagedAccount
from accounts_requests.services_vault import REVEAL_CLOSED
from accounts_requests.views import _problem
from accounts_requests.views_accounts import get_account, posted_data
from portal import rules as portal_rules
from portal.services.errors import ActionConflict, ActionError


@sensitive_variables()
@sensitive_post_parameters("login", "password", "notes")
@never_cache
@login_required
def credentials_lodge(request, pk):
    account = get_account(request.user, pk)
    if not rules.can_lodge_credentials(account, request.user):
        raise PermissionDenied
    existing = selectors_accounts.credential(account)
    form = CredentialsForm(posted_data(request), first=existing is None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form.has_secret():
            try:
                services_vault.credential_lodge(
                    actor=request.user,
                    account_id=account.pk,
                    login=data["login"],
                    password=data["password"],
                    notes=form.notes(),
                )
            except ActionError as error:
                if error.status != 400:
                    return _problem(request, error, back=account.get_absolute_url())
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request,
                    "The login details are lodged with the communications team, encrypted.",
                )
                return redirect(account)
        else:
            messages.info(request, "Nothing was entered, so nothing was changed.")
            return redirect(account)
    return render(
        request,
        "accounts_requests/credentials_form.html",
        {"account": account, "form": form, "existing": existing},
        status=400 if form.is_bound else 200,
    )


@sensitive_variables()
@sensitive_post_parameters("password")
@never_cache
@login_required
def credentials_reveal(request, pk):
    """A comms officer re-enters their password and says why; the secret is shown once."""
    account = get_account(request.user, pk)
    if not rules.can_reveal_credentials(account, request.user):
        if account.state == ManagedAccount.State.CLOSED and portal_rules.is_comms(request.user):
            return _problem(
                request, ActionConflict(REVEAL_CLOSED), back=account.get_absolute_url()
            )
        raise PermissionDenied
    form = RevealForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            secret = services_vault.credential_reveal(
                actor=request.user,
                account_id=account.pk,
                password=form.cleaned_data["password"],
                reason=form.cleaned_data["reason"],
            )
        except ActionError as error:
            if error.status != 400 or not error.errors:
                return _problem(request, error, back=account.get_absolute_url())
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            return render(
                request,
                "accounts_requests/reveal.html",
                {"account": account, "secret": secret, "revealed_at": timezone.now()},
            )
    return render(
        request,
        "accounts_requests/reveal.html",
        {"account": account, "form": form, "credential": selectors_accounts.credential(account)},
        status=400 if form.is_bound else 200,
    )

"""The account register, an account's page and set-up, and the public register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts_requests import checklist, official, rules, services_accounts
from accounts_requests import selectors_accounts as selectors
from accounts_requests.forms_accounts import (
    AccountRegisterForm,
    CommentForm,
    ModeratorForm,
    RegisterFilterForm,
    ResolveForm,
    SetupForm,
)
from accounts_requests.kpi.selectors import account_kpi_context
from accounts_requests.models import AccountSetup, ManagedAccount
from accounts_requests.panels import account_panels
from accounts_requests.views import _problem
from portal.csvsafe import csv_download
from portal.opened import EditClash, page_stamp
from portal.services.errors import ActionError


def posted_data(request):
    """The form data of a POST, even an empty one; None for a GET."""
    return request.POST if request.method == "POST" else None


def get_account(user, pk, *, sections=False):
    """The account, if this user may see it; 404 otherwise, whoever's it is."""
    try:
        return selectors.account_for_page(user, pk, sections=sections)
    except ManagedAccount.DoesNotExist:
        raise Http404("No such account.") from None


def _setup(account):
    try:
        return account.setup
    except AccountSetup.DoesNotExist:
        return None


def _register_filters(request):
    """The register's filter form and what it filters by (nothing, if it is not valid)."""
    form = RegisterFilterForm(request.GET or None, teams=selectors.register_teams(request.user))
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
def account_list(request):
    """The register: comms and auditors see every account, a team its own."""
    if not rules.can_see_register(request.user):
        raise PermissionDenied
    form, filters = _register_filters(request)
    page = Paginator(
        selectors.register(request.user, filters).values_list("pk", flat=True), 50
    ).get_page(request.GET.get("page"))
    rows = [
        {"account": a, "progress": checklist.progress(a)}
        for a in selectors.register_rows(list(page.object_list))
    ]
    return render(
        request,
        "accounts_requests/account_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "can_register": rules.can_register_account(request.user),
            "showing_closed": filters.get("state") == ManagedAccount.State.CLOSED,
        },
    )


@login_required
def account_export(request):
    """The register as the filters show it, as a CSV file: every matching account this
    user may see, not one page of them. Names and addresses only, never a login."""
    if not rules.can_see_register(request.user):
        raise PermissionDenied
    _, filters = _register_filters(request)
    return csv_download(
        f"account-register-{timezone.localdate():%Y-%m-%d}.csv",
        selectors.EXPORT_HEADER,
        selectors.register_export_rows(request.user, filters),
    )


@login_required
def account_create(request):
    if not rules.can_register_account(request.user):
        raise PermissionDenied
    form = AccountRegisterForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        account = services_accounts.managed_account_register(
            actor=request.user, team=data.pop("team"), data=data
        )
        messages.success(
            request,
            f"'{account.name}' is registered. Complete its set-up checklist to make it active.",
        )
        return redirect(account)
    return render(
        request,
        "accounts_requests/account_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def account_context(request, account, **extra):
    user = request.user
    incident = selectors.open_incident(account)
    can_edit_setup = rules.can_edit_setup(account, user)
    context = {
        "account": account,
        "proposal": selectors.proposal(account),
        "setup": _setup(account),
        "checklist": checklist.items(account),
        "actions": selectors.account_actions(account, user),
        "moderators": list(selectors.moderators(account)),
        "notices": list(selectors.notices(account)),
        "reveals": list(selectors.reveal_audit(account, user)),
        "credential": selectors.credential(account),
        "incident": incident,
        "rotation_tasks": list(selectors.open_rotation_tasks(account)),
        "events": account.events.select_related("actor").order_by("at", "id"),
        "on_public_register": account.state in ManagedAccount.LIVE_STATES and not incident,
        "can_edit_setup": can_edit_setup,
        "can_lodge": rules.can_lodge_credentials(account, user),
        "can_reveal": rules.can_reveal_credentials(account, user),
        "can_file_notice": rules.can_file_notice(account, user),
        "can_acknowledge": rules.can_acknowledge_notices(account, user),
        "can_resolve": incident is not None and rules.can_resolve_incident(account, user),
        "moderator_form": ModeratorForm(account=account) if can_edit_setup else None,
        "resolve_form": ResolveForm(),
        "panels": account_panels(account, user),
    }
    context["missing"] = [item for item in context["checklist"] if not item.done]
    context.update(account_kpi_context(account, user))  # figures, reviews and closure
    context.update(extra)
    return context


@login_required
def account_detail(request, pk):
    account = get_account(request.user, pk, sections=True)
    return render(
        request, "accounts_requests/account_detail.html", account_context(request, account)
    )


@login_required
def account_setup(request, pk):
    account = get_account(request.user, pk)
    if not rules.can_edit_setup(account, request.user):
        raise PermissionDenied
    initial = services_accounts.setup_answers(account, _setup(account))
    form = SetupForm(posted_data(request), account=account, initial=initial)
    # What the page showed, so that an answer someone else saved meanwhile is kept.
    opened = page_stamp(request, lambda: initial)
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            _, changed = services_accounts.account_setup_update(
                actor=request.user, account_id=account.pk, opened=opened, **form.values()
            )
        except EditClash as clash:
            form.add_error(None, clash.message)
            opened, status = clash.opened, 409
        except ActionError as error:
            return _problem(request, error, back=account.get_absolute_url())
        else:
            if changed:
                messages.success(request, "The set-up details have been saved.")
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(account)
    return render(
        request,
        "accounts_requests/account_setup.html",
        {"account": account, "form": form, "opened": opened},
        status=status if form.is_bound else 200,
    )


@require_POST
@login_required
def moderator_add(request, pk):
    account = get_account(request.user, pk)
    if not rules.can_edit_setup(account, request.user):
        raise PermissionDenied
    form = ModeratorForm(request.POST, account=account)
    if form.is_valid():
        try:
            named = services_accounts.account_moderator_add(
                actor=request.user,
                account_id=account.pk,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ActionError as error:
            if error.status != 400:
                return _problem(request, error, back=account.get_absolute_url())
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"{named.user} is now named on this account.")
            return redirect(account.get_absolute_url() + "#moderators-heading")
    return render(
        request,
        "accounts_requests/account_detail.html",
        account_context(request, account, moderator_form=form),
        status=400,
    )


@require_POST
@login_required
def moderator_remove(request, pk, moderator_pk):
    account = get_account(request.user, pk)
    if not rules.can_edit_setup(account, request.user):
        raise PermissionDenied
    try:
        services_accounts.account_moderator_remove(
            actor=request.user, account_id=account.pk, moderator_id=moderator_pk
        )
    except ActionError as error:
        return _problem(request, error, back=account.get_absolute_url())
    messages.success(request, "They are no longer named on this account.")
    return redirect(account.get_absolute_url() + "#moderators-heading")


@require_POST
@login_required
def account_verify(request, pk):
    account = get_account(request.user, pk)
    if not rules.can_verify_setup(account, request.user):
        raise PermissionDenied
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services_accounts.account_verify(
            actor=request.user, account_id=account.pk, comment=comment
        )
    except services_accounts.SetupIncomplete as error:
        return render(
            request,
            "accounts_requests/account_detail.html",
            account_context(request, account, verify_error=error),
            status=400,
        )
    except ActionError as error:
        return _problem(request, error, back=account.get_absolute_url())
    messages.success(
        request,
        f"'{account.name}' is active and listed on the public register of official accounts.",
    )
    return redirect(account)


@require_POST
@login_required
def incident_resolve(request, pk):
    account = get_account(request.user, pk)
    if not rules.can_resolve_incident(account, request.user):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            account = services_accounts.incident_resolve(
                actor=request.user, account_id=account.pk, note=form.cleaned_data["comment"]
            )
        except ActionError as error:
            return _problem(request, error, back=account.get_absolute_url())
        state = account.get_state_display().lower()
        messages.success(request, f"The incident is resolved. '{account.name}' is {state}.")
        return redirect(account)
    return render(
        request,
        "accounts_requests/account_detail.html",
        account_context(request, account, resolve_form=form, resolve_open=True),
        status=400,
    )


def public_register(request):
    """The trust's official accounts, for anyone: nothing internal."""
    accounts = list(selectors.public_register())
    asked = request.GET.get("account", "")
    return render(
        request,
        "accounts_requests/public_register.html",
        {
            "corporate": [a for a in accounts if a.team.is_communications],
            "services": [a for a in accounts if not a.team.is_communications],
            "check": official.check(asked, accounts) if asked.strip() else None,
            "longest": official.LONGEST,
        },
    )

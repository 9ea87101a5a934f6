"""Pages for KPI figures: entering and importing them, the overview, targets and rules."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts_requests import rules
from accounts_requests.kpi import importer, selectors, services
from accounts_requests.kpi.forms import (
    FiguresForm,
    HealthRulesForm,
    ImportForm,
    OverviewFilterForm,
    TargetsForm,
)
from accounts_requests.kpi.months import month_label
from accounts_requests.models import FiguresImport, HealthRules, ManagedAccount, MonthlyFigures
from accounts_requests.views import _problem
from accounts_requests.views_accounts import get_account
from portal.csvsafe import csv_download
from portal.opened import EditClash, page_stamp
from portal.services.errors import ActionConflict, ActionError


def _kpi_url(account):
    return account.get_absolute_url() + "#kpi"


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _apply_errors(form, error):
    """Show a service's refusal on the form, beside the answer it is about."""
    for field, message in error.errors.items():
        form.add_error(
            field if field in form.fields else None,
            forms.ValidationError(message, code="refused"),
        )
    if not error.errors:
        form.add_error(None, forms.ValidationError(error.message, code="refused"))


# ---- Entering figures ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def figures(request, pk):
    """The account's figures month by month, and the form to enter or correct a month."""
    account = get_account(request.user, pk)
    can_enter = rules.can_enter_figures(account, request.user)
    initial = {}
    editing = None
    if request.method == "GET" and request.GET.get("month"):
        month, _ = importer.parse_month(
            request.GET["month"], latest_allowed=services.latest_allowed_month()
        )
        editing = MonthlyFigures.objects.filter(account=account, month=month).first()
        if editing:
            initial = {"month": f"{editing.month:%Y-%m}"} | {
                name: getattr(editing, name) for name in MonthlyFigures.FIGURE_FIELDS
            }
    form = FiguresForm(request.POST or None, initial=initial) if can_enter else None
    if request.method == "POST":
        if account.state == ManagedAccount.State.CLOSED:
            return _problem(
                request,
                ActionConflict("This account is closed; its figures are kept as they were."),
                back=account.get_absolute_url(),
            )
        if not can_enter:
            raise PermissionDenied
        if form.is_valid():
            try:
                saved, created = services.monthly_figures_save(
                    actor=request.user,
                    account_id=account.pk,
                    month=form.cleaned_data["month"],
                    data=form.figures(),
                )
            except ActionError as error:
                if error.status != 400:
                    return _problem(request, error, back=account.get_absolute_url())
                _apply_errors(form, error)
            else:
                verb = "saved" if created else "updated"
                messages.success(request, f"Figures for {month_label(saved.month)} {verb}.")
                return redirect(_kpi_url(account))
    rows = selectors.account_figures(account)
    return render(
        request,
        "accounts_requests/kpi/figures.html",
        {
            "account": account,
            "form": form,
            "editing": editing,
            "table": selectors.figures_table(account, rows),
            "imports": FiguresImport.objects.filter(account=account).select_related("created_by")[
                :5
            ],
        },
        status=400 if form is not None and form.errors else 200,
    )


# ---- Importing figures -----------------------------------------------------------------------


def _import_page(request, *, account, form, job=None, status=200):
    return render(
        request,
        "accounts_requests/kpi/import.html",
        {
            "account": account,
            "form": form,
            "job": job,
            "columns": importer.COLUMNS,
            "account_columns": importer.ACCOUNT_COLUMNS if account is None else [],
            "template_url": reverse("accounts_requests:figures_template", args=[account.pk])
            if account
            else reverse("accounts_requests:figures_template_all"),
            "max_size": filesizeformat(settings.KPI_IMPORT_MAX_BYTES),
        },
        status=status,
    )


def _handle_upload(request, account):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.figures_import_create(
                actor=request.user, upload=form.cleaned_data["file"], account=account
            )
        except ActionError as error:
            if error.status != 400:
                return _problem(request, error, back=request.path)
            _apply_errors(form, error)
            return _import_page(request, account=account, form=form, status=400)
        if job.status == FiguresImport.Status.DONE:
            messages.success(
                request,
                f"Imported {job.rows_created + job.rows_updated} month(s) of figures: "
                f"{job.rows_created} added, {job.rows_updated} updated.",
            )
            return redirect(
                _kpi_url(account) if account else reverse("accounts_requests:kpi_overview")
            )
        if job.status == FiguresImport.Status.REJECTED:
            return _import_page(request, account=account, form=ImportForm(), job=job, status=400)
        return redirect(job)
    return _import_page(request, account=account, form=form, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def figures_import(request, pk):
    account = get_account(request.user, pk)
    if account.state == ManagedAccount.State.CLOSED:
        messages.info(request, "This account is closed, so it takes no more figures.")
        return redirect(account)
    if not rules.can_enter_figures(account, request.user):
        raise PermissionDenied
    return _handle_upload(request, account)


@require_http_methods(["GET", "POST"])
@login_required
def figures_import_all(request):
    if not rules.can_import_for_several_accounts(request.user):
        raise PermissionDenied
    return _handle_upload(request, None)


@login_required
def figures_template(request, pk):
    """A CSV file with the columns an import expects, for the last finished month."""
    account = get_account(request.user, pk)
    header = [name for name, _, _ in importer.COLUMNS]
    month = f"{services.latest_allowed_month():%Y-%m}"
    return csv_download(
        f"figures-template-account-{account.pk}.csv", header, [[month] + [""] * (len(header) - 1)]
    )


@login_required
def figures_template_all(request):
    """A CSV file with a row for every live account, ready to fill in."""
    if not rules.can_import_for_several_accounts(request.user):
        raise PermissionDenied
    header = [name for name, _, _ in importer.ACCOUNT_COLUMNS + importer.COLUMNS]
    month = f"{services.latest_allowed_month():%Y-%m}"
    blanks = [""] * (len(importer.COLUMNS) - 1)
    rows = [
        [account.pk, account.name, month, *blanks]
        for account in selectors.live_accounts().order_by("name", "pk")
    ]
    return csv_download("figures-template-all-accounts.csv", header, rows)


@login_required
def import_status(request, pk):
    """How far a background import has got; htmx polls the progress part of the page."""
    try:
        job = (
            FiguresImport.objects.visible_to(request.user)
            .select_related("account", "created_by")
            .get(pk=pk)
        )
    except FiguresImport.DoesNotExist:
        raise Http404("No such import.") from None
    context = {"job": job, "account": job.account}
    if request.headers.get("HX-Request"):
        # 286 tells htmx to stop polling once the import has finished.
        status = 286 if job.is_finished else 200
        return render(
            request, "accounts_requests/kpi/_import_progress.html", context, status=status
        )
    return render(request, "accounts_requests/kpi/import_status.html", context)


# ---- The overview, targets and rules ---------------------------------------------------------


@login_required
def kpi_overview(request):
    """Every live account's health for the communications team, sortable and filterable."""
    if not rules.can_see_performance(request.user):
        raise PermissionDenied
    form = OverviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rules_row = HealthRules.load()
    accounts, sort_key, descending = selectors.overview(
        filters, filters.get("sort", ""), health_rules_row=rules_row
    )
    counts = selectors.overview_counts(accounts)
    # Paged by ids first: the database sorts every account on what the order needs, and
    # works the rest of a row out only for the fifty shown.
    paginator = Paginator(accounts.values_list("pk", flat=True), 50)
    paginator.count = counts["totals"]["total"]  # already counted: no second count query
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.overview_rows(accounts, list(page.object_list))
    selectors.decorate(page.object_list, rules_row)
    return render(
        request,
        "accounts_requests/kpi/overview.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "health_choices": selectors.Health.choices,
            "rules": rules_row,
            "sort_key": sort_key,
            "descending": descending,
            "columns": [
                ("name", "Account"),
                ("team", "Team"),
                ("platform", "Platform"),
                ("health", "Health"),
                ("figures", "Latest figures"),
                ("followers", "Followers"),
                ("rate", "Engagement rate"),
                ("review", "Next review"),
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def targets(request, pk):
    account = get_account(request.user, pk)
    if not rules.can_change_targets(account, request.user):
        if account.state == ManagedAccount.State.CLOSED:
            messages.info(request, "This account is closed; its targets are kept as they were.")
            return redirect(account)
        raise PermissionDenied
    form = TargetsForm(request.POST or None, account=account)
    # What the page showed, so that a target someone else changed meanwhile is kept.
    opened = page_stamp(request, lambda: services.target_answers(account))
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        try:
            _, changed = services.account_targets_change(
                actor=request.user,
                account_id=account.pk,
                targets=form.targets(),
                reason=form.cleaned_data["reason"],
                opened=opened,
            )
        except EditClash as clash:
            form.add_error(None, clash.message)
            opened, status = clash.opened, 409
        except ActionError as error:
            if error.status != 400:
                return _problem(request, error, back=account.get_absolute_url())
            _apply_errors(form, error)
        else:
            if changed:
                messages.success(request, "The targets have been changed and the team told.")
            else:
                messages.info(request, "The targets were already those; nothing changed.")
            return redirect(_kpi_url(account))
    changes = account.events.filter(action="targets_changed").select_related("actor")
    return render(
        request,
        "accounts_requests/kpi/targets.html",
        {
            "account": account,
            "form": form,
            "opened": opened,
            "changes": changes.order_by("-at", "-id"),
        },
        status=status if status == 409 else (400 if form.errors else 200),
    )


@require_http_methods(["GET", "POST"])
@login_required
def health_rules(request):
    if not rules.can_see_performance(request.user):
        raise PermissionDenied
    can_edit = rules.can_edit_health_rules(request.user)
    current = HealthRules.load()
    form = None
    if can_edit:
        form = HealthRulesForm(
            request.POST or None, instance=HealthRules.objects.get(pk=current.pk)
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        services.health_rules_update(
            actor=request.user, data=form.values(), reason=form.cleaned_data["reason"]
        )
        messages.success(request, "The health rules have been saved. The overview uses them now.")
        return redirect("accounts_requests:health_rules")
    history = current.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "accounts_requests/kpi/health_rules.html",
        {"form": form, "rules": current, "history": history},
        status=400 if form is not None and form.errors else 200,
    )

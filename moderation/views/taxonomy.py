from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from moderation import rules, services
from moderation.forms import CategoryForm
from moderation.models import Category
from moderation.views.common import problem, reader_required, writer_required


def community_guidelines(request):
    """The public page: what we act on and how, from the categories in use today."""
    categories = list(Category.objects.live().order_by("order", "name"))
    return render(
        request,
        "moderation/guidelines.html",
        {
            "categories": categories,
            "zero_tolerance": [c.name for c in categories if c.zero_tolerance],
            "retention_months": settings.MODERATION_EVIDENCE_RETENTION_MONTHS,
        },
    )


@reader_required
def category_list(request):
    return render(
        request,
        "moderation/category_list.html",
        {
            "categories": Category.objects.order_by("retired_at", "order", "name"),
            "can_manage": rules.can_manage_taxonomy(request.user),
        },
    )


@writer_required
def category_create(request):
    return _category_form(request, Category())


@writer_required
def category_edit(request, pk):
    return _category_form(request, get_object_or_404(Category, pk=pk))


def _category_form(request, category):
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        adding = category.pk is None
        try:
            category = services.category_save(actor=request.user, category=form.save())
        except services.ActionError as error:
            return problem(request, error)
        messages.success(request, f"'{category}' has been {'added' if adding else 'saved'}.")
        return redirect("moderation:categories")
    return render(
        request,
        "moderation/category_form.html",
        {"form": form, "category": category},
        status=400 if form.is_bound else 200,
    )


@require_POST
@writer_required
def category_retire(request, pk):
    category = get_object_or_404(Category, pk=pk)
    # What the button pressed asked for, so that two people retiring it at once do not
    # bring it back.
    retire = {"retire": True, "bring_back": False}.get(request.POST.get("intent"))
    if retire is None:
        return problem(
            request,
            services.ActionError(
                "Reload the page and try again: it did not say whether to retire the category "
                "or bring it back."
            ),
        )
    try:
        services.category_retire(actor=request.user, category_id=category.pk, retire=retire)
    except services.ActionError as error:
        return problem(request, error)
    messages.success(
        request,
        f"'{category}' is retired: it stays on old entries but is no longer offered."
        if retire
        else f"'{category}' is back in use.",
    )
    return redirect("moderation:categories")

"""The playbook and the slides: reading, confirming, versions, and editing by comms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal import diffing, markup, rules, selectors
from portal.forms import CompareForm, ConfirmReadForm, ContentForm, PublishForm, RevisionForm
from portal.models import Document, DocumentVersion, OrganisationProfile
from portal.services import ActionError
from portal.services import content as services
from portal.views.common import add_errors, problem

Kind = Document.Kind


def _rendered(version):
    return markup.render_document(
        text=version.body,
        is_slides=version.document.is_slides,
        org=OrganisationProfile.load(),
        cache_as=version.pk,
    )


def _version_or_404(kind, number):
    try:
        return selectors.version(kind, number)
    except DocumentVersion.DoesNotExist:
        raise Http404("No such version.") from None


def _require_versions(user, kind):
    if not rules.can_read_versions(user, kind):
        raise PermissionDenied


def _require_editor(user):
    if not rules.can_edit_content(user):
        raise PermissionDenied


@login_required
def playbook(request):
    status = selectors.playbook_status(request.user)
    version = status["version"]
    context = {
        "status": status,
        "version": version,
        "document": selectors.document(Kind.PLAYBOOK)
        if rules.can_edit_content(request.user)
        else None,
        "can_edit": rules.can_edit_content(request.user),
    }
    if version is not None:
        context["html"], context["contents"] = _rendered(version)
        context["confirm_form"] = ConfirmReadForm(initial={"version": version.number})
    return render(request, "portal/content/playbook.html", context)


@require_POST
@login_required
def playbook_confirm(request):
    form = ConfirmReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Something went wrong: please confirm again.")
        return redirect("portal:playbook")
    try:
        _, created = services.playbook_confirm_read(
            actor=request.user, version_number=form.cleaned_data["version"]
        )
    except ActionError as error:
        messages.warning(request, error.message)
        return redirect("portal:playbook")
    messages.success(
        request,
        "Thank you: you have confirmed you have read the playbook."
        if created
        else "You had already confirmed this version.",
    )
    return redirect("portal:home")


@login_required
def slides(request):
    version = selectors.current_version(Kind.SLIDES)
    context = {
        "version": version,
        "show_notes": rules.can_see_speaker_notes(request.user),
        "can_edit": rules.can_edit_content(request.user),
        "document": selectors.document(Kind.SLIDES)
        if rules.can_edit_content(request.user)
        else None,
    }
    if version is not None:
        context["slides"] = _rendered(version)
    return render(request, "portal/content/slides.html", context)


@login_required
def content_versions(request, kind):
    _require_versions(request.user, kind)
    versions = list(selectors.versions(kind))
    return render(
        request,
        "portal/content/versions.html",
        {
            "kind": kind,
            "label": Kind(kind).label,
            "versions": versions,
            "can_edit": rules.can_edit_content(request.user),
        },
    )


@login_required
def content_version(request, kind, number):
    _require_versions(request.user, kind)
    version = _version_or_404(kind, number)
    current = selectors.current_version(kind)
    context = {"kind": kind, "version": version, "current": current}
    if version.document.is_slides:
        context["slides"] = _rendered(version)
    else:
        context["html"], context["contents"] = _rendered(version)
    return render(request, "portal/content/version.html", context)


@login_required
def content_compare(request, kind):
    """What changed between two versions; by default the newest and the one before."""
    _require_versions(request.user, kind)
    numbers = list(selectors.versions(kind).values_list("number", flat=True))
    if len(numbers) < 2:
        messages.info(request, "There is only one version so far: nothing to compare.")
        return redirect("portal:content_versions", kind=kind)
    initial = {"old": numbers[1], "new": numbers[0]}
    form = CompareForm(request.GET or None, numbers=numbers, initial=initial)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "portal/content/compare.html",
            {"kind": kind, "label": Kind(kind).label, "form": form},
            status=400,
        )
    chosen = form.cleaned_data if form.is_bound else initial
    old_number, new_number = sorted((chosen["old"], chosen["new"]))
    old, new = _version_or_404(kind, old_number), _version_or_404(kind, new_number)
    return render(
        request,
        "portal/content/compare.html",
        {
            "kind": kind,
            "label": Kind(kind).label,
            "form": form,
            "old": old,
            "new": new,
            "diff": diffing.diff_texts(old.body, new.body),
            "title_changed": old.title != new.title,
        },
    )


def _draft_form(document, data=None):
    current = document.current_version()
    if document.has_draft:
        initial = {"title": document.draft_title, "body": document.draft_body}
    elif current is not None:
        initial = {"title": current.title, "body": current.body}
    else:
        initial = {}
    initial["revision"] = document.draft_revision
    return ContentForm(data, initial=initial, is_slides=document.is_slides), current


def _edit_page(request, document, form, current, status=200):
    return render(
        request,
        "portal/content/edit.html",
        {
            "document": document,
            "form": form,
            "current": current,
            "placeholders": markup.PLACEHOLDER_HELP,
        },
        status=status,
    )


@login_required
def content_edit(request, kind):
    _require_editor(request.user)
    document = selectors.document(kind)
    form, current = _draft_form(document, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.content_save_draft(
                actor=request.user,
                kind=kind,
                title=data["title"],
                body=data["body"],
                revision=data["revision"],
            )
        except ActionError as error:
            add_errors(form, error)
            return _edit_page(request, document, form, current, status=error.status)
        if request.POST.get("intent") == "preview":
            return redirect("portal:content_preview", kind=kind)
        messages.success(
            request, "Your draft has been saved. Nobody but the communications team sees it."
        )
        return redirect("portal:content_edit", kind=kind)
    return _edit_page(request, document, form, current, status=400 if form.is_bound else 200)


def _preview_page(request, document, form, status=200):
    current = document.current_version()
    context = {
        "document": document,
        "current": current,
        "form": form,
        "discard_form": RevisionForm(initial={"revision": document.draft_revision}),
        "diff": diffing.diff_texts(current.body if current else "", document.draft_body),
        "title_changed": current is None or current.title != document.draft_title,
    }
    rendered = markup.render_document(
        text=document.draft_body, is_slides=document.is_slides, org=OrganisationProfile.load()
    )
    if document.is_slides:
        context["slides"] = rendered
    else:
        context["html"], context["contents"] = rendered
    return render(request, "portal/content/preview.html", context, status=status)


@login_required
def content_preview(request, kind):
    _require_editor(request.user)
    document = selectors.document(kind)
    if not document.has_draft:
        messages.info(request, "There is no draft yet: start one here.")
        return redirect("portal:content_edit", kind=kind)
    form = PublishForm(initial={"revision": document.draft_revision}, is_slides=document.is_slides)
    return _preview_page(request, document, form)


@require_POST
@login_required
def content_publish(request, kind):
    _require_editor(request.user)
    document = selectors.document(kind)
    form = PublishForm(request.POST, is_slides=document.is_slides)
    if not form.is_valid():
        if not document.has_draft:
            return redirect("portal:content_edit", kind=kind)
        return _preview_page(request, document, form, status=400)
    try:
        version = services.content_publish(
            actor=request.user,
            kind=kind,
            revision=form.cleaned_data["revision"],
            summary=form.cleaned_data["change_summary"],
            ask_staff=form.cleaned_data.get("ask_staff", False),
        )
    except ActionError as error:
        if error.status == 400 and error.errors and document.has_draft:
            add_errors(form, error)
            return _preview_page(request, document, form, status=400)
        return problem(request, error, back=reverse("portal:content_edit", args=[kind]))
    messages.success(
        request,
        f"Version {version.number} is published."
        + (" Staff will be asked to read it again." if kind == Kind.PLAYBOOK else ""),
    )
    return redirect(document.get_absolute_url())


@require_POST
@login_required
def content_discard(request, kind):
    _require_editor(request.user)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return redirect("portal:content_edit", kind=kind)
    try:
        services.content_discard_draft(
            actor=request.user, kind=kind, revision=form.cleaned_data["revision"]
        )
    except ActionError as error:
        return problem(request, error, back=reverse("portal:content_edit", args=[kind]))
    messages.success(request, "The draft has been discarded. The published version is unchanged.")
    return redirect(selectors.document(kind).get_absolute_url())

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts_requests.models import ManagedAccount
from moderation import concerns, rules, selectors, services
from moderation import evidence as evidence_store
from moderation.forms import EntryForm, KeepLegalHoldForm, LegalHoldForm, ReconsiderForm
from moderation.models import Entry, EvidenceFile, RightsRequest
from moderation.views.common import (
    apply_errors,
    problem,
    reader_required,
    safeguarding_taker_required,
    writer_required,
)
from portal import rules as portal_rules
from portal.forms import SafeguardingTakeOnForm
from portal.models import Concern
from portal.moments import local_day
from portal.numbers import is_plain_number
from portal.opened import EditClash, page_stamp

LAST_ACCOUNT = "moderation:last_account"


def _get_entry(user, pk):
    try:
        return selectors.entry_for_page(user, pk)
    except Entry.DoesNotExist:
        raise Http404("No such entry.") from None


def _remembered_account(request):
    pk = request.session.get(LAST_ACCOUNT)
    if pk and ManagedAccount.objects.visible_to(request.user).filter(pk=pk).exists():
        return pk
    return None


def _concern(request):
    """The staff report named by ``?concern=``, for an entry made from it; None if none."""
    pk = request.GET.get("concern", "")
    if not pk:
        return None
    if not is_plain_number(pk):
        raise Http404("No such report.")
    try:
        return concerns.concern_for_entry(request.user, int(pk))
    except Concern.DoesNotExist:
        raise Http404("No such report.") from None


@writer_required
def entry_create(request):
    """Log an entry in one request; the last account used is chosen already, or what the
    staff report it is made from says."""
    try:
        concern = _concern(request)
    except services.ActionError as error:
        return problem(request, error)
    initial = {"account": _remembered_account(request)}
    if concern is not None:
        initial.update(concerns.initial_from(concern, request.user))
    form = EntryForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(
                actor=request.user,
                data=form.service_data(),
                files=form.cleaned_files,
                concern=concern,
            )
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error)
        else:
            request.session[LAST_ACCOUNT] = entry.account_id
            _saved_message(
                request,
                entry,
                "Entry logged; the staff report now links to it."
                if concern is not None
                else "Entry logged.",
            )
            if request.POST.get("intent") == "Save and log another":
                return redirect("moderation:create")
            return redirect(entry)
    return render(
        request,
        "moderation/entry_form.html",
        {
            "form": form,
            "remembered": initial["account"] if concern is None else None,
            "concern": concern,
        },
        status=400 if form.is_bound else 200,
    )


def _saved_message(request, entry, text):
    parts = [text]
    if entry.safeguarding:
        parts.append("The safeguarding lead and the head of communications have been told.")
    if entry.made_repeat_offender:
        parts.append(
            f"{entry.commenter.display_handle} is now flagged as a repeat offender: see the "
            "suggested next step on their page."
        )
    messages.success(request, " ".join(parts))


@writer_required
def entry_edit(request, pk):
    entry = _get_entry(request.user, pk)
    if entry.is_past_retention:
        messages.info(
            request,
            "This entry is past its retention date: what it held of the commenter has been "
            "removed, and it can no longer be edited.",
        )
        return redirect(entry)
    form = EntryForm(request.POST or None, request.FILES or None, user=request.user, entry=entry)
    # What the page showed, so that a change saved by someone else meanwhile is kept.
    opened = page_stamp(request, lambda: services.entry_answers(entry))
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            entry, changed = services.entry_update(
                actor=request.user,
                entry_id=entry.pk,
                data=form.service_data(),
                files=form.cleaned_files,
                opened=opened,
            )
        except EditClash as clash:
            form.add_error(None, clash.message)
            opened, status = clash.opened, 409
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=entry.get_absolute_url())
        else:
            if changed or form.cleaned_files:
                messages.success(
                    request, "Your changes have been saved; the old values are in the history."
                )
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(entry)
    return render(
        request,
        "moderation/entry_form.html",
        {"form": form, "entry": entry, "opened": opened},
        status=status if form.is_bound else 200,
    )


def _detail_context(request, entry, **extra):
    context = {
        "entry": entry,
        "timeline": selectors.entry_timeline(entry),
        "evidence": selectors.entry_evidence(entry),
        "can_write": rules.can_write(request.user),
        "reconsider_form": ReconsiderForm(),
        "can_take_on": entry.safeguarding_waiting and rules.can_take_on_safeguarding(request.user),
        "safeguarding_form": SafeguardingTakeOnForm(),
        "hold_form": LegalHoldForm(),
        "keep_form": KeepLegalHoldForm(),
        "hold_review_months": settings.MODERATION_LEGAL_HOLD_REVIEW_MONTHS,
        # Worked out from all the commenter's entries, which only full readers may see.
        "next_step": selectors.next_step(entry.commenter)
        if entry.commenter.is_repeat_offender and rules.can_read_everything(request.user)
        else None,
        "can_see_person": rules.can_read_log(request.user),
        # Retention removes nothing while the commenter's request for a copy waits.
        "access_request": None
        if entry.is_past_retention
        else selectors.open_request(entry.commenter_id, RightsRequest.Kind.ACCESS),
        "can_see_requests": rules.can_read_rights_requests(request.user),
        # A safeguarding lead reads safeguarding entries but not every staff report.
        "can_see_concern": portal_rules.sees_everything(request.user),
    }
    context.update(extra)
    return context


@reader_required
def entry_detail(request, pk):
    entry = _get_entry(request.user, pk)
    return render(request, "moderation/entry_detail.html", _detail_context(request, entry))


@require_POST
@writer_required
def entry_reconsider(request, pk):
    entry = _get_entry(request.user, pk)
    form = ReconsiderForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "moderation/entry_detail.html",
            _detail_context(request, entry, reconsider_form=form, open_form="reconsider"),
            status=400,
        )
    try:
        services.entry_reconsider(
            actor=request.user,
            entry_id=entry.pk,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
        )
    except services.ActionError as error:
        return problem(request, error, back=entry.get_absolute_url())
    messages.success(request, "The reconsideration has been recorded.")
    return redirect(entry)


@require_POST
@safeguarding_taker_required
def entry_safeguarding_take_on(request, pk):
    entry = _get_entry(request.user, pk)
    form = SafeguardingTakeOnForm(request.POST)
    if form.is_valid():
        try:
            services.entry_safeguarding_take_on(
                actor=request.user, entry_id=entry.pk, outcome=form.cleaned_data["outcome"]
            )
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=entry.get_absolute_url())
        else:
            messages.success(
                request, "You have taken on the concern; the reminders about it have stopped."
            )
            return redirect(entry)
    return render(
        request,
        "moderation/entry_detail.html",
        _detail_context(request, entry, safeguarding_form=form),
        status=400,
    )


# What the button pressed asked for. Not the opposite of what is saved when the request
# arrives: two people placing a hold at once would otherwise lift it.
HOLD_INTENTS = {"place": True, "lift": False}


@require_POST
@writer_required
def entry_legal_hold(request, pk):
    entry = _get_entry(request.user, pk)
    form = LegalHoldForm(request.POST)
    hold = HOLD_INTENTS.get(request.POST.get("intent"))
    if hold is None:
        form.add_error(
            None, "Reload the page and try again: it did not say whether to place or lift it."
        )
    if form.is_valid():
        try:
            services.entry_set_legal_hold(
                actor=request.user,
                entry_id=entry.pk,
                hold=hold,
                reason=form.cleaned_data["reason"],
            )
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=entry.get_absolute_url())
        else:
            if hold:
                done = "The evidence is on legal hold and will be kept until the hold is lifted."
            elif entry.retention_date_passed:
                done = (
                    "The legal hold is lifted. Its retention date has passed, so the evidence "
                    "and the commenter's details are removed within minutes."
                )
            else:
                done = "The legal hold is lifted; the evidence goes on its retention date."
            messages.success(request, done)
            return redirect(entry)
    return render(
        request,
        "moderation/entry_detail.html",
        _detail_context(request, entry, hold_form=form, open_form="hold"),
        status=400,
    )


@require_POST
@writer_required
def entry_keep_legal_hold(request, pk):
    """The legal hold was looked at and is still needed: say why, and it is looked at
    again some months on."""
    entry = _get_entry(request.user, pk)
    form = KeepLegalHoldForm(request.POST)
    if form.is_valid():
        try:
            kept = services.entry_keep_legal_hold(
                actor=request.user, entry_id=entry.pk, reason=form.cleaned_data["reason"]
            )
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=entry.get_absolute_url())
        else:
            messages.success(
                request,
                "The legal hold is kept. It is to be looked at again by "
                f"{local_day(kept.legal_hold_review_on)}.",
            )
            return redirect(entry)
    return render(
        request,
        "moderation/entry_detail.html",
        _detail_context(request, entry, keep_form=form, open_form="keep"),
        status=400,
    )


@reader_required
def evidence_download(request, pk):
    """One evidence file, to someone who may read its entry; every download is recorded."""
    try:
        record = selectors.evidence_for_download(request.user, pk)
    except EvidenceFile.DoesNotExist:
        raise Http404("No such evidence file.") from None
    path = evidence_store.stored_path(record.key)
    if not path.is_file():
        raise Http404("The file is no longer stored.")
    services.evidence_record_download(user=request.user, evidence=record)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=record.download_name,
        content_type=record.content_type,
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    # A file opened in the browser can run nothing and load nothing.
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'; sandbox"
    )
    return response

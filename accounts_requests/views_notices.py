"""Filing and acknowledging credential-change notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from accounts_requests import rules, selectors_accounts, services_notices
from accounts_requests.forms_accounts import CommentForm, NoticeForm
from accounts_requests.models import CredentialChangeNotice
from accounts_requests.views import _problem
from accounts_requests.views_accounts import get_account, posted_data
from portal.services.errors import ActionError


@sensitive_variables()
@sensitive_post_parameters("login", "password", "notes")
@never_cache
@login_required
def notice_create(request, pk):
    account = get_account(request.user, pk)
    if not rules.can_file_notice(account, request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("reason") in CredentialChangeNotice.Reason.values:
        initial["reason"] = request.GET["reason"]
    form = NoticeForm(posted_data(request), account=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services_notices.notice_file(
                actor=request.user,
                account_id=account.pk,
                what_changed=data["what_changed"],
                reason=data["reason"],
                changed_at=data["changed_at"],
                details=data["details"],
                login=data["login"],
                password=data["password"],
                notes=data["notes"] or None,
                new_handle=data["new_handle"].strip(),
                new_url=data["new_url"],
            )
        except ActionError as error:
            if error.status != 400 or not error.errors:
                return _problem(request, error, back=account.get_absolute_url())
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            _say_what_happened(request, notice)
            return redirect(account)
    return render(
        request,
        "accounts_requests/notice_form.html",
        {
            "account": account,
            "form": form,
            "rotation_tasks": list(selectors_accounts.open_rotation_tasks(account)),
        },
        status=400 if form.is_bound else 200,
    )


def _say_what_happened(request, notice):
    if notice.is_compromise:
        notice.account.refresh_from_db(fields=["state"])
        if notice.account.state == notice.account.State.SUSPENDED:
            done = "The account is suspended and off the public register."
        else:
            done = "The incident is recorded and the account is off the public register."
        messages.warning(
            request,
            f"{done} The communications team and its head have been alerted now. Change the "
            "password if you can, and do not post from the account until it is resolved.",
        )
        return
    text = "Thank you: the communications team has been told about the change."
    if notice.is_late:
        text += (
            " It was reported more than one working day after the change, so it is marked "
            "late. Please report changes straight away."
        )
    messages.success(request, text)


@require_POST
@login_required
def notice_acknowledge(request, pk):
    notice = get_object_or_404(
        CredentialChangeNotice.objects.visible_to(request.user).select_related("account"), pk=pk
    )
    if not rules.can_acknowledge_notice(notice, request.user):
        raise PermissionDenied
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services_notices.notice_acknowledge(
            actor=request.user, notice_id=notice.pk, comment=comment
        )
    except ActionError as error:
        return _problem(request, error, back=notice.get_absolute_url())
    messages.success(request, "The notice is acknowledged; the person who filed it is told.")
    return redirect(notice.get_absolute_url())

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts_requests import rules, selectors, services
from accounts_requests.forms import (
    ActionForm,
    ApproveForm,
    ProposalForm,
    QueueFilterForm,
    StartReviewForm,
    answered_sections,
)
from accounts_requests.models import AccountRequest
from portal import rules as portal_rules
from portal.models import Team
from portal.opened import EditClash, page_stamp, stamp

# The transitions a button may post to; approve has its own page for the targets.
POSTED_ACTIONS = {
    "submit",
    "endorse",
    "start_review",
    "request_changes",
    "resubmit",
    "reject",
    "withdraw",
}

DONE_MESSAGES = {
    "submit": "The proposal has been submitted to the communications team.",
    "endorse": "You have endorsed the proposal; it is now with the communications team.",
    "start_review": "The review has started.",
    "request_changes": "The team has been asked for changes.",
    "resubmit": "The proposal has been resubmitted.",
    "reject": "The proposal has been rejected.",
    "withdraw": "The proposal has been withdrawn.",
}


# Submitted by a member who is not the manager: it goes to the manager first.
AWAITING_ENDORSEMENT_MESSAGE = (
    "The proposal has been submitted. It now waits for your manager to endorse it before "
    "it goes to the communications team; they have been told."
)


def _done(request, action, proposal):
    """Say what the action did, by where the proposal now stands."""
    if proposal.state == AccountRequest.State.AWAITING_ENDORSEMENT:
        messages.success(request, AWAITING_ENDORSEMENT_MESSAGE)
    else:
        messages.success(request, DONE_MESSAGES[action])


def _get_proposal(user, pk):
    """The proposal, if this user may see it; 404 otherwise, whoever's it is."""
    try:
        return selectors.proposal_for_page(user, pk)
    except AccountRequest.DoesNotExist:
        raise Http404("No such proposal.") from None


def _problem(request, error, back=None):
    return render(
        request,
        "portal/problem.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


@login_required
def proposal_list(request):
    """The proposals of the user's teams."""
    if not portal_rules.is_team_member(request.user):
        if rules.can_see_queue(request.user):
            return redirect("accounts_requests:queue")
        raise PermissionDenied
    proposals = selectors.team_proposals(request.user)
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts_requests/proposal_list.html",
        {"page": page, "can_propose": rules.can_propose(request.user)},
    )


@login_required
def proposal_queue(request):
    """The communications team's queue of proposals waiting on someone."""
    if not rules.can_see_queue(request.user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.queue(filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts_requests/queue.html",
        {"page": page, "form": form, "counts": selectors.queue_counts()},
    )


@login_required
def proposal_create(request):
    if not rules.can_propose(request.user):
        raise PermissionDenied
    teams = Team.objects.filter(pk__in=portal_rules.team_ids(request.user), is_active=True)
    form = ProposalForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and form.is_valid():
        proposal = services.account_request_create(
            actor=request.user, team=form.cleaned_data["team"], data=form.content()
        )
        if request.POST.get("intent") == "Save draft":
            messages.success(request, "Your draft has been saved.")
            return redirect(proposal)
        return _submit_after_save(request, proposal, "submit", form)
    return render(request, "accounts_requests/proposal_form.html", {"form": form})


@login_required
def proposal_edit(request, pk):
    proposal = _get_proposal(request.user, pk)
    if not rules.can_edit(proposal, request.user):
        if proposal.is_editable:
            raise PermissionDenied
        messages.info(request, "This proposal can no longer be edited.")
        return redirect(proposal)
    action = "resubmit" if proposal.state == AccountRequest.State.CHANGES_REQUESTED else "submit"
    label = "Save and resubmit" if action == "resubmit" else "Save and submit"
    # What the page showed, so that an answer someone else saved meanwhile is kept.
    opened = page_stamp(request, lambda: services.proposal_answers(proposal))
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        instance=proposal,
        submit_label=label,
        opened=opened,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            proposal, _ = services.account_request_update(
                actor=request.user, proposal_id=proposal.pk, data=form.content(), opened=opened
            )
        except EditClash as clash:
            form.add_error(None, clash.message)
            opened, status = clash.opened, 409
        except services.ActionError as error:
            return _problem(request, error, back=proposal.get_absolute_url())
        else:
            if request.POST.get("intent") == "Save draft":
                messages.success(request, "Your changes have been saved.")
                return redirect(proposal)
            return _submit_after_save(request, proposal, action, form)
    return render(
        request,
        "accounts_requests/proposal_form.html",
        {"form": form, "proposal": proposal, "opened": opened},
        status=status,
    )


def _submit_after_save(request, proposal, action, form):
    """The answers are saved; now try to submit, listing every gap if there are any.

    The page shown again is stamped with the answers it shows, which are what was sent:
    what this person changed is saved as that, and an answer someone else saved meanwhile,
    which the page still shows as it first was, keeps what they saved on the next save."""
    try:
        proposal = services.account_request_act(
            actor=request.user, proposal_id=proposal.pk, action=action
        )
    except services.ProposalIncomplete as error:
        opened = stamp(form.content())  # before the gaps take their answers off the form
        form.add_missing(error.errors)
        messages.warning(
            request,
            f"Your answers are saved as a draft. {len(error.errors)} "
            f"{'answer is' if len(error.errors) == 1 else 'answers are'} still needed before "
            "it can be submitted; each is marked below.",
        )
        return render(
            request,
            "accounts_requests/proposal_form.html",
            {
                "form": form,
                "proposal": proposal,
                "opened": opened,
            },
            status=400,
        )
    except services.ActionError as error:
        return _problem(request, error, back=proposal.get_absolute_url())
    _done(request, action, proposal)
    return redirect(proposal)


def _detail_context(request, proposal, **extra):
    actions = selectors.proposal_actions(proposal, request.user)
    timeline = list(selectors.proposal_timeline(proposal))
    context = {
        "proposal": proposal,
        "timeline": timeline,
        "why_here": selectors.latest_reason(proposal, timeline),
        "actions": actions,
        "can_edit": rules.can_edit(proposal, request.user),
        "missing": proposal.missing_for_submission() if proposal.is_editable else {},
        "sections": answered_sections(proposal),
        "review_form": StartReviewForm()
        if any(a["name"] == "start_review" for a in actions)
        else None,
        "account": getattr(proposal, "account", None)
        if proposal.state == AccountRequest.State.APPROVED
        else None,
    }
    context.update(extra)
    return context


@login_required
def proposal_detail(request, pk):
    proposal = _get_proposal(request.user, pk)
    return render(
        request, "accounts_requests/proposal_detail.html", _detail_context(request, proposal)
    )


@require_POST
@login_required
def proposal_action(request, pk, action):
    proposal = _get_proposal(request.user, pk)
    if action not in POSTED_ACTIONS:
        raise Http404("No such action.")
    form_class = StartReviewForm if action == "start_review" else ActionForm
    form = form_class(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts_requests/proposal_detail.html",
            _detail_context(request, proposal, failed_action=action, failed_form=form),
            status=400,
        )
    extra = {}
    if action == "start_review":
        extra["reviewer"] = form.cleaned_data.get("reviewer")
    try:
        act = (
            services.account_request_start_review
            if action == "start_review"
            else lambda **kw: services.account_request_act(action=action, **kw)
        )
        moved = act(
            actor=request.user,
            proposal_id=proposal.pk,
            comment=form.cleaned_data["comment"],
            **extra,
        )
    except services.ProposalIncomplete as error:
        messages.warning(request, error.message)
        return redirect("accounts_requests:edit", pk=proposal.pk)
    except services.ActionError as error:
        if error.errors and error.status == 400:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
            return render(
                request,
                "accounts_requests/proposal_detail.html",
                _detail_context(request, proposal, failed_action=action, failed_form=form),
                status=400,
            )
        return _problem(request, error, back=proposal.get_absolute_url())
    _done(request, action, moved)
    return redirect(proposal)


@login_required
def proposal_approve(request, pk):
    proposal = _get_proposal(request.user, pk)
    if not rules.can_review(proposal, request.user):
        raise PermissionDenied
    if proposal.state != AccountRequest.State.IN_REVIEW:
        messages.info(request, "Only a proposal in review can be approved.")
        return redirect(proposal)
    form = ApproveForm(request.POST if request.method == "POST" else None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, account = services.account_request_approve(
                actor=request.user,
                proposal_id=proposal.pk,
                comment=data["comment"],
                targets=services.Targets(
                    followers=data["target_followers"],
                    posts_per_month=data["target_posts_per_month"],
                    engagement_rate=data["target_engagement_rate"],
                    reply_hours=data["target_reply_hours"],
                ),
            )
        except services.ActionError as error:
            return _problem(request, error, back=proposal.get_absolute_url())
        messages.success(
            request,
            f"Approved. The account '{account.name}' is now being set up by {proposal.team}.",
        )
        return redirect(proposal)
    return render(
        request,
        "accounts_requests/approve.html",
        {"proposal": proposal, "form": form},
        status=400 if form.is_bound else 200,
    )

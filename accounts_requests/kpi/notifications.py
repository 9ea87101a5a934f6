"""Who hears about reviews, closures, target changes and imports, and what they are told.

Called inside the service's transaction: ``notify`` writes rows there and sends e-mail only
after the commit. Nothing here carries a login detail or anyone's personal data.
"""

from portal import selectors
from portal.notify import notify


def _team(account):
    return list(selectors.team_users(account.team_id))


def _comms():
    return list(selectors.comms_users())


def _with_comment(body, actor, comment):
    if comment:
        return f"{body}\n\n{actor} wrote: {comment}"
    return body


def targets_changed(account, *, actor, reason):
    return notify(
        recipients=_team(account),
        kind="account.targets_changed",
        title=f"KPI targets changed: {account}",
        body=_with_comment(
            "The communications team has changed the targets this account is reviewed against.",
            actor,
            reason,
        ),
        url=account.get_absolute_url(),
        actor=actor,
    )


def review_started(review, *, actor):
    account = review.account
    return notify(
        recipients=[*_team(account), *_comms()],
        kind="account.review_started",
        title=f"{review.get_kind_display()} started: {account}",
        body=(
            f"{actor} has started a review of {account} against its KPI targets. The review "
            "page shows the figures being looked at; the team can add a response there."
        ),
        url=review.get_absolute_url(),
        actor=actor,
    )


def review_decided(review, *, actor):
    account = review.account
    outcome = review.get_outcome_display()
    body = f"Outcome of the review of {account}: {outcome}.\n\nReasons: {review.reasons}"
    if review.re_review_on:
        body += f"\n\nIt will be reviewed again on {review.re_review_on:%-d %B %Y}."
    body += "\n\nThe team can respond on the review page."
    return notify(
        recipients=[*_team(account), *_comms()],
        kind="account.review_decided",
        title=f"Review outcome for {account}: {outcome}",
        body=body,
        url=review.get_absolute_url(),
        actor=actor,
    )


def review_response(response, *, actor):
    review = response.review
    account = review.account
    recipients = [review.started_by, *([review.decided_by] if review.decided_by else [])]
    if not response.from_team:
        recipients = _team(account)
    return notify(
        recipients=recipients,
        kind="account.review_response",
        title=f"New response on the review of {account}",
        body=f"{actor} has written on the review page.",
        url=review.get_absolute_url(),
        actor=actor,
    )


def closure_proposed(closure, *, actor):
    account = closure.account
    return notify(
        recipients=[*_team(account), *_comms(), *selectors.heads_of_comms()],
        kind="account.closure_proposed",
        title=f"Closure proposed: {account}",
        body=(
            f"{actor} has proposed closing {account}. Reason: "
            f"{closure.get_reason_display()}.\n\n{closure.explanation}\n\n"
            "The exit checklist on the closure page lists what must be done before the head "
            "of communications can sign it off."
        ),
        url=closure.get_absolute_url(),
        actor=actor,
    )


def checklist_complete(closure, *, actor):
    return notify(
        recipients=list(selectors.heads_of_comms()),
        kind="account.closure_ready",
        title=f"Ready for your sign-off: closing {closure.account}",
        body="Every exit step has been done. The closure is waiting for your sign-off.",
        url=closure.get_absolute_url(),
        actor=actor,
    )


def closure_cancelled(closure, *, actor):
    account = closure.account
    return notify(
        recipients=[*_team(account), *_comms(), closure.proposed_by],
        kind="account.closure_cancelled",
        title=f"Closure withdrawn: {account} stays open",
        body=_with_comment(f"{account} will not be closed.", actor, closure.cancel_reason),
        url=account.get_absolute_url(),
        actor=actor,
    )


def account_closed(closure, *, actor):
    account = closure.account
    return notify(
        recipients=[*_team(account), *_comms()],
        kind="account.closed",
        title=f"Account closed: {account}",
        body=_with_comment(
            f"The head of communications has signed off the closure of {account}. Its "
            "record is kept, read-only, in the register's history.",
            actor,
            closure.sign_off_comment,
        ),
        url=account.get_absolute_url(),
        actor=actor,
    )


def import_finished(job):
    if job.status == job.Status.DONE:
        title = f"Figures imported from {job.filename}"
        body = (
            f"{job.rows_created} month(s) added and {job.rows_updated} updated from "
            f"{job.filename}."
        )
    else:
        title = f"Figures not imported from {job.filename}"
        body = (
            f"{len(job.problems)} row(s) of {job.filename} have problems, so nothing was "
            "imported. The import page lists each one with its line number."
        )
    return notify(
        recipients=[job.created_by],
        kind="account.figures_import",
        title=title,
        body=body,
        url=job.get_absolute_url(),
    )

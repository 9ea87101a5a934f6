"""Changes to KPI figures, targets and health rules, and importing figures from CSV files.

Figures are kept one row per account and month: entering or importing a month again
updates that row (a database upsert on the unique pair), and simple-history keeps what it
said before. An import is all or nothing: every row is checked first, and the figures are
written in one transaction only when no row has a problem.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from accounts_requests import rules
from accounts_requests.kpi import importer, notifications, summary
from accounts_requests.kpi.months import add_months, month_label, month_start
from accounts_requests.models import FiguresImport, HealthRules, ManagedAccount, MonthlyFigures
from accounts_requests.workflow import locked_account, record_event, refuse_if_closed
from portal.opened import merge as merge_answers
from portal.services.errors import ActionConflict, ActionError, ActionRefused

log = logging.getLogger(__name__)

TARGET_FIELDS = (
    "target_followers",
    "target_posts_per_month",
    "target_engagement_rate",
    "target_reply_hours",
)
# A worker that claimed an import and died is replaced after this long.
IMPORT_CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def latest_allowed_month(today=None):
    """Figures are for finished months: last month is the latest that may be given."""
    today = today or timezone.localdate()
    return month_start(add_months(today, -1))


# ---- Figures entered in the form ----------------------------------------------------------


def monthly_figures_save(*, actor, account_id, month, data):
    """Enter one month's figures, replacing what was there for that month. Returns
    (figures, created)."""
    month = month_start(month)
    if month > latest_allowed_month():
        raise ActionError(
            "Figures can only be given for a month that has finished.",
            errors={"month": "Choose a month that has finished."},
        )
    problems = importer.check_figures(data, month, last_post="The date of the last post")
    if problems:
        raise ActionError(problems[0], errors={"last_post_on": problems[0]})
    if problem := importer.check_engagements(
        data, engagements="The engagements", impressions="the impressions"
    ):
        raise ActionError(f"{problem}.", errors={"engagements": f"{problem}."})
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_enter_figures(account, actor):
            if account.state in rules.LIVE_ACCOUNT_STATES:
                raise ActionRefused("You cannot enter figures for this account.")
            raise ActionConflict("Figures start once the account has been set up and is active.")
        figures = MonthlyFigures.objects.filter(account=account, month=month).first()
        created = figures is None
        if created:
            figures = MonthlyFigures(account=account, month=month)
        for name in MonthlyFigures.FIGURE_FIELDS:
            setattr(figures, name, data.get(name))
        figures.source = MonthlyFigures.Source.FORM
        figures.import_batch = None
        figures.entered_by = actor
        figures._history_user = actor
        figures._change_reason = "entered in the form"
        figures.save()
        summary.refresh([account.pk])
        record_event(
            account,
            actor=actor,
            action="figures_entered",
            comment=f"{month_label(month)}{'' if created else ' (updated)'}",
        )
    return figures, created


# ---- Targets and rules ----------------------------------------------------------------------


def target_answers(account):
    """An account's targets as saved, as the targets form shows them (``portal.opened``)."""
    return {name: getattr(account, name) for name in TARGET_FIELDS}


def account_targets_change(*, actor, account_id, targets, reason, opened=None):
    """Change an account's KPI targets; the reason is kept in its history.

    ``opened`` is the page's stamp of the targets it showed (``portal.opened``): a target
    left as it was keeps what is saved now; one someone else changed too is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(
            "Say why the targets are changing.", errors={"reason": "Say why they are changing."}
        )
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_change_targets(account, actor):
            raise ActionRefused("Only the communications team can change KPI targets.")
        targets = merge_answers(
            opened,
            target_answers(account),
            {name: targets[name] for name in TARGET_FIELDS},
            labels={
                name: str(account._meta.get_field(name).verbose_name) for name in TARGET_FIELDS
            },
        )
        changed = [name for name in TARGET_FIELDS if getattr(account, name) != targets[name]]
        if not changed:
            return account, []
        was = "; ".join(
            f"{account._meta.get_field(name).verbose_name}: {getattr(account, name)} → "
            f"{targets[name]}"
            for name in changed
        )
        for name in changed:
            setattr(account, name, targets[name])
        account._change_reason = f"targets: {reason}"[:100]
        account._history_user = actor
        account.save(update_fields=[*changed])
        summary.refresh([account.pk])
        record_event(
            account,
            actor=actor,
            action="targets_changed",
            comment=f"{reason}\n\n{was[0].upper()}{was[1:]}.",
            changed_fields=changed,
        )
        notifications.targets_changed(account, actor=actor, reason=reason)
    return account, changed


def health_rules_update(*, actor, data, reason):
    if not rules.can_edit_health_rules(actor):
        raise ActionRefused("Only the communications team can change the health rules.")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Say why the rules are changing.", errors={"reason": "Say why."})
    with transaction.atomic():
        current = HealthRules.load()
        current = HealthRules.objects.select_for_update().get(pk=current.pk)
        for name, value in data.items():
            setattr(current, name, value)
        current.updated_by = actor
        current._change_reason = reason[:100]
        current._history_user = actor
        current.save()
    return current


# ---- Importing a CSV file -------------------------------------------------------------------


def _check_permission(actor, account):
    if account is None:
        if not rules.can_import_for_several_accounts(actor):
            raise ActionRefused("Only the communications team can import for several accounts.")
        return
    refuse_if_closed(account)
    if not rules.can_enter_figures(account, actor):
        raise ActionRefused("You cannot import figures for this account.")


def figures_import_create(*, actor, upload, account=None):
    """Take an uploaded file: a small one is checked and imported now, a large one is
    handed to a worker whose progress the import page shows. Returns the import."""
    _check_permission(actor, account)
    max_bytes = settings.KPI_IMPORT_MAX_BYTES
    if upload.size > max_bytes:
        raise ActionError(
            "The file is too large.",
            errors={"file": f"The file must be no larger than {filesizeformat(max_bytes)}."},
        )
    raw = upload.read()
    try:
        text, note = importer.decode(raw)
    except importer.ImportFileError as error:
        raise ActionError(str(error), errors={"file": str(error)}) from None
    filename = (upload.name or "figures.csv").rsplit("/", 1)[-1][:200]
    background = text.count("\n") > settings.KPI_IMPORT_BACKGROUND_ROWS
    job = FiguresImport.objects.create(
        account=account,
        created_by=actor,
        filename=filename,
        notes=[note] if note else [],
        pending_text=text,
    )
    if background:
        transaction.on_commit(lambda: _enqueue_import(job.pk))
        return job
    figures_import_process(import_id=job.pk)
    job.refresh_from_db()
    return job


def _enqueue_import(import_id):
    from accounts_requests.kpi.tasks import import_figures

    try:
        import_figures.apply_async(args=[import_id], retry=False)
    except Exception:  # the broker is down: the sweep picks the import up
        log.warning("Could not reach the task broker; import %s left for the sweep", import_id)


def _claim(import_id, now):
    return (
        FiguresImport.objects.filter(pk=import_id)
        .filter(
            Q(status=FiguresImport.Status.QUEUED)
            | Q(status=FiguresImport.Status.RUNNING, claimed_at__lt=now - IMPORT_CLAIM_TIMEOUT)
        )
        .update(status=FiguresImport.Status.RUNNING, claimed_at=now, rows_done=0)
        == 1
    )


def figures_import_process(*, import_id):
    """Check and import one queued file, once, however many workers are asked to."""
    if not _claim(import_id, timezone.now()):
        return None
    job = FiguresImport.objects.select_related("account", "created_by").get(pk=import_id)
    rows_total = max(job.pending_text.count("\n"), 1)
    FiguresImport.objects.filter(pk=job.pk).update(rows_total=rows_total)

    def progress(done):
        FiguresImport.objects.filter(pk=job.pk).update(rows_done=min(done, rows_total))

    several = job.account_id is None
    try:
        parsed = importer.parse(
            job.pending_text,
            several_accounts=several,
            latest_allowed=latest_allowed_month(),
            max_rows=settings.KPI_IMPORT_MAX_ROWS,
            progress=progress,
        )
    except importer.ImportFileError as error:
        # Listed like a row's messages, which the page ends with a full stop.
        return _finish(job, problems=[{"line": 1, "messages": [str(error).rstrip(".")]}])
    job.rows_total = parsed.total
    job.notes = [*job.notes, *parsed.notes]
    problems = list(parsed.problems)
    try:
        with transaction.atomic():
            # Write first: on SQLite a transaction that reads and then writes can be refused
            # the lock while the web process writes; starting with a write waits its turn.
            FiguresImport.objects.filter(pk=job.pk).update(rows_done=parsed.total)
            accounts = _accounts_for(job, parsed.rows, problems)
            if problems or not parsed.rows:
                transaction.set_rollback(True)
            else:
                _write(job, parsed.rows, accounts)
    except (ActionRefused, ActionConflict) as error:
        problems = [{"line": 1, "messages": [error.message]}]
    return _finish(job, problems=problems)


def _accounts_for(job, rows, problems):
    """Lock the accounts the rows are for; add a problem for each row naming a bad one."""
    if job.account_id is not None:
        account = locked_account(job.account_id)
        _check_permission(job.created_by, account)
        for row in rows:
            row.account_id = account.pk
        return {account.pk: account}
    _check_permission(job.created_by, None)
    wanted = sorted({row.account_id for row in rows})
    accounts = {
        account.pk: account
        for account in ManagedAccount.objects.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
    }
    bad = {}
    for row in rows:
        account = accounts.get(row.account_id)
        if account is None:
            bad[row.line] = f"there is no account number {row.account_id}"
        elif account.state not in rules.LIVE_ACCOUNT_STATES:
            bad[row.line] = (
                f"account {row.account_id} ({account.name}) is "
                f"{account.get_state_display().lower()}, so it takes no figures"
            )
    if bad:
        problems.extend({"line": line, "messages": [message]} for line, message in bad.items())
        problems.sort(key=lambda problem: problem["line"])
    return accounts


def _write(job, rows, accounts):
    existing = set(
        MonthlyFigures.objects.filter(
            account__in=list(accounts), month__in={row.month for row in rows}
        ).values_list("account_id", "month")
    )
    objects = []
    for row in rows:
        figures = MonthlyFigures(
            account_id=row.account_id,
            month=row.month,
            source=MonthlyFigures.Source.IMPORT,
            import_batch=job,
            entered_by=job.created_by,
            **{name: row.values.get(name) for name in MonthlyFigures.FIGURE_FIELDS},
        )
        objects.append(figures.derive())
    MonthlyFigures.objects.bulk_create(
        objects,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["account", "month"],
        update_fields=[
            *MonthlyFigures.FIGURE_FIELDS,
            "active_until",
            "period_end",
            "source",
            "import_batch",
            "entered_by",
            "entered_at",
        ],
    )
    summary.refresh(accounts)
    written = list(MonthlyFigures.objects.filter(import_batch=job))
    updated = [f for f in written if (f.account_id, f.month) in existing]
    created = [f for f in written if (f.account_id, f.month) not in existing]
    reason = f"imported from {job.filename}"[:100]
    for batch, update in ((created, False), (updated, True)):
        if batch:
            MonthlyFigures.history.bulk_history_create(
                batch, update=update, default_user=job.created_by, default_change_reason=reason
            )
    job.rows_created, job.rows_updated = len(created), len(updated)
    for account_id, account in accounts.items():
        months = sorted(row.month for row in rows if row.account_id == account_id)
        if not months:
            continue
        changed = sum(1 for f in updated if f.account_id == account_id)
        span = month_label(months[0])
        if len(months) > 1:
            span += f" to {month_label(months[-1])}"
        record_event(
            account,
            actor=job.created_by,
            action="figures_imported",
            comment=(
                f"{len(months)} month(s), {span}, from {job.filename}"
                + (f"; {changed} replaced earlier figures" if changed else "")
            ),
        )


def _finish(job, *, problems):
    job.status = FiguresImport.Status.REJECTED if problems else FiguresImport.Status.DONE
    job.problems = problems
    job.pending_text = ""
    job.finished_at = timezone.now()
    job.rows_done = job.rows_total
    job.save(
        update_fields=[
            "status",
            "problems",
            "notes",
            "pending_text",
            "finished_at",
            "rows_total",
            "rows_done",
            "rows_created",
            "rows_updated",
        ]
    )
    return job


def stalled_import_ids(now=None):
    """Imports nobody is working on: queued while the broker was down, or abandoned."""
    now = now or timezone.now()
    return list(
        FiguresImport.objects.filter(
            Q(
                status=FiguresImport.Status.QUEUED,
                created_at__lt=now - datetime.timedelta(minutes=1),
            )
            | Q(status=FiguresImport.Status.RUNNING, claimed_at__lt=now - IMPORT_CLAIM_TIMEOUT)
        ).values_list("pk", flat=True)[:20]
    )

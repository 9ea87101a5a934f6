"""The reminder engine: collect the rule tables, find what is due, send each stage once.

The sweep asks the database, for each stage of each rule, one question: which waiting
records began their wait at or before the stage's cut-off (worked out once, see
``Wait.cutoff``) and have no ledger row for this stage and wait yet. Only those rows come
back to Python. Each is then sent in its own transaction that first writes its ledger row
(``ReminderSent``); the row's unique key makes a second sweep, running now or later,
fail to write it and send nothing.
"""

import dataclasses
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.utils import formats, timezone
from django.utils.module_loading import import_string

from portal.models import ReminderSent
from portal.notify import notify
from portal.reminders import recipients
from portal.reminders.table import Wait
from portal.worktime import WorkingCalendar

log = logging.getLogger(__name__)


def load_rules():
    """Every rule from the tables in ``REMINDER_RULE_TABLES``, with ``REMINDER_WAITS``
    applied. Raises ValueError or ImportError on a bad table or override."""
    rules = []
    for path in settings.REMINDER_RULE_TABLES:
        rules.extend(import_string(path))
    overrides = dict(settings.REMINDER_WAITS)
    found = []
    for rule in rules:
        stages = []
        for stage in rule.stages:
            text = overrides.pop(f"{rule.key}.{stage.name}", None)
            if text is not None:
                stage = dataclasses.replace(stage, after=Wait.parse(text))
            stages.append(stage)
        found.append(dataclasses.replace(rule, stages=tuple(stages)))
    if overrides:
        raise ValueError(
            "REMINDER_WAITS names stages no rule has: " + ", ".join(sorted(overrides))
        )
    return found


def due_records(rule, stage, now, calendar):
    """The records for which ``stage`` of ``rule`` is due and not yet sent."""
    content_type = ContentType.objects.get_for_model(rule.get_model())
    cutoff = _cutoff(rule, stage, now, calendar)
    return (
        rule.waiting_records()
        .filter(**{f"{rule.since}__lte": cutoff})
        .filter(~Exists(rule.sent(stage, content_type)))
        .select_related(*rule.related())
        .order_by(rule.since, "pk")
    )


def sweep(now=None):
    """Send every stage that has fallen due and not been sent; returns how many."""
    now = now or timezone.now()
    calendar = WorkingCalendar.current()
    sent = 0
    for rule in load_rules():
        cutoffs = [(stage, _cutoff(rule, stage, now, calendar)) for stage in rule.stages]
        for index, stage in enumerate(rule.stages):
            later = cutoffs[index + 1 :]
            for record in due_records(rule, stage, now, calendar):
                try:
                    if send_stage(rule, stage, record, now=now, calendar=calendar, later=later):
                        sent += 1
                except Exception:
                    # One record's failure must not hold up everyone else's reminders;
                    # nothing of it was written, so the next sweep tries it again.
                    log.exception("Reminder %s.%s for %s failed", rule.key, stage.name, record.pk)
    return sent


def _cutoff(rule, stage, now, calendar):
    return stage.after.cutoff(now, calendar, dates=rule.since_is_date)


def _told_later(record, since, later):
    """Who a later stage, due now as well, tells about ``record``, and that stage's name.

    When a record is first seen long after its wait began (it was made with an old date,
    or the sweep did not run for a while), several stages fall due at once. Each person
    is told only the latest one meant for them: "the review is due on 4 October" is not
    sent beside "the review is overdue". Returns {user pk: stage name}.
    """
    told = {}
    for stage, cutoff in later:
        if stage.tell is None or since > cutoff:
            continue
        for user in _audience(stage, record)[0]:
            told[user.pk] = stage.name
    return told


def _audience(stage, record):
    """(users, fallback): who ``stage`` tells about ``record``; comms when nobody active."""
    users = list(stage.tell.users(record)) if stage.tell is not None else []
    fallback = stage.tell is not None and not any(user.is_active for user in users)
    if fallback:
        # A reminder nobody receives is a promise broken silently: tell comms.
        users = recipients.comms.users(record)
    return users, fallback


def describe_moment(value):
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        return formats.date_format(value, "l j F Y, H:i")
    return formats.date_format(value, "l j F Y")


def send_stage(rule, stage, record, *, now, calendar, later=()):
    """Write the ledger row and the notifications for one record, or nothing if another
    sweep has already done so. Returns True when this call sent it.

    ``later`` is the rule's later stages with their cut-offs: anyone a later stage due
    now tells is not told this one as well (``_told_later``). When that leaves nobody,
    the ledger row still closes this stage, naming the stage that took its place.
    """
    since = getattr(record, rule.since)
    due_at = stage.after.due_at(since, calendar)
    content_type = ContentType.objects.get_for_model(record)
    with transaction.atomic():
        # Someone may have acted on the record since the sweep read it.
        still_waiting = rule.waiting_records().filter(pk=record.pk, **{rule.since: since})
        if not still_waiting.exists():
            return False
        users, fallback = _audience(stage, record)
        told_later = _told_later(record, since, later) if stage.tell is not None else {}
        passed_to = ""
        if told_later:
            active = [user for user in users if user.is_active]
            users = [user for user in active if user.pk not in told_later]
            if not users:
                passed_to = told_later[active[0].pk] if active else ""
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    rule=rule.key,
                    stage=stage.name,
                    content_type=content_type,
                    object_id=record.pk,
                    episode=rule.episode(since),
                    due_at=due_at,
                    sent_at=now,
                    recipient_count=len({user.pk for user in users if user.is_active}),
                    passed_to=passed_to,
                )
        except IntegrityError:
            log.info("Reminder %s.%s for %s already sent", rule.key, stage.name, record.pk)
            return False
        if stage.run:
            import_string(stage.run)(record)
        if stage.tell is None:
            return True
        if passed_to:
            return False
        words = {
            "record": record,
            "wait": stage.after,
            "since": describe_moment(since),
            "due": describe_moment(due_at),
        }
        body = stage.body.format(**words)
        if fallback:
            body = (
                f"{body}\n\nThis would go to {stage.tell.label}, but there is nobody to "
                "send it to, so the communications team is told instead."
            ).strip()
        url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
        notify(
            recipients=users,
            kind=f"reminder.{rule.key}.{stage.name}"[:60],
            title=stage.title.format(**words),
            body=body,
            url=url,
            urgent=stage.urgent,
            reminder=True,
        )
    return True

"""System checks: a bad rule table or wait override stops the portal starting, with a
message that says what to fix, rather than a sweep failing quietly at night."""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist


def check_reminder_rules(app_configs=None, **kwargs):
    from portal.reminders.engine import load_rules
    from portal.reminders.table import Rule

    try:
        rules = load_rules()
    except (ImportError, ValueError, AttributeError) as error:
        return [checks.Error(f"Reminder rules could not be loaded: {error}", id="portal.E010")]
    errors = []
    seen = set()
    for rule in rules:
        if rule.key in seen:
            errors.append(
                checks.Error(f"Two reminder rules share the key {rule.key!r}.", id="portal.E011")
            )
        seen.add(rule.key)
        names = [stage.name for stage in rule.stages]
        if not names or len(set(names)) != len(names):
            errors.append(
                checks.Error(
                    f"Reminder rule {rule.key!r} needs stages with different names.",
                    id="portal.E012",
                )
            )
        try:
            model = rule.get_model()
        except LookupError:
            errors.append(
                checks.Error(
                    f"Reminder rule {rule.key!r}: no model {rule.model}.", id="portal.E013"
                )
            )
            continue
        try:
            model._meta.get_field(rule.since)
        except FieldDoesNotExist:
            if type(rule).waiting_records is Rule.waiting_records:
                errors.append(
                    checks.Error(
                        f"Reminder rule {rule.key!r}: {rule.model} has no field {rule.since!r}.",
                        id="portal.E014",
                    )
                )
            continue
        for stage in rule.stages:
            if rule.since_is_date and stage.after.in_working_time:
                errors.append(
                    checks.Error(
                        f"Reminder {rule.key}.{stage.name} counts working time from a date; "
                        "use days() or days_before() for a date.",
                        id="portal.E015",
                    )
                )
            if stage.tell is None and not stage.run:
                errors.append(
                    checks.Error(
                        f"Reminder {rule.key}.{stage.name} neither tells anyone nor runs a job.",
                        id="portal.E016",
                    )
                )
    return errors


def check_calendar_settings(app_configs=None, **kwargs):
    from django.conf import settings

    from portal.worktime import check_bank_holidays

    problem = check_bank_holidays(settings.BANK_HOLIDAYS)
    return [checks.Error(problem, id="portal.E020")] if problem else []

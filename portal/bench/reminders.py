"""The reminder sweep, timed against a bare indexed query for the same due rows.

Runs after every other plugin has built its records. One sweep first sends what is due
(as the first beat after a deployment would); the timed sweeps then find what is due
and see it already sent, which is the sweep's everyday work.
"""

from django.utils import timezone

from portal.bench import Job
from portal.reminders import engine
from portal.worktime import WorkingCalendar


def seed(ctx):
    ctx.shared["reminders_first_sweep"] = engine.sweep()


def measures(ctx):
    def sweep():
        engine.sweep()

    def bare():
        # The same due rows, asked of the same indexes, with nothing else done.
        now = timezone.now()
        calendar = WorkingCalendar.current()
        for rule in engine.load_rules():
            for stage in rule.stages:
                cutoff = stage.after.cutoff(now, calendar, dates=rule.since_is_date)
                list(
                    rule.waiting_records()
                    .filter(**{f"{rule.since}__lte": cutoff})
                    .values_list("pk", flat=True)
                )

    return [
        Job(
            "reminder sweep",
            sweep,
            reference=bare,
            note=f"first sweep sent {ctx.shared['reminders_first_sweep']} reminders",
        )
    ]

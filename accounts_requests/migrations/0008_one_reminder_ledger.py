"""Review reminders move onto the portal's reminder engine: its ledger (ReminderSent)
replaces AccountReminder. Review reminders already sent are copied across, so nobody is
reminded twice about the same review on the day this runs. (A figures reminder already
sent this month may go once more: its new ledger key is a moment of the working calendar,
which a migration cannot work out.)"""

import datetime

from django.db import migrations


def copy_review_reminders(apps, schema_editor):
    AccountReminder = apps.get_model("accounts_requests", "AccountReminder")
    ReminderSent = apps.get_model("portal", "ReminderSent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="accounts_requests", model="managedaccount"
    )
    stages = {
        "review_due": ("account.review", ("approaching", "overdue")),
        "re_review_due": ("account.re_review", ("due",)),
    }
    rows = []
    for old in AccountReminder.objects.filter(kind__in=stages).iterator():
        rule, names = stages[old.kind]
        episode = datetime.datetime.combine(old.due_on, datetime.time(0), tzinfo=datetime.UTC)
        for stage in names:
            rows.append(
                ReminderSent(
                    rule=rule,
                    stage=stage,
                    content_type=content_type,
                    object_id=old.account_id,
                    episode=episode,
                    due_at=episode,
                    sent_at=old.sent_at,
                    recipient_count=0,
                )
            )
    ReminderSent.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts_requests", "0007_review_due_date"),
        ("portal", "0002_reminder_ledger_and_policy_review"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_review_reminders, migrations.RunPython.noop),
        migrations.DeleteModel(name="AccountReminder"),
    ]

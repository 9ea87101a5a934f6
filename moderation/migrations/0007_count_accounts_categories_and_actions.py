from django.db import migrations


def fill(apps, schema_editor):
    # The counts now hold each account's categories and actions too: recount them all,
    # with the app's own rebuild, the same code that keeps the counts in step.
    from moderation.rollups import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_monthly_counts_by_account"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

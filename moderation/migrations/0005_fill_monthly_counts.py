from django.db import migrations


def fill(apps, schema_editor):
    # Counted by the app's own rebuild, the same code that keeps the counts in step.
    from moderation.rollups import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_monthly_counts"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

from django.db import migrations


def fill(apps, schema_editor):
    # The summary is derived by the app's own query (the one that keeps it in step
    # afterwards), so it is used here too rather than a copy that could drift from it.
    from accounts_requests.kpi.summary import refresh

    refresh()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts_requests", "0009_figures_summary"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    """One count of changes for each table instead of one for every table, so that a kept
    panel is redrawn only when a table it read has changed."""

    dependencies = [
        ("portal", "0006_data_version"),
    ]

    operations = [
        migrations.DeleteModel(name="DataVersion"),
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                ("name", models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name="table")),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "table version"},
        ),
    ]

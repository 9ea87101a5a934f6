from django.db import migrations, models


class Migration(migrations.Migration):
    """One count of changes for each watched table (``portal.freshness``), so that work
    kept between visits is redone only when a table it read has changed.

    Replaces two migrations made while the counts took shape (a single count for every
    table, then one a table); a database that has them both is taken as having this one.
    """

    replaces = [("portal", "0006_data_version"), ("portal", "0007_table_versions")]

    dependencies = [
        ("portal", "0005_session_with_user"),
    ]

    operations = [
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                (
                    "name",
                    models.CharField(
                        max_length=100, primary_key=True, serialize=False, verbose_name="table"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "table version"},
        ),
    ]

from django.db import models


class MonthlyCount(models.Model):
    """How many entries there were, by month and what they were about, for the reports.

    Derived from the log and never edited by hand: ``moderation.rollups`` adds each
    entry's counts in the same transaction as the entry, and takes them away again when
    an edit moves it. A million entries report in the time of a few hundred rows.

    ``account_id`` 0 holds the counts for every account together (the report's charts);
    a real account's id holds its entry, category and action counts (to find the busiest
    accounts and break their entries down).
    ``safeguarding`` splits each count so a safeguarding lead's report can count only
    the entries they may read.
    """

    class Dimension(models.TextChoices):
        ENTRIES = "entries", "Entries"
        CATEGORY = "category", "Category"
        ACTION = "action", "Action"
        STRAND = "strand", "Hate-crime strand"

    ALL_ACCOUNTS = 0

    month = models.DateField()
    account_id = models.BigIntegerField(default=ALL_ACCOUNTS)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=40, blank=True)
    safeguarding = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "account_id", "dimension", "value", "safeguarding"],
                name="one_count_per_key",
            ),
        ]
        indexes = [
            # An account's (or every account's) counts of a period, read from the index
            # alone: the rows of one account lie scattered through the table.
            models.Index(
                fields=["account_id", "dimension", "month"],
                include=["value", "safeguarding", "n"],
                name="monthly_count_idx",
            ),
            # The busiest accounts of a period, summed without visiting the table: only
            # the accounts' own entry counts, which is all that ranking reads.
            models.Index(
                fields=["month"],
                include=["account_id", "safeguarding", "n"],
                condition=models.Q(dimension="entries") & ~models.Q(account_id=0),
                name="monthly_count_busiest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.dimension}={self.value}: {self.n}"

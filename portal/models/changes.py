from django.db import models


class TableVersion(models.Model):
    """How many committed changes one of the portal's tables has had.

    Work a page keeps between visits (the home page's panels) is stored with the numbers
    of the tables it read and redone as soon as one of them has moved;
    ``portal.freshness`` moves a table's number after every transaction that wrote to it.
    """

    name = models.CharField("table", max_length=100, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "table version"

    def __str__(self):
        return f"{self.name}: {self.value}"

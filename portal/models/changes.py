from django.db import models


class DataVersion(models.Model):
    """One row counting the committed changes to the portal's records.

    Work a page keeps between visits (the home page's panels) is stored with the number
    it was made at and redone as soon as the number has moved; ``portal.freshness``
    moves it after every transaction that wrote to a watched table.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return str(self.value)

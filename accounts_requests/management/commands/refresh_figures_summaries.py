from django.core.management.base import BaseCommand
from django.db import transaction

from accounts_requests.kpi import summary


class Command(BaseCommand):
    help = "Rebuild every account's figures summary (after loading figures in bulk)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = summary.refresh()
        self.stdout.write(f"Refreshed the figures summary of {count} account(s).")

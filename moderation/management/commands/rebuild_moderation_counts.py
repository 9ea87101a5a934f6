from django.core.management.base import BaseCommand
from django.db import transaction

from moderation import rollups


class Command(BaseCommand):
    help = "Recount the moderation report's monthly counts from the log."

    def handle(self, *args, **options):
        with transaction.atomic():
            rows = rollups.rebuild()
        self.stdout.write(f"Rebuilt {rows} monthly count row(s).")

"""Re-encrypt every lodged secret with the newest key in CREDENTIAL_KEYS.

To rotate: put a new key at the front of CREDENTIAL_KEYS (keep the old ones after it),
restart, run this command, then remove the old keys. Running it again changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts_requests.services_vault import credentials_rotate


class Command(BaseCommand):
    help = "Re-encrypt every lodged login detail with the newest credential key."

    def handle(self, *args, **options):
        rotated, current, failed = credentials_rotate()
        self.stdout.write(
            f"Re-encrypted {rotated} lodged login detail(s) with the newest key; "
            f"{current} already used it."
        )
        if failed:
            raise CommandError(
                f"{len(failed)} could not be decrypted with any configured key and were left "
                f"as they are (accounts {', '.join(str(pk) for pk in failed)}). Add the missing "
                "key to CREDENTIAL_KEYS, or ask the teams to lodge those login details again."
            )

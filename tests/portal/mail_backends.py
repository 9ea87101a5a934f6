"""E-mail backends for tests, some of them used by Celery workers the tests start."""

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("The mail server went away.")


class RefusesDeadAddressesBackend(BaseEmailBackend):
    """A mail server that refuses mail to any address starting "dead." (a mailbox that is
    gone) and keeps the rest in ``django.core.mail.outbox``."""

    def send_messages(self, email_messages):
        from django.core import mail

        for message in email_messages:
            if any(address.startswith("dead.") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        mail.outbox.extend(email_messages)
        return len(email_messages)


class GatedFileBackend(FileBackend):
    """Writes each message to a file, but only once the gate is open.

    Before it waits it drops a marker in ``MAIL_GATE_DIR``, so a test knows a worker is
    in the middle of sending and can kill it there.
    """

    def send_messages(self, email_messages):
        gate = Path(os.environ["MAIL_GATE_DIR"])
        (gate / f"sending-{os.getpid()}-{time.monotonic_ns()}").touch()
        deadline = time.monotonic() + 120
        while not (gate / "open").exists():
            if time.monotonic() > deadline:
                raise smtplib.SMTPServerDisconnected("The gate never opened.")
            time.sleep(0.05)
        return super().send_messages(email_messages)


class RefusesTheSenderBackend(BaseEmailBackend):
    """A mail server that refuses the sender for good: nothing about any recipient."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPSenderRefused(550, b"Sender not allowed", "portal@nhs.example")

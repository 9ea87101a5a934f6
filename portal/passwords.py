"""Setting a new password by e-mail, for someone who has forgotten theirs.

The request page asks for an e-mail address and always answers the same way, whether or
not a sign-in uses it; the e-mail itself is written and sent by a worker, so the answer
takes as long either way and a slow mail server holds up nobody. Requests are limited per
address and per e-mail, so the page cannot be used to flood someone's inbox. The link
works once, and for ``PASSWORD_RESET_TIMEOUT`` seconds.

Whenever a password changes, by this route or on the "change your password" page, its
owner is told at once, so a change they did not make does not go unnoticed; a new
password set from the e-mail also ends every session the person had open.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.models import OrganisationProfile
from portal.notify import notify

log = logging.getLogger(__name__)

# Requests an hour that are acted on: for one e-mail address, and from one network
# address. Beyond them the page answers as usual and nothing is sent.
PER_EMAIL_PER_HOUR = 3
PER_ADDRESS_PER_HOUR = 20


def _counted(kind, value, limit):
    """Count one more request for ``value``; False once it is over ``limit`` this hour.
    A cache that is down counts nothing and refuses nothing."""
    key = f"portal:password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
    try:
        cache.add(key, 0, 60 * 60)
        return cache.incr(key) <= limit
    except Exception:  # a shared cache that is down must not stop a reset
        return True


def request_reset(email, *, address):
    """Send a link to set a new password to each active sign-in using ``email``, unless
    the limits are reached. Says nothing of whether any sign-in uses it."""
    email = email.strip().lower()
    by_email = _counted("email", email, PER_EMAIL_PER_HOUR)
    by_address = _counted("address", address or "-", PER_ADDRESS_PER_HOUR)
    if not (by_email and by_address):
        log.warning("Password reset requests over the hourly limit; nothing sent.")
        return
    from portal.tasks import send_password_reset

    try:
        send_password_reset.apply_async(args=[email], retry=False)
    except Exception:  # the broker is down: send it from here rather than not at all
        log.warning("Could not reach the task broker; sending the reset e-mail directly")
        send_reset(email)


def send_reset(email):
    """Write and send the e-mail with a link to set a new password to every active sign-in
    with a usable password that uses ``email``. Returns how many were sent."""
    org = OrganisationProfile.load()
    sent = 0
    for user in PasswordResetForm().get_users(email):
        path = reverse(
            "portal:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {
            "org": org,
            "user": user,
            "link": f"{settings.SITE_URL}{path}",
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }
        EmailMessage(
            subject=f"[{org.short_name}] Set a new password for the social media portal",
            body=render_to_string("emails/password_reset.txt", context),
            to=[user.email],
        ).send()
        sent += 1
    return sent


def password_changed(user, *, by_email_link):
    """Tell ``user`` at once that their password changed; after a reset from the e-mail,
    end every session they had open as well (they sign in afresh)."""
    if by_email_link:
        from portal.security import end_sessions

        end_sessions(user)
    how = "from the link in a password e-mail" if by_email_link else "while signed in"
    org = OrganisationProfile.load()
    notify(
        recipients=[user],
        kind="portal.password_changed",
        title="Your portal password was changed",
        body=(
            f"The password for your sign-in ({user.get_username()}) was changed {how}. "
            "If that was you, there is nothing more to do. If it was not, tell the "
            f"communications team straight away ({org.comms_email}): someone else may "
            "know your password or be able to read your e-mail."
        ),
        url=reverse("portal:password_change"),
        urgent=True,
    )

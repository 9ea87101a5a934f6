"""Setting a password by e-mail: for someone who has forgotten theirs, and for someone
just given a sign-in.

The request page asks for an e-mail address and always answers the same way, whether or
not a sign-in uses it; the e-mail itself is written and sent by a worker, so the answer
takes as long either way and a slow mail server holds up nobody. Requests are limited per
address and per e-mail, so the page cannot be used to flood someone's inbox. The link
works once, and for ``PASSWORD_RESET_TIMEOUT`` seconds.

Someone the communications team adds has no password until they choose one: they are
e-mailed their user name and the same kind of link, and until they first sign in they can
ask for a fresh link on the forgotten-password page. Their link works for
``INVITATION_DAYS``, not an hour, since they may not read the e-mail the day it comes; it
stops working once they have chosen a password.

Whenever a password changes, by this route or on the "change your password" page, its
owner is told at once, so a change they did not make does not go unnoticed; a new
password set from the e-mail also ends every session the person had open. For the same
reason, when the communications team changes the e-mail address of someone's sign-in, the
old address is told too: from then on password e-mails go to the new one.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from portal.models import OrganisationProfile, ResetRequest
from portal.notify import notify

log = logging.getLogger(__name__)

# Requests an hour that are acted on: for one e-mail address, and from one network
# address. Beyond them the page answers as usual and nothing is sent.
PER_EMAIL_PER_HOUR = 3
PER_ADDRESS_PER_HOUR = 20
RESET_WINDOW = datetime.timedelta(hours=1)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Links in invitations: signed apart from reset links (one is not taken for the
    other), valid for ``INVITATION_DAYS`` and only while the person has no password yet.
    Like a reset link, it stops working once a password is set or the e-mail address
    changes, since both are part of what is signed."""

    key_salt = "portal.passwords.InvitationTokenGenerator"

    def check_token(self, user, token):
        # Django's own check limits every link to PASSWORD_RESET_TIMEOUT; this one checks
        # the signature the same way, against the current and the fallback keys.
        if not (user and token and user.awaits_first_password):
            return False
        try:
            made = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - made
        if not 0 <= age <= settings.INVITATION_DAYS * 24 * 60 * 60:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, made, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()


def _counted(kind, value, limit):
    """Count one more request for ``value``; False once it is over ``limit`` this hour.
    Counted in the database, so every web process sees the same count; requests older
    than the hour go as the next one for the same value is counted."""
    key = salted_hmac("portal.password-reset", f"{kind}:{value}").hexdigest()
    now = timezone.now()
    counted = ResetRequest.objects.filter(kind=kind, key=key)
    counted.filter(at__lte=now - RESET_WINDOW).delete()
    ResetRequest.objects.create(kind=kind, key=key, at=now)
    return counted.count() <= limit


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

    _by_worker(send_password_reset, email, otherwise=send_reset)


def _by_worker(task, *arguments, otherwise):
    """Hand ``arguments`` to ``task``; if the broker is down, call ``otherwise`` from here
    rather than send nothing."""
    try:
        task.apply_async(args=list(arguments), retry=False)
    except Exception:
        log.warning("Could not reach the task broker; %s runs here instead", task.name)
        otherwise(*arguments)


def people_using(email):
    """The active sign-ins using ``email`` that may set a password by e-mail: those with
    a password, and those added in the portal who have not chosen theirs yet (no password
    and never signed in)."""
    return [
        user
        for user in get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)
        if user.has_usable_password() or user.awaits_first_password
    ]


def _send(user, *, subject, template, org, invitation=False):
    tokens = invitation_tokens if invitation else default_token_generator
    path = reverse(
        "portal:invitation_accept" if invitation else "portal:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": tokens.make_token(user),
        },
    )
    context = {
        "org": org,
        "user": user,
        "link": f"{settings.SITE_URL}{path}",
        "ask_again": f"{settings.SITE_URL}{reverse('portal:password_reset')}",
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "days": settings.INVITATION_DAYS,
    }
    EmailMessage(
        subject=f"[{org.short_name}] {subject}",
        body=render_to_string(template, context),
        to=[user.email],
    ).send()


def send_reset(email):
    """Send the e-mail with a link to set a new password to every sign-in
    ``people_using`` ``email``. Returns how many were sent."""
    org = OrganisationProfile.load()
    people = people_using(email)
    for user in people:
        _send(
            user,
            subject="Set a new password for the social media portal",
            template="emails/password_reset.txt",
            org=org,
        )
    return len(people)


def invite(user_id):
    """Ask a worker to welcome someone just added (``send_invitation``); from here if the
    broker is down. They can always ask for a fresh link on the forgotten-password page."""
    from portal.tasks import send_invitation

    _by_worker(send_invitation, user_id, otherwise=send_invitation_now)


def send_invitation_now(user_id):
    """E-mail a person just added their user name and a link to choose a password, unless
    they have one already or have left. Returns whether it was sent."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.awaits_first_password:
        return False
    _send(
        user,
        subject="Your sign-in to the social media portal",
        template="emails/invitation.txt",
        org=OrganisationProfile.load(),
        invitation=True,
    )
    return True


def password_changed(user, *, by_email_link, first=False):
    """Tell ``user`` at once that their password changed (or, ``first``, was chosen from
    their invitation); after a reset from the e-mail, end every session they had open as
    well (they sign in afresh)."""
    if by_email_link:
        from portal.security import end_sessions

        end_sessions(user)
    org = OrganisationProfile.load()
    if first:
        title = "Your portal password was chosen"
        what = "was chosen from the link in your invitation"
    else:
        how = "from the link in a password e-mail" if by_email_link else "while signed in"
        title = "Your portal password was changed"
        what = f"was changed {how}"
    notify(
        recipients=[user],
        kind="portal.password_changed",
        title=title,
        body=(
            f"The password for your sign-in ({user.get_username()}) {what}. "
            "If that was you, there is nothing more to do. If it was not, tell the "
            f"communications team straight away ({org.comms_email}): someone else may "
            "know your password or be able to read your e-mail."
        ),
        url=reverse("portal:password_change"),
        urgent=True,
    )


def tell_old_address(user_id, old_email):
    """Ask a worker to tell ``old_email`` that user ``user_id``'s sign-in no longer uses
    it (``send_old_address_notice``); from here if the broker is down."""
    from portal.tasks import send_old_address_notice

    _by_worker(send_old_address_notice, user_id, old_email, otherwise=send_old_address_notice_now)


def send_old_address_notice_now(user_id, old_email):
    """E-mail ``old_email`` that the sign-in of user ``user_id`` now has another address,
    without saying which. Returns whether it was sent (not when the address is the
    sign-in's own again, or the person has left)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email.strip().lower() == old_email.strip().lower():
        return False
    org = OrganisationProfile.load()
    EmailMessage(
        subject=f"[{org.short_name}] Your portal sign-in no longer uses this address",
        body=render_to_string("emails/address_changed.txt", {"org": org, "user": user}),
        to=[old_email],
    ).send()
    return True

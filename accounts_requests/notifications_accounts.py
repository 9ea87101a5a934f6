"""Who hears about an account's set-up and security, and what they are told.

Never a secret: these become e-mails. Ordinary news waits for office hours; a suspected
compromise goes at once.
"""

from django.utils import timezone

from portal import selectors
from portal.moments import local_day, local_time
from portal.notify import notify
from portal.worktime import WorkingCalendar


def _office_hours():
    """``send_after`` for ordinary news: now in office hours, else when they next begin."""
    now = timezone.now()
    start = WorkingCalendar.current().next_office_start(now)
    return None if start <= now else start


def _describe(account):
    handle = f", {account.handle}" if account.handle else ""
    return f"{account.name} ({account.get_platform_display()}{handle})"


def setup_ready(account, *, actor):
    return notify(
        recipients=selectors.comms_users(),
        kind="account.setup_ready",
        title=f"Ready to verify: {account.name}",
        body=f"{account.team} has completed the set-up checklist for {_describe(account)}. "
        "Check it and make the account active.",
        url=account.get_absolute_url(),
        actor=actor,
        send_after=_office_hours(),
    )


def account_verified(account, *, actor):
    return notify(
        recipients=selectors.team_users(account.team_id),
        kind="account.verified",
        title=f"Your account is live: {account.name}",
        body=f"{actor} has verified the set-up of {_describe(account)}. It is now listed on "
        "the trust's public register of official accounts.",
        url=account.get_absolute_url(),
        actor=actor,
        send_after=_office_hours(),
    )


def notice_filed(notice, *, actor):
    account = notice.account
    late = " (reported late)" if notice.is_late else ""
    return notify(
        recipients=selectors.comms_users(),
        kind="account.notice_filed",
        title=f"Login details changed: {account.name}{late}",
        body=f"{actor} reports a change to {_describe(account)}: "
        f"{notice.get_what_changed_display()}, because: {notice.get_reason_display()}. "
        "Please acknowledge it.",
        url=notice.get_absolute_url(),
        actor=actor,
        send_after=_office_hours(),
    )


def compromise_reported(notice, *, actor, suspended):
    account, reported = notice.account, notice.reported_at
    if suspended:
        outcome = (
            "The account has been suspended and taken off the public register of official "
            "accounts until the communications team resolves the incident."
        )
    else:
        outcome = (
            f"The account is '{account.get_state_display()}', so it was not suspended; it is "
            "off the public register while the incident is open."
        )
    return notify(
        recipients=[*selectors.comms_users(), *selectors.heads_of_comms()],
        kind="account.compromise",
        title=f"Suspected compromise: {account.name}",
        body=f"{actor} reported at {local_time(reported)} on {local_day(reported)} "
        f"that {_describe(account)} may have been hacked or has posts the team did not write. "
        f"{outcome} Act now: this alert is not held to office hours.",
        url=account.get_absolute_url(),
        urgent=True,
        actor=actor,
    )


def notice_acknowledged(notice, *, actor):
    return notify(
        recipients=[notice.filed_by],
        kind="account.notice_acknowledged",
        title=f"Notice acknowledged: {notice.account.name}",
        body=f"{actor} has acknowledged your notice of a change to the "
        f"{notice.get_what_changed_display().lower()}.",
        url=notice.get_absolute_url(),
        actor=actor,
        send_after=_office_hours(),
    )


def incident_resolved(account, *, actor, note):
    return notify(
        recipients=[*selectors.team_users(account.team_id), *selectors.heads_of_comms()],
        kind="account.incident_resolved",
        title=f"Incident resolved: {account.name}",
        body=f"{actor} has resolved the security incident on {_describe(account)}. "
        f"The account is '{account.get_state_display()}'.\n\nNote: {note}",
        url=account.get_absolute_url(),
        actor=actor,
        send_after=_office_hours(),
    )


def rotation_raised(task):
    account = task.account
    return notify(
        recipients=[*selectors.team_managers(account.team_id), *selectors.comms_users()],
        kind="account.rotation_raised",
        title=f"Change the login details: {account.name}",
        body=f"{task.departed_user} no longer works here and could get into "
        f"{_describe(account)}. Change the account's password, then file a notice of the "
        "change with the new login details.",
        url=account.get_absolute_url(),
        send_after=_office_hours(),
    )


def reveals_throttled(account, *, actor):
    return notify(
        recipients=selectors.heads_of_comms(),
        kind="account.reveal_throttled",
        title="Repeated wrong passwords when revealing login details",
        body=f"{actor} entered a wrong password several times while trying to reveal the "
        f"login details of {_describe(account)}. Revealing is paused for them for a while.",
        url=account.get_absolute_url(),
        actor=actor,
    )

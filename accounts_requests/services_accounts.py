"""Changes to managed accounts: registering one, its set-up checklist, verification and
the end of a security incident.

Each service locks the account row first, so two people changing the same account are
served one after the other; each records what happened on the account's timeline and
writes its notifications in the same transaction (they are e-mailed after the commit).
"""

from django.db import transaction
from django.utils import timezone

from accounts_requests import checklist, notifications_accounts, rules
from accounts_requests.models import (
    AccountModerator,
    AccountSetup,
    ManagedAccount,
    SecurityIncident,
)
from accounts_requests.workflow import (
    locked_account,
    record_event,
    refuse_if_closed,
    run_account_transition,
)
from portal import rules as portal_rules
from portal.opened import merge as merge_answers
from portal.services.errors import ActionConflict, ActionError, ActionRefused


class SetupIncomplete(ActionError):
    """The checklist is not complete; ``errors`` maps each item to what it still needs."""


# The fields of an account a registration may set.
REGISTER_FIELDS = (
    "platform",
    "name",
    "handle",
    "url",
    "target_followers",
    "target_posts_per_month",
    "target_engagement_rate",
    "target_reply_hours",
)


def setup_of(account):
    """The account's set-up record, made on first use."""
    setup, _ = AccountSetup.objects.get_or_create(account=account)
    return setup


def _setup_incomplete(account):
    def error():
        missing = checklist.missing(account)
        return SetupIncomplete(
            "The set-up checklist is not complete, so the account cannot go live yet. "
            "Still to do: " + " ".join(missing),
            errors={str(i): text for i, text in enumerate(missing)},
        )

    return error


def managed_account_register(*, actor, team, data):
    """Add an account that did not come through a proposal: a corporate account of the
    communications team, or a team's account that existed before the portal.

    It starts in set-up, like an approved proposal's account.
    """
    if not rules.can_register_account(actor):
        raise ActionRefused("Only the communications team can register an account.")
    with transaction.atomic():
        account = ManagedAccount(team=team)
        for name in REGISTER_FIELDS:
            if name in data:
                setattr(account, name, data[name])
        account._change_reason = "registered"
        account.save()
        AccountSetup.objects.create(account=account)
        record_event(account, actor=actor, action="registered", from_state="")
    return account


def setup_answers(account, setup):
    """What the set-up form shows, as it is saved (``portal.opened``)."""
    return {
        "handle": account.handle,
        "url": account.url,
        "comms_admin": bool(setup and setup.comms_admin_confirmed),
        "verified_badge": bool(setup and setup.verified_badge),
    }


SETUP_LABELS = {
    "handle": "the handle",
    "url": "the address",
    "comms_admin": "the communications team's admin rights",
    "verified_badge": "the verified badge",
}


def account_setup_update(
    *, actor, account_id, handle, url, comms_admin, verified_badge, opened=None
):
    """Save the team's set-up answers. Returns (account, labels of what changed).

    The handle and address can be set here only while the account is being set up; after
    that a change of handle is reported with a credential-change notice. ``opened`` is the
    page's stamp of what it showed (``portal.opened``): an answer left as it was keeps
    what is saved now; one someone else changed too is refused.
    """
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_edit_setup(account, actor):
            raise ActionRefused("You cannot change the set-up of this account.")
        setup = setup_of(account)
        sent = {"comms_admin": comms_admin, "verified_badge": verified_badge}
        sent.update(
            (name, value)
            for name, value in (("handle", handle), ("url", url))
            if value is not None
        )
        answers = merge_answers(opened, setup_answers(account, setup), sent, labels=SETUP_LABELS)
        if handle is not None:
            handle = answers["handle"]
        if url is not None:
            url = answers["url"]
        comms_admin, verified_badge = answers["comms_admin"], answers["verified_badge"]
        now = timezone.now()
        changed = []
        if account.state == ManagedAccount.State.SETTING_UP:
            for name, value in (("handle", handle), ("url", url)):
                if value is not None and getattr(account, name) != value:
                    setattr(account, name, value)
                    changed.append(name)
        if comms_admin != setup.comms_admin_confirmed:
            setup.comms_admin_confirmed_by = actor if comms_admin else None
            setup.comms_admin_confirmed_at = now if comms_admin else None
            changed.append("communications team admin rights")
        if verified_badge != setup.verified_badge:
            setup.verified_badge = verified_badge
            setup.badge_confirmed_by = actor if verified_badge else None
            setup.badge_confirmed_at = now if verified_badge else None
            changed.append("verified badge")
        if not changed:
            return account, []
        if {"handle", "url"} & set(changed):
            account._change_reason = "set-up details"
            account.save(update_fields=["handle", "url"])
        setup._change_reason = "set-up details"
        setup.save()
        record_event(account, actor=actor, action="setup_updated", changed_fields=changed)
        _tell_comms_when_ready(account, setup, actor=actor)
    return account, changed


def account_moderator_add(*, actor, account_id, user, role):
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_edit_setup(account, actor):
            raise ActionRefused("You cannot change who moderates this account.")
        if not user.is_active or not portal_rules.is_member_of(user, account.team_id):
            raise ActionError(
                f"{user} is not an active member of {account.team}.",
                errors={"user": f"Choose someone in {account.team}."},
            )
        if AccountModerator.objects.filter(account=account, user=user).exists():
            raise ActionError(
                f"{user} is already named on this account.",
                errors={"user": f"{user} is already named on this account."},
            )
        named = AccountModerator.objects.create(
            account=account, user=user, role=role, added_by=actor, added_at=timezone.now()
        )
        record_event(
            account,
            actor=actor,
            action="moderator_added",
            comment=f"{user} ({named.get_role_display()})",
        )
        _tell_comms_when_ready(account, setup_of(account), actor=actor)
    return named


def account_moderator_remove(*, actor, account_id, moderator_id):
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_edit_setup(account, actor):
            raise ActionRefused("You cannot change who moderates this account.")
        try:
            named = AccountModerator.objects.select_related("user").get(
                pk=moderator_id, account=account
            )
        except AccountModerator.DoesNotExist:
            raise ActionConflict("That person is no longer named on this account.") from None
        named._change_reason = f"removed by {actor}"
        named.delete()
        record_event(account, actor=actor, action="moderator_removed", comment=str(named.user))
        _tell_comms_when_ready(account, setup_of(account), actor=actor)
    return account


def account_verify(*, actor, account_id, comment=""):
    """The communications team checks the set-up and the account goes live."""
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_verify_setup(account, actor):
            raise ActionRefused("Only the communications team can verify a set-up.")
        if SecurityIncident.objects.open().filter(account=account).exists():
            raise ActionConflict(
                "A suspected compromise is open on this account. Resolve it before making "
                "the account active."
            )
        run_account_transition(
            account,
            actor=actor,
            name="verify_setup",
            comment=comment,
            unmet=_setup_incomplete(account),
        )
        notifications_accounts.account_verified(account, actor=actor)
    return account


def incident_resolve(*, actor, account_id, note):
    """Close the account's open security incident and, if it was suspended, reactivate it."""
    note = (note or "").strip()
    if not note:
        raise ActionError(
            "Say how the incident was resolved: a note is needed.",
            errors={"comment": "Write what was done to resolve it."},
        )
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_resolve_incident(account, actor):
            raise ActionRefused("Only the communications team can resolve an incident.")
        incident = SecurityIncident.objects.select_for_update().open().filter(account=account)
        incident = incident.first()
        suspended = account.state == ManagedAccount.State.SUSPENDED
        if not suspended and incident is None:
            raise ActionConflict("There is no open incident on this account. Nothing was changed.")
        if suspended:
            run_account_transition(account, actor=actor, name="resolve", comment=note)
        if incident is not None:
            incident.resolved_by = actor
            incident.resolved_at = timezone.now()
            incident.resolution_note = note
            incident._change_reason = "resolved"
            incident.save()
            if not suspended:
                record_event(account, actor=actor, action="incident_resolved", comment=note)
        notifications_accounts.incident_resolved(account, actor=actor, note=note)
    return account


def setups_recheck(*, user):
    """Look again at the set-ups in progress that name ``user`` (who has just left)."""
    named = AccountModerator.objects.filter(
        user=user, account__state=ManagedAccount.State.SETTING_UP
    ).values("account_id")
    with transaction.atomic():
        for account in ManagedAccount.objects.filter(pk__in=named).select_related("setup"):
            _tell_comms_when_ready(account, setup_of(account), actor=None)


def _tell_comms_when_ready(account, setup, *, actor):
    """Tell the communications team once when a set-up checklist becomes complete, and
    take it off their list of set-ups ready to verify if it stops being complete (a named
    moderator removed, say), to be told again when it is complete again."""
    if account.state != ManagedAccount.State.SETTING_UP:
        return
    complete = checklist.is_complete(account)
    if complete and not setup.ready_notified_at:
        AccountSetup.objects.filter(pk=setup.pk).update(ready_notified_at=timezone.now())
        notifications_accounts.setup_ready(account, actor=actor)
    elif setup.ready_notified_at and not complete:
        AccountSetup.objects.filter(pk=setup.pk).update(ready_notified_at=None)

"""Who may do what, asked of one place.

Answers are cached on the user object, which lives for one request, so a page that asks
many times costs one query.
"""

from django.db.models import Q

COMMS_PERM = "portal.act_as_comms"
HEAD_PERM = "portal.act_as_head_of_comms"
AUDIT_PERM = "portal.audit_everything"
SAFEGUARDING_PERM = "portal.receive_safeguarding"
# The roles that reach beyond a person's own team.
ROLE_PERMS = (COMMS_PERM, HEAD_PERM, AUDIT_PERM, SAFEGUARDING_PERM)


def _signed_in(user):
    return bool(user and user.is_authenticated and user.is_active)


def is_comms(user):
    return _signed_in(user) and user.has_perm(COMMS_PERM)


def is_head_of_comms(user):
    return _signed_in(user) and user.has_perm(HEAD_PERM)


def is_auditor(user):
    """Reads everything, changes nothing."""
    return _signed_in(user) and user.has_perm(AUDIT_PERM) and not user.has_perm(COMMS_PERM)


def is_safeguarding_lead(user):
    return _signed_in(user) and user.has_perm(SAFEGUARDING_PERM)


def can_change_person(actor, person, roles):
    """Whether ``actor`` may correct ``person``'s name or e-mail address or deactivate
    them. ``roles`` are the ``ROLE_PERMS`` the person holds (``selectors.roles_held``).

    A person's address is where their password reset goes, so whoever changes it can take
    over their sign-in. The communications team changes staff; only the head of
    communications changes someone who holds a role (a comms officer, an auditor, the
    safeguarding lead); a head of communications, like anyone who may use the Django admin,
    is changed only in the admin, by an administrator. Anyone in the communications team
    may correct their own name and address (deactivating themselves is refused
    elsewhere).
    """
    if not is_comms(actor) or person.is_superuser or person.is_staff:
        return False
    if person.pk == actor.pk:  # their own name and address take over nobody's sign-in
        return True
    if HEAD_PERM in roles:
        return False
    return is_head_of_comms(actor) if roles else True


def sees_everything(user):
    return _signed_in(user) and (user.has_perm(COMMS_PERM) or user.has_perm(AUDIT_PERM))


def _memberships(user):
    if not _signed_in(user):
        return {}
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        from portal.models import Membership

        cached = dict(
            Membership.objects.filter(user=user, team__is_active=True).values_list(
                "team_id", "role"
            )
        )
        user._portal_memberships = cached
    return cached


def forget(user):
    """Drop what was cached on the user, after their memberships or groups change."""
    for attr in ("_portal_memberships", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def team_ids(user):
    return frozenset(_memberships(user))


def managed_team_ids(user):
    from portal.models import Membership

    return frozenset(
        t for t, role in _memberships(user).items() if role == Membership.Role.MANAGER
    )


def is_member_of(user, team_id):
    return team_id in _memberships(user)


def is_manager_of(user, team_id):
    return team_id in managed_team_ids(user)


def is_team_member(user):
    return bool(_memberships(user))


def team_scope(user, field="team"):
    """A filter limiting a queryset to the teams the user belongs to."""
    return Q(**{f"{field}__in": team_ids(user)})


# The site's own features: playbook and slides, training requests, concerns.


def can_edit_content(user):
    """Write drafts of the playbook and the slides, and publish them."""
    return is_comms(user)


def can_see_speaker_notes(user):
    return is_comms(user)


def can_read_versions(user, kind):
    """Earlier versions and what changed. The slides' versions hold the speaker notes,
    so only those who see everything read them; the playbook's are for all staff."""
    from portal.models import Document

    if kind == Document.Kind.SLIDES:
        return sees_everything(user)
    return _signed_in(user)


def can_see_readership(user):
    """Who has and has not confirmed reading the playbook."""
    return sees_everything(user)


def can_request_training(user):
    return _signed_in(user)


def can_arrange_training(record, user):
    return is_comms(user)


def can_cancel_training(record, user):
    if is_comms(user):
        return True
    if record.team_id:
        return is_member_of(user, record.team_id)
    return _signed_in(user) and record.requested_by_id == user.pk


def can_report_concern(user):
    return _signed_in(user)


def can_triage_concern(record, user):
    return is_comms(user)


def can_take_on_safeguarding(user):
    """Taking on a report that someone may be at risk, and saying what became of it, is
    the safeguarding lead's: they are told of each one at once."""
    return is_safeguarding_lead(user)


def can_read_safeguarding_outcome(user):
    """What the safeguarding lead did about a report: theirs, comms' and auditors' to
    read; the reporter reads only who took it on."""
    return sees_everything(user) or is_safeguarding_lead(user)


def can_read_concern_notes(concern, user):
    """What comms wrote on a report's timeline. On a colleague's own post it is about the
    colleague (their manager, an investigation) and stays with comms and auditors."""
    return not concern.private_notes or sees_everything(user)


def can_see_concern_queue(user):
    return sees_everything(user)

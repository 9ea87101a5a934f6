"""Who may act on proposals and accounts.

Used three ways: as the transitions' ``permission=``, by the services, and to decide
which buttons a page shows. Scoping of what a user may see lives in each model's
``visible_to`` queryset, built on ``portal.rules``.
"""

from portal import rules as portal_rules


def is_manager_of_team(user, record):
    return portal_rules.is_manager_of(user, record.team_id)


def can_propose(user):
    return portal_rules.is_team_member(user)


def can_edit(proposal, user):
    return proposal.is_editable and portal_rules.is_member_of(user, proposal.team_id)


def can_submit(proposal, user):
    return portal_rules.is_member_of(user, proposal.team_id)


def can_endorse(proposal, user):
    return portal_rules.is_manager_of(user, proposal.team_id)


def can_review(proposal, user):
    return portal_rules.is_comms(user)


def can_withdraw(proposal, user):
    return portal_rules.is_member_of(user, proposal.team_id)


def can_see_queue(user):
    return portal_rules.sees_everything(user)


# Set-up and security: the account register, set-up checklist, credential vault and
# credential-change notices.


def _works_on(account, user):
    """The account's own team, or the communications team (back-up admins of every account)."""
    return portal_rules.is_member_of(user, account.team_id) or portal_rules.is_comms(user)


def _is_open(account):
    return account.state != "closed"


def can_see_register(user):
    return portal_rules.sees_everything(user) or portal_rules.is_team_member(user)


def can_register_account(user):
    """Add an account that did not come from a proposal: corporate or pre-existing."""
    return portal_rules.is_comms(user)


def can_edit_setup(account, user):
    return _is_open(account) and _works_on(account, user)


def can_verify_setup(account, user):
    return portal_rules.is_comms(user)


def can_lodge_credentials(account, user):
    return _is_open(account) and _works_on(account, user)


def can_reveal_credentials(account, user):
    """Only the communications team; auditors read the audit but never the secret.

    Still possible while a closure is proposed (the exit checklist needs the login to
    delete or hand back the platform account), never once it is closed: by then the
    login details have been revoked and nobody has a reason to read them.
    """
    return _is_open(account) and portal_rules.is_comms(user)


def can_see_failed_reveals(account, user):
    return portal_rules.sees_everything(user)


def can_file_notice(account, user):
    return _is_open(account) and _works_on(account, user)


def can_report_compromise(account, user):
    return _is_open(account) and _works_on(account, user)


def can_acknowledge_notices(account, user):
    return _is_open(account) and portal_rules.is_comms(user)


def can_acknowledge_notice(notice, user):
    return can_acknowledge_notices(notice.account, user)


def can_resolve_incident(account, user):
    return _is_open(account) and portal_rules.is_comms(user)


# KPI figures, reviews and closure. States are compared by value: the models import this
# module, so it cannot import them.

LIVE_ACCOUNT_STATES = (
    "active",
    "under_review",
    "improvement_plan",
    "closure_proposed",
    "suspended",
)


def can_see_performance(user):
    """The overview of every account's health is for those who see every account."""
    return portal_rules.sees_everything(user)


def can_edit_health_rules(user):
    return portal_rules.is_comms(user)


def can_enter_figures(account, user):
    return account.state in LIVE_ACCOUNT_STATES and (
        portal_rules.is_comms(user) or portal_rules.is_member_of(user, account.team_id)
    )


def can_import_for_several_accounts(user):
    return portal_rules.is_comms(user)


def can_change_targets(account, user):
    return account.state != "closed" and portal_rules.is_comms(user)


def can_run_reviews(account, user):
    return portal_rules.is_comms(user)


def can_propose_closure(account, user):
    """Comms may propose it from a review or for inappropriate content; a team's manager
    may ask for their own account to close."""
    if portal_rules.is_comms(user):
        return True
    return account.state in ("active", "improvement_plan") and portal_rules.is_manager_of(
        user, account.team_id
    )


def can_cancel_closure(account, user):
    return portal_rules.is_comms(user)


def can_sign_off_closure(account, user):
    return portal_rules.is_head_of_comms(user)


def can_work_exit_checklist(account, user):
    return account.state == "closure_proposed" and (
        portal_rules.is_comms(user) or portal_rules.is_member_of(user, account.team_id)
    )


def can_respond_to_review(account, user):
    return account.state != "closed" and (
        portal_rules.is_comms(user) or portal_rules.is_member_of(user, account.team_id)
    )

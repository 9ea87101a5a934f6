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

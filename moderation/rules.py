"""Who may use the moderation log.

The communications team (and its head) keep the log; auditors read all of it; the
safeguarding lead reads the entries flagged as a safeguarding concern, so referrals
can be followed up. Team members and other staff do not see the log: it holds
commenters' personal data, which only those who need it may see.
"""

from portal import rules as portal_rules


def can_write(user):
    return portal_rules.is_comms(user)


def can_read_everything(user):
    return portal_rules.sees_everything(user)


def is_safeguarding_reader(user):
    return portal_rules.is_safeguarding_lead(user) and not can_read_everything(user)


def can_read_log(user):
    return can_read_everything(user) or portal_rules.is_safeguarding_lead(user)


# A flagged entry is taken on by the same people as a staff report.
can_take_on_safeguarding = portal_rules.can_take_on_safeguarding


def can_edit_entry(entry, user):
    return can_write(user)


def can_manage_taxonomy(user):
    return can_write(user)


def can_read_plans(user):
    """Management plans are about a person, not a referral: the full readers only."""
    return can_read_everything(user)


def can_read_rights_requests(user):
    """The record of requests about people's data and what answered them: whoever reads
    the whole log, information governance (auditors) among them."""
    return can_read_everything(user)


def can_handle_rights_requests(user):
    """Logging a request about a person's data, correcting and closing it: the
    communications team, who keep the log. Auditors read the record and change none of
    it."""
    return can_write(user)


def can_export_subject_access(user):
    """Taking a commenter's export answers their request for a copy: those who handle the
    requests."""
    return can_handle_rights_requests(user)


def can_export_log(user):
    return can_read_log(user)


def can_erase_commenter(user):
    """Removing what is held about a commenter before its time cannot be undone: the head
    of communications decides."""
    return portal_rules.is_head_of_comms(user)


def can_refuse_rights_request(user, request):
    """Refusing an erasure request is the decision of whoever could grant it: the head of
    communications. A request of another kind may be refused by whoever handles it."""
    return can_handle_rights_requests(user) and (
        request.kind != request.Kind.ERASURE or can_erase_commenter(user)
    )

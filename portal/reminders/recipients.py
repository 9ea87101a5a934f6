"""Who a stage tells.

Each kind answers two questions: who to tell about one record (``users``), and, for one
person's view of what is coming, which records they would be told about
(``filter_for(user)``: a ``Q`` on the rule's model, or None for none at all). Combine
with ``+``: ``team() + comms`` tells both.
"""

from django.db.models import Q

from portal import rules, selectors

__all__ = ["comms", "heads_of_comms", "person", "safeguarding_leads", "team", "team_managers"]

# Every record. Not Q(): an empty Q vanishes when combined with |, and "everything or
# these" must stay everything.
EVERY_RECORD = Q(pk__isnull=False)


class Recipients:
    label = ""

    def users(self, record):
        raise NotImplementedError

    def filter_for(self, user):
        raise NotImplementedError

    def __add__(self, other):
        return _Both(self, other)

    def __str__(self):
        return self.label


class _Comms(Recipients):
    label = "the communications team"

    def users(self, record):
        return list(selectors.comms_users())

    def filter_for(self, user):
        return EVERY_RECORD if rules.is_comms(user) else None


class _HeadsOfComms(Recipients):
    label = "the head of communications"

    def users(self, record):
        return list(selectors.heads_of_comms())

    def filter_for(self, user):
        return EVERY_RECORD if rules.is_head_of_comms(user) else None


class _SafeguardingLeads(Recipients):
    label = "the safeguarding lead"

    def users(self, record):
        return list(selectors.safeguarding_leads())

    def filter_for(self, user):
        return EVERY_RECORD if rules.is_safeguarding_lead(user) else None


class _TeamManagers(Recipients):
    label = "the team's managers"

    def __init__(self, field):
        self.field = field

    def users(self, record):
        team = resolve(record, self.field)
        return list(selectors.team_managers(team.pk)) if team is not None else []

    def filter_for(self, user):
        managed = rules.managed_team_ids(user)
        return Q(**{f"{self.field}__in": managed}) if managed else None


class _Team(Recipients):
    label = "the team"

    def __init__(self, field):
        self.field = field

    def users(self, record):
        team = resolve(record, self.field)
        return list(selectors.team_users(team.pk)) if team is not None else []

    def filter_for(self, user):
        teams = rules.team_ids(user)
        return Q(**{f"{self.field}__in": teams}) if teams else None


class _Person(Recipients):
    def __init__(self, field, label, otherwise):
        self.field = field
        self.label = label or f"the {field.replace('_', ' ')}"
        self.otherwise = otherwise
        if otherwise is not None:
            self.label = f"{self.label}, or else {otherwise.label}"

    def users(self, record):
        person = resolve(record, self.field)
        if person is not None and person.is_active:
            return [person]
        return self.otherwise.users(record) if self.otherwise is not None else []

    def filter_for(self, user):
        mine = Q(**{self.field: user}) if user.is_authenticated else None
        if self.otherwise is None:
            return mine
        theirs = self.otherwise.filter_for(user)
        if theirs is not None:
            # As ``users``: nobody there, or someone who has left.
            gone = Q(**{f"{self.field}__isnull": True}) | Q(**{f"{self.field}__is_active": False})
            theirs = gone & theirs
        return _either(mine, theirs)


class _Both(Recipients):
    def __init__(self, first, second):
        self.first, self.second = first, second
        self.label = f"{first.label} and {second.label}"

    def users(self, record):
        return [*self.first.users(record), *self.second.users(record)]

    def filter_for(self, user):
        return _either(self.first.filter_for(user), self.second.filter_for(user))


def resolve(record, path):
    """``record.account.team`` for the path ``account__team``."""
    for name in path.split("__"):
        record = getattr(record, name)
        if record is None:
            return None
    return record


def _either(first, second):
    if first is None:
        return second
    if second is None:
        return first
    return first | second


comms = _Comms()
heads_of_comms = _HeadsOfComms()
safeguarding_leads = _SafeguardingLeads()


def team_managers(field="team"):
    """The managers of the record's team (``field`` names the foreign key to the team)."""
    return _TeamManagers(field)


def team(field="team"):
    """Everyone in the record's team, managers included."""
    return _Team(field)


def person(field, *, label="", otherwise=None):
    """The user in ``field`` (the applicant, the reviewer); ``otherwise`` when it is empty."""
    return _Person(field, label, otherwise)

"""The declared table of who may open every URL in the project.

``tests/test_url_access.py`` walks the URL table itself and asks every route as every
role; each answer must be the one declared here. A route nobody declared fails the test,
so a new view is covered without anyone remembering to write a test for it.

Each app declares its routes in ``tests/<app>/access.py`` as ``ROUTES``: a dict from the
URL name (``namespace:name``) to a ``Route``. ``Route.kwargs`` builds the URL's arguments
from the ``World`` (the standing users and one record of each kind, owned by ``team``).
An app may also define ``build(world)`` to add its records to the world.

Answers: an HTTP status (200, 403, 404, 405, ...) or ``LOGIN`` for a redirect to sign-in,
or ``REDIRECT`` for any other redirect.
"""

from dataclasses import dataclass, field

LOGIN = "login"
REDIRECT = "redirect"

ROLES = (
    "anonymous",
    "staff",
    "member",
    "manager",
    "outsider",
    "comms",
    "head",
    "auditor",
    "safeguarding",
)
SIGNED_IN = ROLES[1:]
TEAM = ("member", "manager")
COMMS = ("comms", "head")
READERS = ("comms", "head", "auditor")


def answers(default, anonymous=LOGIN, **by_role):
    """Every role answers ``default`` but those named; signed-out visitors go to sign-in.

    A role name may be a group (``team=200`` sets member and manager; ``comms_team`` sets
    comms and head; ``readers`` sets comms, head and auditor).
    """
    table = dict.fromkeys(SIGNED_IN, default)
    table["anonymous"] = anonymous
    groups = {"team": TEAM, "comms_team": COMMS, "readers": READERS}
    for name, value in by_role.items():
        for role in groups.get(name, (name,)):
            table[role] = value
    return table


def public(status=200):
    return dict.fromkeys(ROLES, status)


def post_only():
    """A POST-only action: a GET is refused before anything else is asked."""
    return dict.fromkeys(ROLES, 405)


@dataclass
class Route:
    expect: dict
    kwargs: object = None  # a function of the world, returning the URL's kwargs
    query: str = ""

    def url_kwargs(self, world):
        return self.kwargs(world) if self.kwargs else {}


@dataclass
class World:
    """The standing users and records every route is asked about."""

    users: dict
    team: object
    other_team: object
    records: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["records"][name]
        except KeyError:
            raise AttributeError(name) from None

"""Benchmark data for portal: teams, people with their roles, and notifications."""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from portal import roles
from portal.bench import Page
from portal.models import Membership, Notification, Team, User
from portal.views.home import forget_panels

MEMBERS_PER_TEAM = 10
COMMS_OFFICERS = 10


def seed(ctx):
    rng = random.Random(20261122)
    now = timezone.now()
    team_ids = list(ctx.ids(Team, ctx.n(200) + 1))
    comms_team = team_ids[0]
    ctx.load(
        Team,
        (
            {
                "id": team_id,
                "name": "Communications"
                if team_id == comms_team
                else f"Service team {team_id:04d}",
                "directorate": rng.choice(["Community health", "Mental health", "Children"]),
                "is_communications": team_id == comms_team,
                "is_active": True,
            }
            for team_id in team_ids
        ),
        total=len(team_ids),
    )

    password = make_password("bench-password-not-for-use")
    people = []  # (user id, team id or None, membership role or None, group or None)
    user_ids = iter(ctx.ids(User, 3 + COMMS_OFFICERS + MEMBERS_PER_TEAM * (len(team_ids) - 1)))
    people.append((next(user_ids), comms_team, Membership.Role.MANAGER, roles.HEAD_OF_COMMS))
    people.append((next(user_ids), None, None, roles.AUDITOR))
    people.append((next(user_ids), None, None, None))  # the admin, made superuser below
    for _ in range(COMMS_OFFICERS):
        people.append((next(user_ids), comms_team, Membership.Role.MEMBER, roles.COMMS))
    for team_id in team_ids[1:]:
        for position in range(MEMBERS_PER_TEAM):
            role = Membership.Role.MANAGER if position == 0 else Membership.Role.MEMBER
            people.append((next(user_ids), team_id, role, None))
    admin_id = people[2][0]
    ctx.load(
        User,
        (
            {
                "id": user_id,
                "password": password,
                "username": f"user{user_id}",
                "first_name": f"First{user_id}",
                "last_name": "Bench",
                "email": f"user{user_id}@bench.example.nhs.uk",
                "is_active": True,
                "is_staff": user_id == admin_id,
                "is_superuser": user_id == admin_id,
                "date_joined": now,
            }
            for user_id, *_ in people
        ),
        total=len(people),
    )
    groups = dict(Group.objects.values_list("name", "id"))
    with_group = [(user_id, groups[group]) for user_id, _, _, group in people if group]
    ctx.load(
        User.groups.through,
        ({"id": i, "user_id": u, "group_id": g} for i, (u, g) in enumerate(with_group, 1)),
        total=len(with_group),
        label="role memberships",
    )
    in_team = [(user_id, team_id, role) for user_id, team_id, role, _ in people if team_id]
    ctx.load(
        Membership,
        (
            {"id": i, "user_id": u, "team_id": t, "role": r}
            for i, (u, t, r) in enumerate(in_team, 1)
        ),
        total=len(in_team),
    )

    comms_ids = [u for u, _, _, g in people if g == roles.COMMS]
    team_users = {}
    for user_id, team_id, role, _ in people:
        if team_id and team_id != comms_team:
            team_users.setdefault(team_id, {"manager": None, "members": []})
            if role == Membership.Role.MANAGER:
                team_users[team_id]["manager"] = user_id
            else:
                team_users[team_id]["members"].append(user_id)

    total = ctx.n(200_000)
    everyone = [u for u, *_ in people]
    start = now - datetime.timedelta(days=3 * 365)
    span = (now - start).total_seconds()

    def notifications():
        for i in range(1, total + 1):
            # A third go to the communications team, who receive the most.
            recipient = rng.choice(comms_ids) if i % 3 == 0 else rng.choice(everyone)
            created = start + datetime.timedelta(seconds=span * i / total)
            read = i < total * 0.95
            yield {
                "id": i,
                "recipient_id": recipient,
                "kind": "proposal.submit",
                "title": f"New proposal to review: Proposal {i}",
                "body": "A team has submitted a proposal for a new account.",
                "url": "/proposals/1/",
                "created_at": created,
                "read_at": created if read else None,
                "emailed_at": created,
            }

    ctx.load(Notification, notifications(), total=total)
    ctx.reset_sequences(Team, User, Membership, Notification, User.groups.through)
    ctx.shared.update(
        comms=User.objects.get(pk=comms_ids[0]),
        head=User.objects.get(pk=people[0][0]),
        admin=User.objects.get(pk=admin_id),
        comms_ids=comms_ids,
        team_users=team_users,
        team_ids=team_ids[1:],
        manager=User.objects.get(pk=team_users[team_ids[1]]["manager"]),
    )


def measures(ctx):
    comms, manager = ctx.shared["comms"], ctx.shared["manager"]
    return [
        Page("home (comms)", "/", comms),
        Page("home (manager)", "/", manager),
        # The same pages with nothing kept, as at a first visit or when what every panel
        # reads has changed (portal.views.home.drawn_panels).
        Page("home (comms), every panel drawn", "/", comms, before=lambda: forget_panels(comms)),
        Page(
            "home (manager), every panel drawn",
            "/",
            manager,
            before=lambda: forget_panels(manager),
        ),
        Page(
            "notifications",
            "/notifications/",
            comms,
            admin_url=f"/admin/portal/notification/?recipient__id__exact={comms.pk}",
        ),
    ]

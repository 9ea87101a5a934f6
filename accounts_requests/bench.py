"""Benchmark data for proposals (with their timelines and history) and accounts."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts_requests.models import (
    AccountRequest,
    AccountRequestEvent,
    ManagedAccount,
    ManagedAccountEvent,
    Platform,
)
from accounts_requests.models.account import annual_review_due
from portal.bench import Page, touch

State = AccountRequest.State

# Each path is the sequence of (action, to state, who) a proposal went through.
SUBMITTED = [
    ("submit", State.AWAITING_ENDORSEMENT, "member"),
    ("endorse", State.SUBMITTED, "manager"),
]
REVIEWED = [*SUBMITTED, ("start_review", State.IN_REVIEW, "comms")]
PATHS = [  # (weight, path)
    (60, [*REVIEWED, ("approve", State.APPROVED, "comms")]),
    (10, [*REVIEWED, ("reject", State.REJECTED, "comms")]),
    (5, [("withdraw", State.WITHDRAWN, "member")]),
    (5, []),
    (5, SUBMITTED[:1]),
    (5, SUBMITTED),
    (5, REVIEWED),
    (5, [*REVIEWED, ("request_changes", State.CHANGES_REQUESTED, "comms")]),
]

ANSWER = "A realistic answer of a sentence or two, as a team would write it in a proposal."
PLATFORMS = [p for p in Platform.values if p != Platform.OTHER]


def seed(ctx):
    rng = random.Random(7)
    now = timezone.now()
    team_users = ctx.shared["team_users"]
    team_ids = ctx.shared["team_ids"]
    comms_ids = ctx.shared["comms_ids"]
    total = ctx.n(20_000)
    weights = [weight for weight, _ in PATHS]
    plan = []  # (proposal id, team, applicant, reviewer, steps, started)
    for proposal_id in ctx.ids(AccountRequest, total):
        team_id = team_ids[proposal_id % len(team_ids)]
        people = team_users[team_id]
        steps = rng.choices([path for _, path in PATHS], weights)[0]
        started = now - datetime.timedelta(days=rng.uniform(1, 5 * 365))
        applicant, reviewer = rng.choice(people["members"]), rng.choice(comms_ids)
        plan.append((proposal_id, team_id, applicant, reviewer, steps, started))

    def actor(who, team_id, applicant, reviewer):
        return {"member": applicant, "manager": team_users[team_id]["manager"]}.get(who, reviewer)

    def proposals():
        for proposal_id, team_id, applicant, reviewer, steps, started in plan:
            state = steps[-1][1] if steps else State.DRAFT
            moments = [started + datetime.timedelta(days=2 * (i + 1)) for i in range(len(steps))]
            reviewed = any(action == "start_review" for action, _, _ in steps)
            decided = state in (State.APPROVED, State.REJECTED)
            record = {
                "id": proposal_id,
                "team_id": team_id,
                "applicant_id": applicant,
                "platform": PLATFORMS[proposal_id % len(PLATFORMS)],
                "proposed_name": f"Service account {proposal_id}",
                "proposed_handle": f"@service{proposal_id}",
                "posts_per_week": 3,
                "office_hours_commitment": True,
                "state": state,
                "state_changed_at": moments[-1] if moments else started,
                "submitted_at": moments[1] if len(moments) > 1 else None,
                "reviewer_id": reviewer if reviewed else None,
                "decided_by_id": reviewer if decided else None,
                "decided_at": moments[-1] if decided else None,
                "created_at": started,
                "updated_at": moments[-1] if moments else started,
            }
            for name in AccountRequest.CONTENT_FIELDS:
                field = AccountRequest._meta.get_field(name)
                if name not in record and field.get_internal_type() == "TextField":
                    record[name] = ANSWER
            yield record

    ctx.load(AccountRequest, proposals(), total=total)

    def events():
        event_id = 0
        for proposal_id, team_id, applicant, reviewer, steps, started in plan:
            event_id += 1
            yield {
                "id": event_id,
                "request_id": proposal_id,
                "actor_id": applicant,
                "at": started,
                "action": "created",
                "to_state": State.DRAFT,
            }
            previous = State.DRAFT
            for i, (action, state, who) in enumerate(steps):
                event_id += 1
                yield {
                    "id": event_id,
                    "request_id": proposal_id,
                    "actor_id": actor(who, team_id, applicant, reviewer),
                    "at": started + datetime.timedelta(days=2 * (i + 1)),
                    "action": action,
                    "from_state": previous,
                    "to_state": state,
                    "comment": "Please say who covers leave."
                    if action == "request_changes"
                    else "",
                }
                previous = state

    event_total = sum(1 + len(steps) for *_, steps, _ in plan)
    ctx.load(AccountRequestEvent, events(), total=event_total, label="proposal timelines")

    history = AccountRequest.history.model

    def history_rows():
        history_id = 0
        for proposal_id, team_id, applicant, reviewer, steps, started in plan:
            for i, (action, state, who) in enumerate([("created", State.DRAFT, "member"), *steps]):
                history_id += 1
                yield {
                    "history_id": history_id,
                    "id": proposal_id,
                    "team_id": team_id,
                    "applicant_id": applicant,
                    "proposed_name": f"Service account {proposal_id}",
                    "state": state,
                    "state_changed_at": started + datetime.timedelta(days=2 * i),
                    "created_at": started,
                    "updated_at": started + datetime.timedelta(days=2 * i),
                    "history_date": started + datetime.timedelta(days=2 * i),
                    "history_type": "+" if i == 0 else "~",
                    "history_change_reason": action,
                    "history_user_id": actor(who, team_id, applicant, reviewer),
                }

    ctx.load(history, history_rows(), total=event_total, label="proposal history")

    approved = [row for row in plan if row[4] and row[4][-1][1] == State.APPROVED]
    account_total = ctx.n(2_000)
    states = [ManagedAccount.State.ACTIVE] * 8 + [
        ManagedAccount.State.SETTING_UP,
        ManagedAccount.State.UNDER_REVIEW,
    ]

    def accounts():
        for account_id in ctx.ids(ManagedAccount, account_total):
            source = approved[account_id - 1] if account_id <= len(approved) else None
            team_id = source[1] if source else team_ids[account_id % len(team_ids)]
            activated = now - datetime.timedelta(days=rng.uniform(30, 5 * 365))
            state = states[account_id % len(states)]
            yield {
                "id": account_id,
                "team_id": team_id,
                "platform": PLATFORMS[account_id % len(PLATFORMS)],
                "name": f"Service account {account_id}",
                "handle": f"service{account_id}",
                "url": f"https://social.example/service{account_id}",
                "source_request_id": source[0] if source else None,
                "target_followers": 500,
                "target_posts_per_month": 12,
                "target_engagement_rate": Decimal("2.50"),
                "target_reply_hours": 8,
                "state": state,
                "state_changed_at": activated,
                "activated_at": None if state == ManagedAccount.State.SETTING_UP else activated,
                "review_due_on": None
                if state == ManagedAccount.State.SETTING_UP
                else annual_review_due(activated),
                "created_at": activated,
            }

    ctx.load(ManagedAccount, accounts(), total=account_total)
    ctx.load(
        ManagedAccountEvent,
        (
            {
                "id": i,
                "account_id": i,
                "actor_id": comms_ids[0],
                "at": now,
                "action": "opened",
                "to_state": ManagedAccount.State.SETTING_UP,
            }
            for i in range(1, account_total + 1)
        ),
        total=account_total,
        label="account timelines",
    )
    ctx.reset_sequences(
        AccountRequest, AccountRequestEvent, history, ManagedAccount, ManagedAccountEvent
    )
    busiest = max(plan, key=lambda row: len(row[4]))
    ctx.shared.update(
        proposal_id=busiest[0],
        account_id=1,
        account_team_id=ManagedAccount.objects.values_list("team_id", flat=True).get(pk=1),
    )


def measures(ctx):
    comms, manager = ctx.shared["comms"], ctx.shared["manager"]
    waiting = "awaiting_endorsement,submitted,in_review,changes_requested"
    admin = "/admin/accounts_requests/accountrequest/"
    return [
        Page(
            "proposal queue", "/proposals/queue/", comms, admin_url=f"{admin}?state__in={waiting}"
        ),
        Page(
            "proposal queue, one state",
            "/proposals/queue/?state=in_review",
            comms,
            admin_url=f"{admin}?state__exact=in_review",
        ),
        Page("my team's proposals", "/proposals/", manager),
        Page("proposal page", f"/proposals/{ctx.shared['proposal_id']}/", comms),
        Page("account page", f"/accounts/{ctx.shared['account_id']}/", comms),
        # A change to a proposal redraws only the home panels that read proposals: the
        # queue's counts, those waiting for the person, and the reminders, asking again
        # only the reminder rules about proposals.
        Page(
            "home (comms), after a proposal changed",
            "/",
            comms,
            before=lambda: touch(AccountRequest, ctx.shared["proposal_id"]),
        ),
        Page(
            "home (manager), after a proposal changed",
            "/",
            manager,
            before=lambda: touch(AccountRequest, ctx.shared["proposal_id"]),
        ),
    ]

"""Benchmark data for the moderation log: commenters and a million entries over five years."""

import datetime
import random

from django.utils import timezone

from accounts_requests.models import ManagedAccount
from moderation import rollups
from moderation.models import (
    Action,
    Category,
    Commenter,
    Entry,
    EntryAction,
    EntryCategory,
    Erasure,
    ExportRecord,
    RightsRequest,
)
from moderation.models.evidence import answer_due
from portal.bench import Job, Page, touch

EXCERPT = "A short excerpt of the comment with the breach in it, personal details removed."


def seed(ctx):
    rng = random.Random(5)
    now = timezone.now()
    today = timezone.localdate()
    accounts = list(ManagedAccount.objects.values_list("id", "platform"))
    category_ids = list(Category.objects.values_list("id", flat=True))
    comms_ids = ctx.shared["comms_ids"]
    commenter_total = ctx.n(100_000)
    platforms = {}
    ctx.load(
        Commenter,
        (
            {
                "id": commenter_id,
                "platform": accounts[commenter_id % len(accounts)][1],
                "handle": f"@commenter{commenter_id}",
                "handle_key": f"commenter{commenter_id}",
                "first_seen_at": now - datetime.timedelta(days=5 * 365),
            }
            for commenter_id in ctx.ids(Commenter, commenter_total)
        ),
        total=commenter_total,
    )
    for commenter_id in range(1, commenter_total + 1):
        platforms.setdefault(accounts[commenter_id % len(accounts)][1], []).append(commenter_id)

    total = ctx.n(1_000_000)
    start = now - datetime.timedelta(days=5 * 365)
    span = (now - start).total_seconds()
    plan = []
    for entry_id in ctx.ids(Entry, total):
        account_id, platform = accounts[rng.randrange(len(accounts))]
        plan.append((entry_id, account_id, platform, rng.choice(platforms[platform])))

    def entries():
        for entry_id, account_id, platform, commenter_id in plan:
            occurred = start + datetime.timedelta(seconds=span * entry_id / total)
            retain_until = (occurred + datetime.timedelta(days=396)).date()
            # Past its date, an entry is as the retention job leaves it.
            removed = occurred + datetime.timedelta(days=397) if retain_until < today else None
            yield {
                "id": entry_id,
                "account_id": account_id,
                "platform": platform,
                "occurred_at": occurred,
                "commenter_id": commenter_id,
                "excerpt": "" if removed else EXCERPT,
                "author_told": "public_reply" if entry_id % 3 else "not_yet",
                "hate_crime_strand": "race" if entry_id % 97 == 0 else "",
                "safeguarding": entry_id % 211 == 0,
                # Every concern was taken on within hours, as the reminders see to.
                "safeguarding_flagged_at": occurred if entry_id % 211 == 0 else None,
                "safeguarding_taken_at": (
                    occurred + datetime.timedelta(hours=3) if entry_id % 211 == 0 else None
                ),
                "moderator_id": comms_ids[entry_id % len(comms_ids)],
                "evidence_retain_until": retain_until,
                "personal_data_removed_at": removed,
                "created_at": occurred,
                "updated_at": occurred,
            }

    ctx.load(Entry, entries(), total=total)

    def categories():
        row_id = 0
        for entry_id in range(1, total + 1):
            chosen = {category_ids[entry_id % len(category_ids)]}
            if entry_id % 2:
                chosen.add(category_ids[(entry_id * 7) % len(category_ids)])
            for category_id in chosen:
                row_id += 1
                yield {"id": row_id, "entry_id": entry_id, "category_id": category_id}

    category_rows = sum(
        len({category_ids[i % len(category_ids)], category_ids[(i * 7) % len(category_ids)]})
        if i % 2
        else 1
        for i in range(1, total + 1)
    )
    ctx.load(EntryCategory, categories(), total=category_rows, label="entry categories")

    actions = [Action.HIDE, Action.DELETE, Action.RECORD_ONLY, Action.BLOCK, Action.SCREENSHOT]

    def action_rows():
        row_id = 0
        for entry_id in range(1, total + 1):
            chosen = [actions[entry_id % len(actions)]]
            if entry_id % 4 == 0:
                chosen.append(Action.SCREENSHOT if chosen[0] != Action.SCREENSHOT else Action.HIDE)
            if entry_id % 211 == 0:
                chosen.append(Action.SAFEGUARDING)
            if entry_id % 97 == 0:
                chosen.append(Action.POLICE)
            for action in chosen:
                row_id += 1
                yield {"id": row_id, "entry_id": entry_id, "action": action}

    action_total = sum(
        1 + (i % 4 == 0) + (i % 211 == 0) + (i % 97 == 0) for i in range(1, total + 1)
    )
    ctx.load(EntryAction, action_rows(), total=action_total, label="entry actions")
    _rights_requests(ctx, rng, today, commenter_total, comms_ids)
    ctx.reset_sequences(Commenter, Entry, EntryCategory, EntryAction, RightsRequest)
    rollups.rebuild()  # COPY bypasses the services that keep the report's counts
    ctx.shared.update(
        # Entries are spread evenly, so any account is typical.
        moderation_account_id=accounts[0][0],
        moderation_category_id=category_ids[0],
        moderation_entry_id=total // 2,
    )


def _rights_requests(ctx, rng, today, commenter_total, comms_ids):
    """Requests about people's data over five years, each about a commenter of its own,
    drawn from all of them (the first few thousand commenters alone would let PostgreSQL
    join the open requests to commenters by walking the start of their index, which it
    cannot do for people who asked anywhere else): those received in the last five weeks
    are still open (some of them late), two in seven of the rest were closed without an
    answer, the others answered within the month by a subject access export or a removal
    of the commenter's details, as the kind asked."""
    total = min(ctx.n(3_000), commenter_total)
    about = rng.sample(range(1, commenter_total + 1), total)
    span = 5 * 365
    plan = []
    for request_id, commenter_id in zip(ctx.ids(RightsRequest, total), about, strict=True):
        received = today - datetime.timedelta(days=span * (total - request_id) // total)
        done = received + datetime.timedelta(days=rng.randrange(2, 28))
        # The newest two are open at any scale, so every list on the page has rows.
        waiting = (today - received).days < 36 or request_id > total - 2
        closed = not waiting and request_id % 7 in (0, 1)
        plan.append(
            {
                "id": request_id,
                "commenter_id": commenter_id,
                "kind": RightsRequest.Kind.ERASURE
                if request_id % 3
                else RightsRequest.Kind.ACCESS,
                "received_on": received,
                "due_on": answer_due(received),
                "reference": f"IG-{received.year}-{request_id}",
                "status": (
                    RightsRequest.Status.OPEN
                    if waiting
                    else RightsRequest.Status.CLOSED
                    if closed
                    else RightsRequest.Status.ANSWERED
                ),
                "closure": RightsRequest.Closure.WITHDRAWN if closed else "",
                "logged_by_id": comms_ids[request_id % len(comms_ids)],
                "closed_by_id": None if waiting else comms_ids[0],
                "closed_at": None
                if waiting
                else datetime.datetime.combine(done, datetime.time(12), tzinfo=datetime.UTC),
            }
        )
    answered = [row for row in plan if row["status"] == RightsRequest.Status.ANSWERED]
    for kind, model, field in (
        (RightsRequest.Kind.ACCESS, ExportRecord, "export_id"),
        (RightsRequest.Kind.ERASURE, Erasure, "erasure_id"),
    ):
        rows = [row for row in answered if row["kind"] == kind]
        for row, answer_id in zip(rows, ctx.ids(model, len(rows)), strict=True):
            row[field] = answer_id

    def answers(kind, field):
        for row in answered:
            if row["kind"] != kind:
                continue
            shared = {
                "id": row[field],
                "commenter_id": row["commenter_id"],
                "user_id": row["closed_by_id"],
                "at": row["closed_at"],
                "received_on": row["received_on"],
            }
            if kind == RightsRequest.Kind.ACCESS:
                yield shared | {
                    "kind": ExportRecord.Kind.SUBJECT_ACCESS,
                    "detail": "3 entries, 1 evidence file",
                }
            else:
                yield shared | {"reason": "Objection upheld.", "entries": 3, "files": 1}

    exports = sum(row["kind"] == RightsRequest.Kind.ACCESS for row in answered)
    ctx.load(
        ExportRecord,
        answers(RightsRequest.Kind.ACCESS, "export_id"),
        total=exports,
        label="subject access exports",
    )
    ctx.load(
        Erasure,
        answers(RightsRequest.Kind.ERASURE, "erasure_id"),
        total=len(answered) - exports,
        label="early removals",
    )
    ctx.load(RightsRequest, iter(plan), total=total, label="information rights requests")
    # A request answered by a removal, whose page shows the most; any, at a tiny scale.
    ctx.shared["rights_request_id"] = next(
        (row["id"] for row in reversed(answered) if row["kind"] == RightsRequest.Kind.ERASURE),
        plan[-1]["id"],
    )
    ctx.reset_sequences(ExportRecord, Erasure)


def measures(ctx):
    comms = ctx.shared["comms"]
    account = ctx.shared["moderation_account_id"]
    category = ctx.shared["moderation_category_id"]
    admin = "/admin/moderation/entry/"
    export_from = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()

    def export():
        from django.test import Client

        client = Client()
        client.force_login(comms)
        response = client.get(f"/moderation/export.csv?date_from={export_from}")
        rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
        ctx.shared["export_rows"] = rows

    export()
    return [
        Page("moderation log", "/moderation/", comms, admin_url=admin),
        Page(
            "moderation log, one account",
            f"/moderation/?account={account}",
            comms,
            admin_url=f"{admin}?account__id__exact={account}",
        ),
        Page(
            "moderation log, safeguarding",
            "/moderation/?safeguarding=yes",
            comms,
            admin_url=f"{admin}?safeguarding__exact=1",
        ),
        Page("moderation log, one category", f"/moderation/?category={category}", comms),
        Page("moderation report", "/moderation/reports/", comms),
        Page("moderation entry", f"/moderation/{ctx.shared['moderation_entry_id']}/", comms),
        Page("information rights", "/moderation/information-rights/", comms),
        Page(
            "information rights request",
            f"/moderation/information-rights/{ctx.shared['rights_request_id']}/",
            comms,
        ),
        # A change to the log redraws only the home panels that read it, here the log's
        # own (portal.views.home.drawn_panels).
        Page(
            "home (comms), after an entry changed",
            "/",
            comms,
            before=lambda: touch(Entry, ctx.shared["moderation_entry_id"]),
        ),
        Job("moderation CSV export (last 30 days)", export, rows=ctx.shared["export_rows"]),
    ]

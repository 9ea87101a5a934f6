"""Building moderation records for tests."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from moderation import rollups, services
from moderation.models import Action, AuthorTold, Category, Commenter, Entry, EntryAction


def category(slug="abuse"):
    return Category.objects.get(slug=slug)


def entry_data(account, **overrides):
    data = {
        "account": account,
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "post_url": "https://www.facebook.com/trust/posts/1",
        "comment_url": "",
        "handle": "@troll_one",
        "excerpt": "You are all useless",
        "categories": [category("abuse")],
        "actions": [Action.HIDE],
        "author_told": AuthorTold.NOT_YET,
        "not_told_reason": "",
        "hate_crime_strand": "",
        "safeguarding": False,
        "notes": "",
    }
    data.update(overrides)
    return data


def open_plan(actor, commenter, *, summary="Persistent abuse.", steps=("Message privately",)):
    """A management plan for ``commenter``, reviewed in a month."""
    return services.plan_create(
        actor=actor,
        commenter=commenter,
        summary=summary,
        owner=actor,
        review_on=timezone.localdate() + datetime.timedelta(days=30),
        steps=list(steps),
    )


def close_plan(actor, plan, *, outcome="Stopped.", done=False):
    """Close ``plan`` with ``outcome``; ``done`` ticks every step first."""
    return services.plan_update(
        actor=actor,
        plan_id=plan.pk,
        owner=actor,
        review_on=plan.review_on,
        done_steps=list(plan.steps.all()) if done else [],
        outcome=outcome,
        close=True,
    )


def log_entry(actor, account, files=(), **overrides):
    return services.entry_create(actor=actor, data=entry_data(account, **overrides), files=files)


def bulk_entries(account, moderator, count, *, handle="bulk", start=None, categories=None):
    """Many entries quickly, straight into the tables (for paging and query counts)."""
    start = start or timezone.now()
    commenter, _ = Commenter.objects.get_or_create(
        platform=account.platform,
        handle_key=handle,
        defaults={"handle": handle, "first_seen_at": start},
    )
    cats = categories or [category("abuse"), category("swearing-obscenity")]
    rows = Entry.objects.bulk_create(
        [
            Entry(
                account=account,
                platform=account.platform,
                occurred_at=start - datetime.timedelta(minutes=i),
                commenter=commenter,
                excerpt=f"comment {i}",
                moderator=moderator,
                evidence_retain_until=start.date() + datetime.timedelta(days=400),
            )
            for i in range(count)
        ]
    )
    Entry.categories.through.objects.bulk_create(
        [Entry.categories.through(entry=e, category=c) for e in rows for c in cats]
    )
    EntryAction.objects.bulk_create(
        [EntryAction(entry=e, action=a) for e in rows for a in (Action.HIDE, Action.BLOCK)]
    )
    rollups.rebuild()  # straight into the tables, so recount as a bulk load must
    return rows


def png_bytes(size=(40, 30), exif=False, colour="red"):
    from PIL import Image

    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Ltd"  # Make
        data[0x0131] = "Secret editor"  # Software
        image.save(out, format="PNG", exif=data.tobytes())
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(gps=True):
    from PIL import Image

    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Ltd"
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes(extra_catalog=b"", extra_objects=b""):
    """A minimal one-page PDF, optionally with more in its catalogue."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    out.write(extra_objects)
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)

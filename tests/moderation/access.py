from tests.access import Route, answers, post_only, public

# Comms write; auditors read; the safeguarding lead reads safeguarding entries (the
# world's entry is one); team members and staff do not see the log at all.
READ = answers(403, readers=200, safeguarding=200)
WRITE = answers(403, comms_team=200)
FULL_READ = answers(403, readers=200)

ROUTES = {
    "moderation:guidelines": Route(public(200)),
    "moderation:log": Route(READ),
    "moderation:export": Route(READ),
    "moderation:find_author": Route(post_only()),
    "moderation:detect": Route(post_only()),
    "moderation:create": Route(WRITE),
    "moderation:detail": Route(READ, kwargs=lambda w: {"pk": w.entry.pk}),
    # Another entry, not about safeguarding: the safeguarding lead gets 404, not a page.
    "moderation:edit": Route(
        WRITE,
        kwargs=lambda w: {"pk": w.plain_entry.pk},
    ),
    "moderation:reconsider": Route(post_only(), kwargs=lambda w: {"pk": w.entry.pk}),
    "moderation:legal_hold": Route(post_only(), kwargs=lambda w: {"pk": w.entry.pk}),
    "moderation:legal_hold_keep": Route(post_only(), kwargs=lambda w: {"pk": w.entry.pk}),
    "moderation:safeguarding_take_on": Route(post_only(), kwargs=lambda w: {"pk": w.entry.pk}),
    "moderation:evidence": Route(READ, kwargs=lambda w: {"pk": w.evidence.pk}),
    "moderation:repeat_offenders": Route(READ),
    "moderation:commenter": Route(
        answers(403, readers=200, safeguarding=404), kwargs=lambda w: {"pk": w.plain_commenter.pk}
    ),
    # Auditors read the record of requests about people's data; taking an export answers
    # one, and logging, correcting and closing them are the communications team's.
    "moderation:commenter_export": Route(WRITE, kwargs=lambda w: {"pk": w.plain_commenter.pk}),
    # The commenter with no open plan, so the page offers its form.
    "moderation:commenter_erase": Route(
        answers(403, head=200), kwargs=lambda w: {"pk": w.entry.commenter_id}
    ),
    "moderation:plan_create": Route(WRITE, kwargs=lambda w: {"pk": w.plain_commenter.pk}),
    "moderation:plan": Route(FULL_READ, kwargs=lambda w: {"pk": w.plan.pk}),
    "moderation:rights": Route(FULL_READ),
    "moderation:rights_export": Route(FULL_READ),
    "moderation:rights_request_log": Route(WRITE, kwargs=lambda w: {"pk": w.plain_commenter.pk}),
    "moderation:rights_request": Route(FULL_READ, kwargs=lambda w: {"pk": w.rights_request.pk}),
    "moderation:rights_request_close": Route(WRITE, kwargs=lambda w: {"pk": w.rights_request.pk}),
    "moderation:rights_request_correct": Route(
        WRITE, kwargs=lambda w: {"pk": w.rights_request.pk}
    ),
    "moderation:report": Route(READ),
    "moderation:categories": Route(READ),
    "moderation:category_create": Route(WRITE),
    "moderation:category_edit": Route(WRITE, kwargs=lambda w: {"pk": w.category.pk}),
    "moderation:category_retire": Route(post_only(), kwargs=lambda w: {"pk": w.category.pk}),
}


def build(world):
    import datetime

    from django.utils import timezone

    from moderation import services, services_rights
    from moderation.models import Category
    from tests import factories
    from tests.moderation import helpers

    comms = world.users["comms"]
    account = factories.managed_account(team=world.team, name="Team page")
    clean = helpers.upload("shot.png", helpers.png_bytes())
    from moderation.evidence import clean_upload

    world.records["entry"] = helpers.log_entry(
        comms,
        account,
        handle="@worrying",
        safeguarding=True,
        files=[clean_upload(clean)],
    )
    world.records["evidence"] = world.entry.evidence.get()
    world.records["plain_entry"] = helpers.log_entry(comms, account, handle="@plain")
    world.records["plain_commenter"] = world.plain_entry.commenter
    world.records["plan"] = services.plan_create(
        actor=comms,
        commenter=world.plain_commenter,
        summary="Persistent abuse of the ward team.",
        owner=comms,
        review_on=timezone.localdate() + datetime.timedelta(days=30),
        steps=["Message privately", "Signpost to PALS"],
    )
    world.records["category"] = Category.objects.get(slug="spam-bots")
    world.records["rights_request"] = services_rights.request_log(
        actor=comms,
        commenter=world.plain_commenter,
        kind="access",
        received_on=timezone.localdate(),
    )

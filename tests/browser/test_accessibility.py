"""axe-core on every main page, for each role that uses it, on a desktop and at 320px.

A page fails on any serious or critical violation, and at 320px also when it scrolls
sideways. Every failure of a run is listed at once.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Concern, Document, TrainingRequest
from portal.notify import notify
from portal.services import concerns, content, training
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.portal.content import ensure_published

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}


@pytest.fixture
def world(transactional_db, team, member, manager, comms, auditor, staff, head):
    ensure_published()
    for kind in (Document.Kind.PLAYBOOK, Document.Kind.SLIDES):
        current = Document.objects.get(kind=kind).current_version()
        content.content_save_draft(
            actor=comms,
            kind=kind,
            title=current.title,
            body=current.body.replace("Little and often", "Short and regular"),
            revision=Document.objects.get(kind=kind).draft_revision,
        )
    content.content_publish(
        actor=comms,
        kind=Document.Kind.PLAYBOOK,
        revision=Document.objects.get(kind=Document.Kind.PLAYBOOK).draft_revision,
        summary="A clearer tip on how often to post.",
    )
    request = training.training_request_create(
        actor=member,
        data={
            "team": team,
            "audience": "The whole team",
            "topics": [TrainingRequest.Topic.GETTING_STARTED, TrainingRequest.Topic.NEGATIVE],
            "preferred_date_1": timezone.localdate() + datetime.timedelta(days=10),
        },
    )
    booked = training.training_request_create(
        actor=member,
        data={
            "team": team,
            "audience": "New starters",
            "topics": [TrainingRequest.Topic.CONTENT],
            "preferred_date_1": timezone.localdate() + datetime.timedelta(days=12),
        },
    )
    training.training_request_act(
        actor=comms,
        request_id=booked.pk,
        action="schedule",
        starts_at=timezone.now() + datetime.timedelta(days=12),
        minutes=60,
        location="https://meet.example.nhs.uk/session-with-a-long-address-for-narrow-screens",
    )
    concern = concerns.concern_report(
        actor=member,
        kind=Concern.Kind.IMITATION,
        link="https://www.facebook.com/a-very-long-page-name-pretending-to-be-the-trust-12345",
        what_worries="Uses our logo and asks people to message their address.",
        someone_at_risk=True,
    )
    concerns.concern_act(actor=comms, concern_id=concern.pk, action="acknowledge")
    proposal = factories.ProposalFactory(team=team, applicant=member)
    notify(recipients=[member, comms], kind="test", title="Your proposal has been approved")
    return {
        "team": team,
        "request": request,
        "booked": booked,
        "concern": concern,
        "proposal": proposal,
    }


def _pages(world):
    team, concern, proposal = world["team"], world["concern"], world["proposal"]
    request, booked = world["request"], world["booked"]
    return {
        "anonymous": [
            reverse("portal:login"),
            reverse("portal:welcome"),
            reverse("portal:get_help"),
            reverse("portal:accessibility"),
            reverse("moderation:guidelines"),
        ],
        "member": [
            reverse("portal:home"),
            reverse("portal:playbook"),
            reverse("portal:slides"),
            reverse("portal:content_versions", args=["playbook"]),
            reverse("portal:content_version", args=["playbook", 1]),
            reverse("portal:content_compare", args=["playbook"]),
            reverse("portal:training"),
            reverse("portal:training_request_create"),
            booked.get_absolute_url(),
            reverse("portal:concerns"),
            reverse("portal:concern_create"),
            concern.get_absolute_url(),
            reverse("portal:notifications"),
            reverse("portal:team_list"),
            reverse("portal:team_detail", args=[team.pk]),
            reverse("accounts_requests:list"),
            reverse("accounts_requests:create"),
            proposal.get_absolute_url(),
            reverse("portal:get_help"),
        ],
        "manager": [reverse("portal:home")],
        "staff": [
            reverse("portal:home"),
            reverse("portal:training_request_create"),
            reverse("portal:concerns"),
        ],
        "comms": [
            reverse("portal:home"),
            reverse("portal:slides"),
            reverse("portal:content_edit", args=["playbook"]),
            reverse("portal:content_preview", args=["slides"]),
            reverse("portal:content_versions", args=["slides"]),
            reverse("portal:readers"),
            reverse("portal:readers_team", args=[team.pk]),
            reverse("portal:readers_no_team"),
            reverse("portal:training"),
            request.get_absolute_url(),
            reverse("portal:concerns"),
            concern.get_absolute_url(),
            reverse("portal:organisation"),
            reverse("accounts_requests:queue"),
            proposal.get_absolute_url(),
        ],
        "head": [reverse("portal:home")],
        "auditor": [
            reverse("portal:home"),
            reverse("portal:content_version", args=["slides", 1]),
            reverse("portal:readers"),
            reverse("portal:concerns"),
        ],
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "320px"])
def test_every_main_page_passes_axe(viewport, open_as, world, request):
    failures = []
    for role, paths in _pages(world).items():
        user = None if role == "anonymous" else request.getfixturevalue(role)
        page = open_as(user, viewport=viewport)
        for path in paths:
            response = page.goto(path)
            if response.status != 200:
                failures.append(f"{role} {path}: HTTP {response.status}")
                continue
            try:
                assert_accessible(page)
            except AssertionError as problem:
                failures.append(f"{role} {path}: {problem}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                failures.append(f"{role} {path}: {width}px wide at {viewport['width']}px")
        if page.js_errors:
            failures.append(f"{role}: script errors {page.js_errors}")
    assert not failures, "\n".join(failures)


def test_every_control_is_reached_by_keyboard_with_a_visible_focus(open_as, world, comms):
    """Tabbing through a busy page reaches the skip link first and shows where focus is."""
    page = open_as(comms)
    page.goto(world["request"].get_absolute_url())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    for _ in range(25):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", page.evaluate("document.activeElement.outerHTML")

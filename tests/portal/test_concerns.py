"""Staff report worrying posts and accounts; comms triage them; old reports are thinned."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import Concern, ConcernEvent, Notification
from portal.services import ActionError, ActionRefused
from portal.services import concerns as services
from portal.tasks import redact_expired_concerns
from tests import factories

State = Concern.State


def _report(actor, kind=Concern.Kind.COMMENT, at_risk=False, link="https://x.com/a/status/1"):
    return services.concern_report(
        actor=actor,
        kind=kind,
        link=link,
        what_worries="A reply names Nurse Jane Example and calls her names.",
        someone_at_risk=at_risk,
    )


def _in_state(state, reporter, comms):
    concern = _report(reporter)
    if state in (State.ACKNOWLEDGED, State.ACTION_TAKEN, State.CLOSED):
        services.concern_act(actor=comms, concern_id=concern.pk, action="acknowledge")
    if state in (State.ACTION_TAKEN, State.CLOSED):
        services.concern_act(
            actor=comms, concern_id=concern.pk, action="record_action", comment="Hid it."
        )
    if state == State.CLOSED:
        services.concern_act(
            actor=comms, concern_id=concern.pk, action="close", outcome=Concern.Outcome.DEALT_WITH
        )
    return Concern.objects.get(pk=concern.pk)


# Reporting


def test_any_member_of_staff_reports_and_comms_are_told_without_the_details(
    staff, comms, head, safeguarding_lead
):
    concern = _report(staff)
    assert concern.state == State.NEW
    assert concern.site == "X"
    notes = Notification.objects.filter(kind="concern.reported")
    assert set(notes.values_list("recipient__username", flat=True)) == {"comms", "head"}
    for note in notes:
        assert "Jane Example" not in note.title + note.body
        assert "x.com/a/status" not in note.title + note.body
        assert not note.urgent
    assert not Notification.objects.filter(recipient=safeguarding_lead).exists()
    assert ConcernEvent.objects.get(concern=concern).action == "created"


def test_someone_at_risk_is_urgent_and_reaches_the_safeguarding_lead_at_once(
    staff, comms, safeguarding_lead
):
    _report(staff, at_risk=True)
    assert Notification.objects.get(recipient=comms).urgent
    lead = Notification.objects.get(recipient=safeguarding_lead)
    assert lead.urgent and lead.send_after is None


def test_a_hacked_account_is_urgent(staff, comms):
    concern = _report(staff, kind=Concern.Kind.COMPROMISED)
    assert concern.is_urgent
    assert Notification.objects.get(recipient=comms).urgent


def test_ordinary_reports_outside_office_hours_wait_for_them(staff, comms):
    from freezegun import freeze_time

    with freeze_time("2026-03-07 22:00:00"):  # a Saturday night
        _report(staff)
    note = Notification.objects.get(recipient=comms)
    assert note.send_after is not None
    assert timezone.localtime(note.send_after).strftime("%a %H:%M") == "Mon 09:00"


def test_reporting_through_the_page(as_user, member):
    response = as_user(member).post(
        reverse("portal:concern_create"),
        {
            "kind": "imitation",
            "link": "https://www.facebook.com/riverside-nhs-official-fake",
            "what_worries": "Uses our logo and asks for addresses.",
        },
    )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == concern.get_absolute_url()
    assert concern.reported_by == member
    assert concern.site == "Facebook"
    assert not concern.someone_at_risk


def test_a_report_needs_a_web_link_and_a_description(as_user, member):
    response = as_user(member).post(
        reverse("portal:concern_create"),
        {"kind": "post", "link": "javascript:alert(1)", "what_worries": ""},
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_the_report_page_is_not_cached(as_user, member):
    response = as_user(member).get(reverse("portal:concern_create"))
    assert "no-store" in response["Cache-Control"]
    # It says who will read the report, as the rules below have it.
    assert "by the trust&#x27;s auditors" in response.content.decode() or (
        "by the trust's auditors" in response.content.decode()
    )


# Who sees a report


def test_the_reporter_comms_and_auditors_see_it_and_no_one_else(
    as_user, member, manager, outsider, staff, comms, auditor, safeguarding_lead
):
    concern = _report(member)
    for user in (member, comms, auditor):
        assert as_user(user).get(concern.get_absolute_url()).status_code == 200
    for user in (manager, outsider, staff, safeguarding_lead):
        assert as_user(user).get(concern.get_absolute_url()).status_code == 404


def test_the_safeguarding_lead_sees_reports_of_someone_at_risk(as_user, member, safeguarding_lead):
    concern = _report(member, at_risk=True)
    response = as_user(safeguarding_lead).get(concern.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "What you can do" in response.content.decode()
    assert "Acknowledge" not in response.content.decode()


def test_staff_see_only_their_own_reports_in_the_list(as_user, member, staff, comms):
    _report(member, link="https://x.com/mine")
    _report(staff, link="https://x.com/theirs")
    page = as_user(member).get(reverse("portal:concerns")).content.decode()
    assert page.count("badge state-badge") == 1
    comms_page = as_user(comms).get(reverse("portal:concerns")).content.decode()
    assert comms_page.count("badge state-badge") == 2


# Triage


def test_comms_acknowledge_and_the_reporter_is_told(staff, comms):
    concern = _report(staff)
    services.concern_act(actor=comms, concern_id=concern.pk, action="acknowledge")
    concern.refresh_from_db()
    assert concern.state == State.ACKNOWLEDGED
    assert concern.handled_by == comms
    assert Notification.objects.get(recipient=staff, kind="concern.acknowledge")


def test_recording_action_needs_what_was_done(staff, comms):
    concern = _in_state(State.ACKNOWLEDGED, staff, comms)
    with pytest.raises(ActionError):
        services.concern_act(actor=comms, concern_id=concern.pk, action="record_action")
    services.concern_act(
        actor=comms, concern_id=concern.pk, action="record_action", comment="Reported it."
    )
    services.concern_act(
        actor=comms, concern_id=concern.pk, action="record_action", comment="It was removed."
    )
    assert ConcernEvent.objects.filter(concern=concern, action="record_action").count() == 2


def test_closing_needs_an_outcome_and_tells_the_reporter(staff, comms):
    concern = _in_state(State.ACTION_TAKEN, staff, comms)
    with pytest.raises(ActionError):
        services.concern_act(actor=comms, concern_id=concern.pk, action="close", outcome="")
    services.concern_act(
        actor=comms,
        concern_id=concern.pk,
        action="close",
        outcome=Concern.Outcome.REPORTED,
        comment="The platform took the page down.",
    )
    concern.refresh_from_db()
    assert concern.state == State.CLOSED
    assert concern.closed_at is not None
    note = Notification.objects.get(recipient=staff, kind="concern.close")
    assert "reported to the platform" in note.title
    assert "took the page down" in note.body


ACTIONS = ["acknowledge", "record_action", "close"]
ALLOWED_FROM = {
    State.NEW: {"acknowledge", "record_action", "close"},
    State.ACKNOWLEDGED: {"record_action", "close"},
    State.ACTION_TAKEN: {"record_action", "close"},
    State.CLOSED: set(),
}


@pytest.mark.parametrize("state", list(ALLOWED_FROM))
@pytest.mark.parametrize("role", ["comms", "head", "auditor", "member", "safeguarding_lead"])
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_from_each_state_for_each_role(state, role, action, request, staff, comms):
    concern = _in_state(state, staff, comms)
    actor = request.getfixturevalue(role)
    kwargs = {"comment": "Done.", "outcome": Concern.Outcome.NO_ACTION}
    if role in ("comms", "head") and action in ALLOWED_FROM[state]:
        services.concern_act(actor=actor, concern_id=concern.pk, action=action, **kwargs)
        assert ConcernEvent.objects.filter(concern=concern, action=action).exists()
    else:
        before = Concern.objects.get(pk=concern.pk).state
        with pytest.raises(ActionError):
            services.concern_act(actor=actor, concern_id=concern.pk, action=action, **kwargs)
        assert Concern.objects.get(pk=concern.pk).state == before


def test_comms_close_through_the_page(as_user, staff, comms):
    concern = _report(staff)
    response = as_user(comms).post(
        reverse("portal:concern_action", args=[concern.pk, "close"]),
        {"outcome": "duplicate", "comment": ""},
    )
    assert response.status_code == 302
    assert Concern.objects.get(pk=concern.pk).outcome == "duplicate"


def test_closing_without_an_outcome_on_the_page_is_400(as_user, staff, comms):
    concern = _report(staff)
    response = as_user(comms).post(
        reverse("portal:concern_action", args=[concern.pk, "close"]), {}
    )
    assert response.status_code == 400
    assert Concern.objects.get(pk=concern.pk).state == State.NEW


def test_the_reporter_cannot_triage_their_own_report(as_user, staff):
    concern = _report(staff)
    response = as_user(staff).post(
        reverse("portal:concern_action", args=[concern.pk, "acknowledge"]), {}
    )
    assert response.status_code == 403


def test_triage_needs_the_csrf_token(staff, comms):
    concern = _report(staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    response = client.post(reverse("portal:concern_action", args=[concern.pk, "acknowledge"]))
    assert response.status_code == 403
    assert Concern.objects.get(pk=concern.pk).state == State.NEW


def test_other_reports_of_the_same_link_are_shown_to_comms(as_user, staff, member, comms):
    first = _report(staff, link="https://x.com/same")
    _report(member, link="https://x.com/same")
    page = as_user(comms).get(first.get_absolute_url()).content.decode()
    assert "Other reports of the same link" in page


def test_an_imitation_can_be_checked_against_the_official_accounts(
    as_user, staff, comms, comms_team
):
    factories.managed_account(
        team=comms_team, handle="RiversideNHSFT", url="https://www.facebook.com/RiversideNHSFT"
    )
    link = "https://www.facebook.com/RiversideNHSFT.help?ref=x&id=1"
    imitation = _report(staff, kind=Concern.Kind.IMITATION, link=link)
    page = as_user(comms).get(imitation.get_absolute_url()).content.decode()
    check = (
        reverse("accounts_requests:public_register")
        + "?account=https%3A%2F%2Fwww.facebook.com%2FRiversideNHSFT.help%3Fref%3Dx%26id%3D1"
    )
    assert f'<a href="{check}">Check it against our official accounts</a>' in page
    answer = as_user(comms).get(check).content.decode()
    assert "No: that address is not one of our accounts" in answer
    assert "compare the handle exactly" in answer
    # Other kinds of report are about posts and comments, not accounts.
    comment = _report(staff)
    page = as_user(comms).get(comment.get_absolute_url()).content.decode()
    assert "Check it against our official accounts" not in page


# The hook for the moderation log


def moderation_actions(concern, user):
    return [{"label": "Make a moderation entry", "url": f"/moderation/new/?concern={concern.pk}"}]


def test_other_apps_add_buttons_through_concern_actions(as_user, staff, comms, member, settings):
    settings.CONCERN_ACTIONS = ["tests.portal.test_concerns.moderation_actions"]
    concern = _report(staff)
    page = as_user(comms).get(concern.get_absolute_url()).content.decode()
    assert f'href="/moderation/new/?concern={concern.pk}"' in page
    assert (
        "Make a moderation entry"
        not in as_user(staff).get(concern.get_absolute_url()).content.decode()
    )


def test_a_concern_links_to_the_record_made_from_it(as_user, staff, comms):
    concern = _report(staff)
    services.concern_link(
        actor=comms,
        concern_id=concern.pk,
        url="/moderation/entries/4/",
        label="Moderation entry 4",
    )
    page = as_user(staff).get(concern.get_absolute_url()).content.decode()
    assert 'href="/moderation/entries/4/"' in page
    with pytest.raises(ActionError):
        services.concern_link(
            actor=comms, concern_id=concern.pk, url="https://evil.example/", label="x"
        )
    with pytest.raises(ActionRefused):
        services.concern_link(actor=staff, concern_id=concern.pk, url="/x/", label="x")


# Keeping personal data only as long as needed


def test_closed_reports_lose_their_link_and_description_after_the_retention_period(
    staff, comms, settings
):
    settings.CONCERN_RETENTION_DAYS = 30
    old = _in_state(State.CLOSED, staff, comms)
    recent = _in_state(State.CLOSED, staff, comms)
    still_open = _report(staff)
    Concern.objects.filter(pk__in=[old.pk, still_open.pk]).update(
        closed_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert redact_expired_concerns.delay().get() == 1
    old.refresh_from_db()
    assert old.redacted_at is not None
    assert "Jane Example" not in old.what_worries
    assert "x.com" not in old.link
    assert old.site == ""
    event = ConcernEvent.objects.get(concern=old, action="redacted")
    assert event.actor is None and "30 days" in event.comment
    assert "Jane Example" in Concern.objects.get(pk=recent.pk).what_worries
    assert "Jane Example" in Concern.objects.get(pk=still_open.pk).what_worries
    # Running it again removes nothing twice.
    assert services.concerns_redact_expired() == 0
    assert ConcernEvent.objects.filter(action="redacted").count() == 1


def test_the_retention_job_is_scheduled():
    from portal.celery import BEAT_SCHEDULE

    assert (
        BEAT_SCHEDULE["redact-expired-concerns"]["task"] == "portal.tasks.redact_expired_concerns"
    )


@pytest.mark.parametrize("size", [2, 15])
def test_the_list_costs_the_same_for_any_number_of_reports(
    size, as_user, comms, django_assert_max_num_queries
):
    for _ in range(size):
        concern = _report(factories.UserFactory())
        services.concern_act(actor=comms, concern_id=concern.pk, action="acknowledge")
    client = as_user(comms)
    client.get(reverse("portal:concerns"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:concerns"))
    assert response.content.decode().count("badge state-badge") == size


def test_the_service_refuses_a_link_that_is_not_a_web_address(staff):
    with pytest.raises(ActionError):
        services.concern_report(
            actor=staff, kind=Concern.Kind.POST, link="javascript:alert(1)", what_worries="x"
        )
    assert not Concern.objects.exists()


# A member of staff's own post, and the incident system's number


def test_a_staff_members_own_post_is_reported_and_comms_see_the_steps(as_user, staff, comms):
    form = as_user(staff).get(reverse("portal:concern_create")).content.decode()
    assert "A member of staff&#x27;s own post" in form
    response = as_user(staff).post(
        reverse("portal:concern_create"),
        {
            "kind": "staff_post",
            "link": "https://www.facebook.com/someone/posts/1",
            "what_worries": "A colleague posted about a patient on the ward, with initials.",
        },
    )
    concern = Concern.objects.get()
    assert response.status_code == 302 and concern.kind == Concern.Kind.STAFF_POST
    assert str(concern) == "A member of staff's own post on Facebook"
    steps = "own post: the steps"
    assert steps in as_user(comms).get(concern.get_absolute_url()).content.decode()
    # The reporter is not shown comms' steps, and a closed report needs none.
    assert steps not in as_user(staff).get(concern.get_absolute_url()).content.decode()
    services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome=Concern.Outcome.PASSED_ON
    )
    assert steps not in as_user(comms).get(concern.get_absolute_url()).content.decode()


def test_recording_action_keeps_the_incident_reference(as_user, staff, comms):
    concern = _report(staff, kind=Concern.Kind.STAFF_POST)
    url = reverse("portal:concern_action", args=[concern.pk, "record_action"])
    response = as_user(comms).post(
        url, {"comment": "Asked the author to remove it.", "incident_reference": " DX 12345 "}
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.incident_reference == "DX 12345"
    assert concern.state == State.ACTION_TAKEN
    (event,) = concern.events.filter(action="record_action")
    assert event.comment == "Asked the author to remove it.\n\nIncident reference: DX 12345"
    page = as_user(staff).get(concern.get_absolute_url()).content.decode()
    assert "Incident reference" in page and "DX 12345" in page
    # Closing without one keeps it; a later one replaces it, and the timeline keeps both.
    services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome=Concern.Outcome.PASSED_ON
    )
    assert Concern.objects.get(pk=concern.pk).incident_reference == "DX 12345"
    other = _report(staff)
    services.concern_act(
        actor=comms,
        concern_id=other.pk,
        action="record_action",
        comment="Logged.",
        incident_reference="DX 1",
    )
    services.concern_act(
        actor=comms,
        concern_id=other.pk,
        action="close",
        outcome=Concern.Outcome.DEALT_WITH,
        incident_reference="DX 2",
    )
    assert Concern.objects.get(pk=other.pk).incident_reference == "DX 2"
    assert [e.comment for e in other.events.filter(action__in=["record_action", "close"])] == [
        "Logged.\n\nIncident reference: DX 1",
        "Incident reference: DX 2",
    ]


def test_what_comms_write_about_a_colleagues_post_is_not_for_the_reporter(
    as_user, staff, comms, auditor
):
    concern = _report(staff, kind=Concern.Kind.STAFF_POST)
    note = "Spoke to the author's manager; HR are investigating."
    services.concern_act(actor=comms, concern_id=concern.pk, action="record_action", comment=note)
    services.concern_act(
        actor=comms,
        concern_id=concern.pk,
        action="close",
        outcome=Concern.Outcome.PASSED_ON,
        comment="Disciplinary process started.",
    )
    reporter = as_user(staff).get(concern.get_absolute_url()).content.decode()
    assert "recorded action taken" in reporter and "closed it" in reporter
    assert "HR are investigating" not in reporter
    assert "Disciplinary" not in reporter
    told = Notification.objects.get(recipient=staff, kind="concern.close")
    assert "Disciplinary" not in told.title + told.body
    for reader in (comms, auditor):
        shown = as_user(reader).get(concern.get_absolute_url()).content.decode()
        assert "HR are investigating" in shown and "Disciplinary process started." in shown
    # On any other report the reporter reads comms' note, as before.
    plain = _report(staff)
    services.concern_act(
        actor=comms, concern_id=plain.pk, action="record_action", comment="Hid the reply."
    )
    assert "Hid the reply." in as_user(staff).get(plain.get_absolute_url()).content.decode()


def test_a_bad_incident_reference_is_refused_and_nothing_is_saved(as_user, staff, comms):
    concern = _report(staff)
    url = reverse("portal:concern_action", args=[concern.pk, "close"])
    for bad in ("Jane Example", "x" * 41 + "1", "=1+1"):
        response = as_user(comms).post(
            url, {"outcome": "dealt_with", "comment": "Done.", "incident_reference": bad}
        )
        assert response.status_code == 400
        assert "incident_reference" in response.context["failed_form"].errors
        # What was typed is still there, and the close form is open.
        page = response.content.decode()
        assert "Done." in page and '<details class="mb-3" open>' in page
    concern.refresh_from_db()
    assert concern.state == State.NEW and concern.incident_reference == ""
    with pytest.raises(ActionError):
        services.concern_act(
            actor=comms, concern_id=concern.pk, action="acknowledge", incident_reference="DX 1"
        )
    with pytest.raises(ActionError) as refused:
        services.concern_act(
            actor=comms,
            concern_id=concern.pk,
            action="record_action",
            comment="Hid it.",
            incident_reference="no digits",
        )
    assert "incident_reference" in refused.value.errors
    assert Concern.objects.get(pk=concern.pk).state == State.NEW


def test_both_forms_on_a_report_have_ids_of_their_own(as_user, staff, comms):
    concern = _report(staff)
    page = as_user(comms).get(concern.get_absolute_url()).content.decode()
    assert 'id="close-incident_reference"' in page
    assert 'id="record_action-incident_reference"' in page
    assert page.count('id="close-comment"') == 1

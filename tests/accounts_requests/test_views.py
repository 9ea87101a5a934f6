import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts_requests.models import AccountRequest, ManagedAccount
from portal.models import Notification
from tests.factories import COMPLETE_ANSWERS, proposal_in_state

State = AccountRequest.State


def form_data(**overrides):
    data = {k: ("on" if v is True else v) for k, v in COMPLETE_ANSWERS.items()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def action_url(proposal, action):
    return reverse("accounts_requests:action", args=[proposal.pk, action])


# Creating and editing


def test_a_member_saves_a_draft_with_only_a_name(as_user, member, team):
    response = as_user(member).post(
        reverse("accounts_requests:create"),
        {"team": team.pk, "proposed_name": "Parents' page", "intent": "Save draft"},
    )
    proposal = AccountRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert (proposal.state, proposal.proposed_name, proposal.applicant) == (
        State.DRAFT,
        "Parents' page",
        member,
    )


def test_submitting_an_incomplete_proposal_lists_every_gap_and_keeps_the_answers(
    as_user, member, team
):
    response = as_user(member).post(
        reverse("accounts_requests:create"),
        {"team": team.pk, "proposed_name": "Parents' page", "intent": "Save and submit"},
    )
    assert response.status_code == 400
    proposal = AccountRequest.objects.get()
    assert proposal.state == State.DRAFT
    assert proposal.proposed_name == "Parents' page"
    errors = response.context["form"].errors
    missing = proposal.missing_for_submission()
    assert set(missing) <= set(errors)
    assert len(missing) > 15
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert "Answer this before submitting." in page
    assert 'value="Parents&#x27; page"' in page
    # Submitting again goes to the saved draft, not a second new proposal.
    assert f'action="/proposals/{proposal.pk}/edit/"' in page


def test_a_complete_proposal_submitted_by_a_member_goes_to_the_manager(
    as_user, member, manager, team, django_capture_on_commit_callbacks
):
    client = as_user(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts_requests:create"),
            form_data(team=team.pk, intent="Save and submit"),
        )
    proposal = AccountRequest.objects.get()
    assert response.status_code == 302
    assert proposal.state == State.AWAITING_ENDORSEMENT
    note = Notification.objects.get()
    assert note.recipient == manager
    assert note.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "Please endorse" in mail.outbox[0].subject
    # The member is told where it went, not that comms have it.
    page = client.get(response.url).content.decode()
    assert "It now waits for your manager to endorse it" in page


def test_an_endorsement_tells_comms_to_review_and_the_applicant_it_was_endorsed(
    as_user, member, manager, comms, head, team
):
    proposal = proposal_in_state(State.AWAITING_ENDORSEMENT, team=team, applicant=member)
    as_user(manager).post(action_url(proposal, "endorse"))
    titles = {
        note.recipient.username: note.title
        for note in Notification.objects.filter(kind="proposal.endorse")
    }
    name = str(proposal)
    assert titles == {
        "comms": f"New proposal to review: {name}",
        "head": f"New proposal to review: {name}",
        "member": f"Endorsed and sent for review: {name}",
    }
    told = Notification.objects.get(recipient=member, kind="proposal.endorse")
    assert told.body.startswith(f"{manager} endorsed your proposal.")


def test_a_proposal_submitted_by_the_manager_is_said_to_go_to_comms(as_user, manager, team):
    response = as_user(manager).post(
        reverse("accounts_requests:create"),
        form_data(team=team.pk, intent="Save and submit"),
        follow=True,
    )
    assert AccountRequest.objects.get().state == State.SUBMITTED
    assert "submitted to the communications team" in response.content.decode()


def test_fields_a_user_may_not_set_are_ignored_when_posted(
    as_user, member, team, other_team, comms
):
    as_user(member).post(
        reverse("accounts_requests:create"),
        {
            "team": team.pk,
            "proposed_name": "Honest",
            "intent": "Save draft",
            "state": State.APPROVED,
            "reviewer": comms.pk,
            "decided_by": comms.pk,
            "decision_comment": "forged",
            "applicant": comms.pk,
        },
    )
    proposal = AccountRequest.objects.get()
    assert proposal.state == State.DRAFT
    assert proposal.reviewer is None and proposal.decided_by is None
    assert proposal.decision_comment == ""
    assert proposal.applicant == member
    as_user(member).post(
        reverse("accounts_requests:edit", args=[proposal.pk]),
        {
            "team": other_team.pk,
            "state": State.APPROVED,
            "proposed_name": "Still honest",
            "intent": "Save draft",
        },
    )
    proposal.refresh_from_db()
    assert (proposal.team, proposal.state, proposal.proposed_name) == (
        team,
        State.DRAFT,
        "Still honest",
    )


def test_a_member_cannot_propose_for_another_team(as_user, member, other_team):
    response = as_user(member).post(
        reverse("accounts_requests:create"),
        {"team": other_team.pk, "proposed_name": "Not ours", "intent": "Save draft"},
    )
    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert not AccountRequest.objects.exists()


def test_editing_another_teams_proposal_is_not_found(as_user, outsider, team):
    proposal = proposal_in_state(State.DRAFT, team=team)
    assert (
        as_user(outsider).get(reverse("accounts_requests:edit", args=[proposal.pk])).status_code
        == 404
    )
    response = as_user(outsider).post(
        reverse("accounts_requests:edit", args=[proposal.pk]),
        {"proposed_name": "Taken", "intent": "Save draft"},
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.proposed_name != "Taken"


def test_a_submitted_proposal_cannot_be_edited(as_user, member, team):
    proposal = proposal_in_state(State.SUBMITTED, team=team, applicant=member)
    response = as_user(member).post(
        reverse("accounts_requests:edit", args=[proposal.pk]),
        {"proposed_name": "Late change", "intent": "Save draft"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.proposed_name != "Late change"


def test_the_member_resubmits_after_changes_from_the_edit_page(as_user, member, team):
    proposal = proposal_in_state(State.CHANGES_REQUESTED, team=team, applicant=member)
    page = as_user(member).get(reverse("accounts_requests:edit", args=[proposal.pk]))
    assert "Save and resubmit" in page.content.decode()
    response = as_user(member).post(
        reverse("accounts_requests:edit", args=[proposal.pk]),
        form_data(
            who_monitors="Administrator, deputy and a cover rota", intent="Save and resubmit"
        ),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert [e.action for e in proposal.events.all()] == ["edited", "resubmit"]


# Actions through the pages: allowed, refused, another team's, stale, forged


@pytest.mark.parametrize(
    "state, action, role, status",
    [
        (State.DRAFT, "submit", "member", 302),
        (State.DRAFT, "submit", "comms", 403),
        (State.DRAFT, "submit", "outsider", 404),
        (State.AWAITING_ENDORSEMENT, "endorse", "manager", 302),
        (State.AWAITING_ENDORSEMENT, "endorse", "member", 403),
        (State.AWAITING_ENDORSEMENT, "endorse", "other_manager", 404),
        (State.SUBMITTED, "start_review", "comms", 302),
        (State.SUBMITTED, "start_review", "auditor", 403),
        (State.SUBMITTED, "start_review", "manager", 403),
        (State.IN_REVIEW, "request_changes", "comms", 302),
        (State.IN_REVIEW, "reject", "head", 302),
        (State.IN_REVIEW, "reject", "member", 403),
        (State.CHANGES_REQUESTED, "resubmit", "member", 302),
        (State.SUBMITTED, "withdraw", "manager", 302),
        (State.SUBMITTED, "withdraw", "staff", 404),
        (State.APPROVED, "withdraw", "member", 409),
        (State.REJECTED, "start_review", "comms", 409),
        (State.SUBMITTED, "endorse", "manager", 409),
        (State.WITHDRAWN, "submit", "member", 409),
    ],
)
def test_actions_answer_each_role(as_user, people, team, state, action, role, status):
    proposal = proposal_in_state(state, team=team, applicant=people["member"])
    response = as_user(people[role]).post(
        action_url(proposal, action), {"comment": "Reason given."}
    )
    assert response.status_code == status
    proposal.refresh_from_db()
    if status != 302:
        assert proposal.state == state
        assert proposal.events.count() == 0
    else:
        assert proposal.state != state


def test_a_stale_action_says_what_happened(as_user, manager, team):
    proposal = proposal_in_state(State.SUBMITTED, team=team)
    response = as_user(manager).post(action_url(proposal, "endorse"))
    assert response.status_code == 409
    assert "is now &#x27;Submitted&#x27;" in response.content.decode()
    assert "Nothing was changed" in response.content.decode()


def test_an_action_by_get_changes_nothing(as_user, member, team):
    proposal = proposal_in_state(State.DRAFT, team=team, applicant=member)
    assert as_user(member).get(action_url(proposal, "submit")).status_code == 405
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


def test_an_unknown_action_is_not_found(as_user, comms, team):
    proposal = proposal_in_state(State.IN_REVIEW, team=team)
    for name in ("save", "delete", "_run_transition", "approve_"):
        assert as_user(comms).post(action_url(proposal, name)).status_code in (404, 405)
    proposal.refresh_from_db()
    assert proposal.state == State.IN_REVIEW


def test_rejecting_without_a_reason_shows_the_form_again(as_user, comms, team):
    proposal = proposal_in_state(State.IN_REVIEW, team=team)
    response = as_user(comms).post(action_url(proposal, "reject"), {"comment": ""})
    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.IN_REVIEW


def test_submit_from_the_page_on_an_incomplete_draft_goes_to_the_form(as_user, member, team):
    proposal = proposal_in_state(State.DRAFT, team=team, applicant=member, goals="")
    response = as_user(member).post(action_url(proposal, "submit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_requests:edit", args=[proposal.pk])


@pytest.mark.parametrize(
    "state, action, role",
    [
        (State.DRAFT, "submit", "member"),
        (State.AWAITING_ENDORSEMENT, "endorse", "manager"),
        (State.SUBMITTED, "start_review", "comms"),
        (State.IN_REVIEW, "request_changes", "comms"),
        (State.CHANGES_REQUESTED, "resubmit", "member"),
        (State.IN_REVIEW, "reject", "comms"),
        (State.DRAFT, "withdraw", "member"),
        (State.IN_REVIEW, "approve", "comms"),
    ],
)
def test_every_action_needs_the_csrf_token(people, team, state, action, role):
    proposal = proposal_in_state(state, team=team, applicant=people["member"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(people[role])
    url = (
        reverse("accounts_requests:approve", args=[proposal.pk])
        if action == "approve"
        else action_url(proposal, action)
    )
    response = client.post(url, {"comment": "Reason.", "target_followers": 1})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == state
    assert not Notification.objects.exists()


def test_the_csrf_token_on_the_page_lets_the_action_through(people, team):
    proposal = proposal_in_state(State.DRAFT, team=team, applicant=people["member"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["member"])
    client.get(proposal.get_absolute_url())
    token = client.cookies["csrftoken"].value
    response = client.post(action_url(proposal, "submit"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.AWAITING_ENDORSEMENT


# Approving


def test_comms_approve_with_targets_and_the_account_opens(as_user, comms, member, team):
    proposal = proposal_in_state(State.IN_REVIEW, team=team, applicant=member)
    page = as_user(comms).get(reverse("accounts_requests:approve", args=[proposal.pk]))
    assert page.status_code == 200
    response = as_user(comms).post(
        reverse("accounts_requests:approve", args=[proposal.pk]),
        {
            "target_followers": 500,
            "target_posts_per_month": 12,
            "target_engagement_rate": "3.5",
            "target_reply_hours": 8,
            "comment": "Good luck",
        },
    )
    assert response.status_code == 302
    account = ManagedAccount.objects.get()
    assert (account.state, account.target_followers) == (ManagedAccount.State.SETTING_UP, 500)
    detail = as_user(member).get(proposal.get_absolute_url()).content.decode()
    assert account.get_absolute_url() in detail


def test_approving_with_bad_targets_shows_each_error_and_approves_nothing(as_user, comms, team):
    proposal = proposal_in_state(State.IN_REVIEW, team=team)
    response = as_user(comms).post(
        reverse("accounts_requests:approve", args=[proposal.pk]),
        {
            "target_followers": -1,
            "target_posts_per_month": "",
            "target_engagement_rate": "200",
            "target_reply_hours": 8,
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {
        "target_followers",
        "target_posts_per_month",
        "target_engagement_rate",
    }
    proposal.refresh_from_db()
    assert proposal.state == State.IN_REVIEW
    assert not ManagedAccount.objects.exists()


# What each person sees


def buttons(response):
    return [a["name"] for a in response.context["actions"]]


def test_the_page_shows_only_the_buttons_the_user_may_press(as_user, people, team):
    proposal = proposal_in_state(State.IN_REVIEW, team=team, applicant=people["member"])
    assert buttons(as_user(people["comms"]).get(proposal.get_absolute_url())) == [
        "approve",
        "request_changes",
        "reject",
    ]
    assert buttons(as_user(people["member"]).get(proposal.get_absolute_url())) == []
    assert buttons(as_user(people["auditor"]).get(proposal.get_absolute_url())) == []
    draft = proposal_in_state(State.DRAFT, team=team, applicant=people["member"])
    member_page = as_user(people["member"]).get(draft.get_absolute_url())
    assert buttons(member_page) == ["submit", "withdraw"]
    assert "Edit the answers" in member_page.content.decode()
    assert "Approve" not in member_page.content.decode()


def test_the_timeline_shows_who_did_what_and_why(as_user, people, team):
    from accounts_requests import services

    proposal = proposal_in_state(State.IN_REVIEW, team=team, applicant=people["member"])
    services.account_request_act(
        actor=people["comms"],
        proposal_id=proposal.pk,
        action="request_changes",
        comment="Name a second moderator.",
    )
    page = as_user(people["member"]).get(proposal.get_absolute_url()).content.decode()
    assert "asked for changes" in page
    assert "In review → Changes requested" in page
    assert "Name a second moderator." in page
    assert str(people["comms"]) in page


def test_the_queue_lists_waiting_proposals_oldest_first_with_their_age(as_user, comms, team):
    import datetime

    from django.utils import timezone

    old = proposal_in_state(State.SUBMITTED, team=team, proposed_name="Old one")
    new = proposal_in_state(State.SUBMITTED, team=team, proposed_name="New one")
    proposal_in_state(State.APPROVED, team=team, proposed_name="Done one")
    AccountRequest.objects.filter(pk=old.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=21)
    )
    response = as_user(comms).get(reverse("accounts_requests:queue"))
    names = [p.proposed_name for p in response.context["page"].object_list]
    assert names == ["Old one", "New one"]
    page = response.content.decode()
    assert "working days" in page
    assert "under 1 working day" in page
    assert new.get_absolute_url() in page


def test_each_queue_row_shows_the_proposal_in_words_and_escapes_what_people_typed(
    as_user, comms, comms2, team
):
    import datetime
    import re

    from django.utils import timezone

    typed = proposal_in_state(State.SUBMITTED, team=team, proposed_name="<b>Bold</b> & co")
    picked = proposal_in_state(State.IN_REVIEW, team=team, proposed_name="Picked up")
    AccountRequest.objects.filter(pk=picked.pk).update(
        reviewer=comms2, submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    AccountRequest.objects.filter(pk=typed.pk).update(submitted_at=None)
    page = as_user(comms).get(reverse("accounts_requests:queue")).content.decode()
    rows = {
        re.sub(r"<[^>]+>", "|", row).replace("\n", ""): row
        for row in re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, flags=re.S)
    }
    cells = [[c.strip() for c in text.split("|") if c.strip()] for text in rows]
    by_name = {row[0]: row for row in cells}
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in by_name
    assert "<b>Bold</b>" not in page
    assert by_name["&lt;b&gt;Bold&lt;/b&gt; &amp; co"][1:] == [
        team.name,
        typed.get_platform_display(),
        "Submitted",
        "\u2013",
        "under 1 working day",
        "\u2013",
    ]
    submitted = timezone.localtime(timezone.now() - datetime.timedelta(days=3))
    assert by_name["Picked up"][1:4] == [team.name, picked.get_platform_display(), "In review"]
    assert by_name["Picked up"][4] == str(comms2)
    assert by_name["Picked up"][6] == f"{submitted.day} {submitted:%b %Y}"
    assert f'href="{picked.get_absolute_url()}"' in rows[next(k for k in rows if "Picked up" in k)]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("state=in_review", {"Reviewed by comms2"}),
        ("state=all", {"Reviewed by comms2", "Other team's", "Drafted", "Instagram one"}),
        ("platform=facebook", {"Other team's"}),
        ("reviewer={comms2}", {"Reviewed by comms2"}),
        ("team={other_team}", {"Other team's"}),
        ("", {"Reviewed by comms2", "Other team's", "Instagram one"}),
    ],
)
def test_the_queue_filters(as_user, comms, comms2, team, other_team, query, expected):
    proposal_in_state(
        State.IN_REVIEW, team=team, proposed_name="Reviewed by comms2", reviewer=comms2
    )
    proposal_in_state(
        State.SUBMITTED, team=other_team, proposed_name="Other team's", platform="facebook"
    )
    proposal_in_state(State.AWAITING_ENDORSEMENT, team=team, proposed_name="Instagram one")
    proposal_in_state(State.DRAFT, team=team, proposed_name="Drafted")
    url = (
        reverse("accounts_requests:queue")
        + "?"
        + query.format(comms2=comms2.pk, other_team=other_team.pk)
    )
    response = as_user(comms).get(url)
    assert {p.proposed_name for p in response.context["page"].object_list} == expected


def test_my_teams_proposals_shows_only_my_teams(as_user, member, team, other_team):
    proposal_in_state(State.DRAFT, team=team, proposed_name="Ours")
    proposal_in_state(State.DRAFT, team=other_team, proposed_name="Theirs")
    response = as_user(member).get(reverse("accounts_requests:list"))
    assert [p.proposed_name for p in response.context["page"].object_list] == ["Ours"]


def test_another_teams_proposal_is_not_found(as_user, outsider, team):
    proposal = proposal_in_state(State.SUBMITTED, team=team)
    assert as_user(outsider).get(proposal.get_absolute_url()).status_code == 404


# Query counts do not grow with the rows


def _fill(team, other_team, reviewer, n):
    for i in range(n):
        proposal_in_state(
            State.IN_REVIEW if i % 2 else State.SUBMITTED,
            team=team if i % 3 else other_team,
            reviewer=reviewer if i % 2 else None,
        )


@pytest.mark.parametrize("rows", [3, 30])
def test_the_queue_query_count_does_not_grow(
    rows, as_user, comms, team, other_team, django_assert_max_num_queries
):
    _fill(team, other_team, comms, rows)
    client = as_user(comms)
    client.get(reverse("accounts_requests:queue"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("accounts_requests:queue"))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("events", [2, 20])
def test_the_proposal_page_query_count_does_not_grow(
    events, as_user, comms, member, team, django_assert_max_num_queries
):
    from accounts_requests import services

    proposal = proposal_in_state(State.DRAFT, team=team, applicant=member)
    for i in range(events):
        services.account_request_update(
            actor=member, proposal_id=proposal.pk, data={"goals": f"Goals {i}"}
        )
    client = as_user(comms)
    client.get(proposal.get_absolute_url())
    with django_assert_max_num_queries(14):
        response = client.get(proposal.get_absolute_url())
    assert len(response.context["timeline"]) == events


def test_the_queue_index_covers_exactly_the_waiting_states():
    """The partial index that serves the queue must list the states the queue shows."""
    from accounts_requests.models import AccountRequest
    from accounts_requests.selectors import WAITING_STATES

    (index,) = [i for i in AccountRequest._meta.indexes if i.name == "proposal_waiting_idx"]
    assert sorted(index.condition.children[0][1]) == sorted(str(s) for s in WAITING_STATES)


@pytest.mark.django_db
@pytest.mark.parametrize(("platform", "noted"), [("youtube", True), ("vimeo", True), ("x", False)])
def test_a_video_channel_is_pointed_to_the_trust_s_own_channels(
    as_user, member, comms, team, platform, noted
):
    form = as_user(member).get(reverse("accounts_requests:create")).content.decode()
    assert "Public video normally goes on the trust's own YouTube and Vimeo channels" in form
    proposal = proposal_in_state(AccountRequest.State.SUBMITTED, team=team, platform=platform)
    for user in (member, comms):
        page = as_user(user).get(proposal.get_absolute_url()).content.decode()
        assert ("A video channel: public video normally goes" in page) is noted


def test_the_save_draft_button_is_drawn_in_outline_beside_the_main_one(as_user, member):
    """crispy adds btn-primary to every Submit: an outline button given it as well is
    filled in its own text colour and cannot be seen."""
    page = as_user(member).get(reverse("accounts_requests:create")).content.decode()
    draft = page.split('value="Save draft"')[1].split("/>", 1)[0]
    assert 'class="btn btn-outline-primary"' in draft
    assert page.count('id="save-draft"') == 1 and page.count('id="save-and-submit"') == 1


def test_a_preferred_start_date_already_past_is_refused_but_one_that_passed_is_kept(
    as_user, member, team
):
    import datetime

    from django.utils import timezone

    client = as_user(member)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("accounts_requests:create"),
        form_data(team=team.pk, intent="Save draft", proposed_launch=yesterday.isoformat()),
    )
    assert "That day has passed." in response.content.decode()
    assert not AccountRequest.objects.exists()

    # A draft whose date has passed since it was given saves again as it is.
    proposal = proposal_in_state(State.DRAFT, team=team, applicant=member)
    AccountRequest.objects.filter(pk=proposal.pk).update(proposed_launch=yesterday)
    edit = reverse("accounts_requests:edit", args=[proposal.pk])
    response = client.post(
        edit,
        form_data(team=team.pk, intent="Save draft", proposed_launch=yesterday.isoformat()),
    )
    assert response.status_code == 302


def test_the_proposal_page_writes_its_date_as_the_other_pages_do(as_user, member, team):
    import datetime

    proposal = proposal_in_state(State.DRAFT, team=team, applicant=member)
    AccountRequest.objects.filter(pk=proposal.pk).update(proposed_launch=datetime.date(2027, 2, 1))
    page = as_user(member).get(proposal.get_absolute_url()).content.decode()
    assert "1 February 2027" in page and "2027-02-01" not in page

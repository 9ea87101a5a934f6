"""Staff confirm they have read the playbook; a new version asks again; comms see who has."""

import pytest
from django.test import Client
from django.urls import reverse

from portal import selectors
from portal.models import Document, ReadConfirmation
from portal.services import ActionConflict
from portal.services import content as services
from tests import factories


def _new_version(comms, summary="Added a part on video."):
    document = Document.objects.get(kind=Document.Kind.PLAYBOOK)
    current = document.current_version()
    services.content_save_draft(
        actor=comms,
        kind=Document.Kind.PLAYBOOK,
        title=current.title,
        body=current.body + "\n\n# Something new\n\nMore.",
        revision=document.draft_revision,
    )
    return services.content_publish(
        actor=comms,
        kind=Document.Kind.PLAYBOOK,
        revision=Document.objects.get(kind=Document.Kind.PLAYBOOK).draft_revision,
        summary=summary,
    )


def test_a_member_of_staff_confirms_the_current_version(as_user, staff, published):
    response = as_user(staff).post(reverse("portal:playbook_confirm"), {"version": 1})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    confirmation = ReadConfirmation.objects.get(user=staff)
    assert confirmation.version == published["playbook"]
    assert selectors.playbook_status(staff)["confirmed"]


def test_confirming_twice_keeps_one_row(staff, published):
    _, created = services.playbook_confirm_read(actor=staff, version_number=1)
    _, again = services.playbook_confirm_read(actor=staff, version_number=1)
    assert created and not again
    assert ReadConfirmation.objects.filter(user=staff).count() == 1


def test_confirming_a_version_that_has_been_replaced_is_refused(comms, staff, published):
    _new_version(comms)
    with pytest.raises(ActionConflict, match="Version 2"):
        services.playbook_confirm_read(actor=staff, version_number=1)
    assert not ReadConfirmation.objects.filter(user=staff).exists()


def test_the_page_tells_someone_who_confirms_an_old_version(as_user, comms, staff, published):
    _new_version(comms)
    client = as_user(staff)
    response = client.post(reverse("portal:playbook_confirm"), {"version": 1}, follow=True)
    assert "was published while you were reading" in response.content.decode()


def test_confirming_needs_the_csrf_token(staff, published):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(reverse("portal:playbook_confirm"), {"version": 1}).status_code == 403
    assert not ReadConfirmation.objects.exists()


def test_confirming_is_post_only(as_user, staff, published):
    assert as_user(staff).get(reverse("portal:playbook_confirm")).status_code == 405


def test_a_new_version_asks_again_and_shows_what_changed(as_user, comms, member, published):
    services.playbook_confirm_read(actor=member, version_number=1)
    client = as_user(member)
    assert "Please read" not in client.get(reverse("portal:home")).content.decode()

    _new_version(comms, summary="Added a part on video.")
    home = client.get(reverse("portal:home")).content.decode()
    assert "The playbook has changed: please read it again" in home
    assert "You confirmed version 1" in home
    assert "Added a part on video." in home
    assert f"{reverse('portal:content_compare', args=['playbook'])}?old=1&amp;new=2" in home

    playbook = client.get(reverse("portal:playbook")).content.decode()
    assert "This version is new since you last confirmed (version 1)" in playbook
    assert "I have read version 2" in playbook


def test_confirmations_are_kept(staff, published):
    confirmation, _ = services.playbook_confirm_read(actor=staff, version_number=1)
    with pytest.raises(PermissionError):
        confirmation.delete()


# Who has read it, by team


@pytest.fixture
def teams(team, other_team, member, manager, outsider, other_manager, staff, published):
    """Perinatal: member and manager; Community Nursing: outsider and othermanager."""
    services.playbook_confirm_read(actor=member, version_number=1)
    services.playbook_confirm_read(actor=outsider, version_number=1)
    services.playbook_confirm_read(actor=other_manager, version_number=1)
    return team, other_team


def test_readership_counts_each_team(teams, published):
    team, other_team = teams
    rows = {t.name: t for t in selectors.readership_by_team(published["playbook"])}
    assert (rows[team.name].member_count, rows[team.name].confirmed_count) == (2, 1)
    assert (rows[other_team.name].member_count, rows[other_team.name].confirmed_count) == (2, 2)


def test_inactive_staff_are_not_counted(teams, manager, published):
    manager.is_active = False
    manager.save()
    team, _ = teams
    rows = {t.name: t for t in selectors.readership_by_team(published["playbook"])}
    assert (rows[team.name].member_count, rows[team.name].confirmed_count) == (1, 1)


def test_staff_outside_any_team_are_counted_apart(teams, staff, auditor, published):
    services.playbook_confirm_read(actor=staff, version_number=1)
    without = selectors.readership_without_team(published["playbook"])
    assert without == {"member_count": 2, "confirmed_count": 1}


def test_a_new_version_starts_the_count_again(teams, comms, published):
    version = _new_version(comms)
    team, other_team = teams
    rows = {t.name: t for t in selectors.readership_by_team(version)}
    assert rows[other_team.name].confirmed_count == 0
    assert rows[team.name].confirmed_count == 0


def test_the_summary_page_lists_teams_with_counts(as_user, teams, comms, published):
    page = as_user(comms).get(reverse("portal:readers")).content.decode()
    assert "Read confirmations by team" in page
    assert teams[0].name in page
    assert "Staff in no team" in page
    assert "50%" in page and "100%" in page


def test_the_team_page_lists_who_has_not_confirmed_first(
    as_user, teams, auditor, manager, member, published
):
    team, _ = teams
    response = as_user(auditor).get(reverse("portal:readers_team", args=[team.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0")
        or "no-store" in response["Cache-Control"]
    )
    assert page.index(str(manager)) < page.index(str(member))
    assert "Not yet" in page


def test_the_no_team_page_lists_staff_outside_teams(as_user, teams, staff, comms, published):
    page = as_user(comms).get(reverse("portal:readers_no_team")).content.decode()
    assert str(staff) in page


@pytest.mark.parametrize("who", ["member", "manager", "staff", "safeguarding_lead"])
def test_only_comms_and_auditors_see_who_has_read_it(who, request, as_user, team, published):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("portal:readers")).status_code == 403
    assert client.get(reverse("portal:readers_team", args=[team.pk])).status_code == 403


def _grow(size, version):
    """``size`` more teams, each with three staff of whom one has confirmed."""
    for _ in range(size):
        team = factories.TeamFactory()
        people = [factories.member_of(team) for _ in range(3)]
        ReadConfirmation.objects.create(
            user=people[0], version=version, confirmed_at=version.published_at
        )
        factories.UserFactory()


@pytest.mark.parametrize("size", [2, 12])
def test_the_readership_pages_cost_the_same_queries_for_any_number_of_staff(
    size, as_user, comms, published, django_assert_max_num_queries
):
    _grow(size, published["playbook"])
    client = as_user(comms)
    team = factories.TeamFactory()
    for _ in range(size):
        factories.member_of(team)
    client.get(reverse("portal:readers"))  # warm the session and profile cache
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portal:readers"))
    # The new teams, the one made above, the communications team, and staff in no team.
    assert response.content.decode().count('class="readership-bar"') == size + 3
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portal:readers_team", args=[team.pk]))
    assert response.content.decode().count("<strong>Not yet</strong>") == size

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal import roles, rules
from portal.models import Membership, OrganisationProfile, Team
from tests.factories import PASSWORD, UserFactory


def test_every_role_group_exists_with_its_permissions(db):
    for name, perms in roles.GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        got = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert got == set(perms)


def test_who_holds_a_role_by_group_or_in_their_own_right(people, safeguarding_lead):
    from django.contrib.auth.models import Permission

    from portal import selectors

    assert set(selectors.comms_users()) == {people["comms"], people["head"]}
    assert list(selectors.heads_of_comms()) == [people["head"]]
    assert list(selectors.safeguarding_leads()) == [safeguarding_lead]

    # Given the permission directly, and by group as well: listed once.
    app_label, codename = rules.COMMS_PERM.split(".")
    permission = Permission.objects.get(codename=codename, content_type__app_label=app_label)
    people["staff"].user_permissions.add(permission)
    people["head"].user_permissions.add(permission)
    found = list(selectors.comms_users())
    assert sorted(u.pk for u in found) == sorted(
        u.pk for u in (people["comms"], people["head"], people["staff"])
    )

    # Someone who has left holds no role; a superuser is not a role holder either.
    people["comms"].is_active = False
    people["comms"].save(update_fields=["is_active"])
    UserFactory(is_superuser=True)
    assert people["comms"] not in selectors.comms_users()
    assert selectors.comms_users().filter(is_superuser=True).count() == 0


def test_the_rules_answer_for_each_role(people, team, safeguarding_lead):
    assert rules.is_comms(people["comms"]) and rules.is_comms(people["head"])
    assert not rules.is_comms(people["auditor"])
    assert rules.is_head_of_comms(people["head"]) and not rules.is_head_of_comms(people["comms"])
    assert rules.is_auditor(people["auditor"]) and not rules.is_auditor(people["comms"])
    assert rules.sees_everything(people["auditor"]) and rules.sees_everything(people["comms"])
    assert not rules.sees_everything(people["manager"])
    assert rules.is_safeguarding_lead(safeguarding_lead)
    assert rules.is_manager_of(people["manager"], team.pk)
    assert not rules.is_manager_of(people["member"], team.pk)
    assert rules.is_member_of(people["member"], team.pk)
    assert not rules.is_member_of(people["outsider"], team.pk)
    assert not rules.is_team_member(people["staff"])


def test_a_deactivated_user_has_no_role(people):
    comms = people["comms"]
    comms.is_active = False
    comms.save()
    rules.forget(comms)
    assert not rules.is_comms(comms)
    assert not rules.sees_everything(comms)


def test_an_inactive_team_gives_no_access(member, team):
    Team.objects.filter(pk=team.pk).update(is_active=False)
    rules.forget(member)
    assert not rules.is_member_of(member, team.pk)


def test_sign_in_sign_out_and_change_password(db):
    user = UserFactory(username="casey")
    client = Client()
    response = client.post(reverse("portal:login"), {"username": "casey", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    response = client.post(
        reverse("portal:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-passphrase-2026")
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(db):
    UserFactory(username="casey")
    response = Client().post(reverse("portal:login"), {"username": "casey", "password": "nope"})
    assert response.status_code == 200
    assert "That user name and password do not match." in response.content.decode()


def test_a_short_new_password_is_refused(as_user, member):
    response = as_user(member).post(
        reverse("portal:password_change"),
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_comms_edit_the_organisation_profile_and_pages_show_it(as_user, comms, member):
    data = {
        "trust_name": "Riverside NHS Foundation Trust",
        "short_name": "Riverside",
        "website": "",
        "comms_email": "comms@riverside.example.nhs.uk",
        "comms_phone": "020 7946 0000",
        "office_opens": "08:30",
        "office_closes": "16:30",
        "crisis_line": "Riverside crisis line 0800 000 000",
        "crisis_url": "",
        "pals_contact": "pals@riverside.example.nhs.uk",
        "pals_url": "",
        "complaints_contact": "complaints@riverside.example.nhs.uk",
        "complaints_url": "",
    }
    response = as_user(comms).post(reverse("portal:organisation"), data)
    assert response.status_code == 302
    profile = OrganisationProfile.load()
    assert profile.trust_name == "Riverside NHS Foundation Trust"
    assert profile.history.first().history_user == comms
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert "comms@riverside.example.nhs.uk" in page
    assert "Riverside crisis line 0800 000 000" in page
    assert "08:30 to 16:30" in page


def test_office_hours_must_close_after_they_open(as_user, comms):
    response = as_user(comms).post(
        reverse("portal:organisation"),
        {
            "trust_name": "T",
            "short_name": "T",
            "comms_email": "c@example.nhs.uk",
            "office_opens": "17:00",
            "office_closes": "09:00",
            "crisis_line": "111",
        },
    )
    assert response.status_code == 200
    assert "close after they open" in response.content.decode()


@pytest.mark.parametrize("role", ["member", "manager", "auditor", "staff"])
def test_only_comms_edit_the_organisation_profile(as_user, people, role):
    response = as_user(people[role]).post(
        reverse("portal:organisation"), {"trust_name": "Hijacked"}
    )
    assert response.status_code == 403
    assert OrganisationProfile.load().trust_name != "Hijacked"


def test_auditors_read_the_organisation_profile_and_change_nothing(as_user, auditor):
    """The policy review date in their list of reminders links here."""
    response = as_user(auditor).get(reverse("portal:organisation"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "you can read them here" in page
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert "Save profile" not in page and 'name="trust_name"' in page


def test_comms_add_and_remove_team_members(as_user, comms, team):
    newcomer = UserFactory()
    response = as_user(comms).post(
        reverse("portal:team_add_member", args=[team.pk]),
        {"user": newcomer.pk, "role": Membership.Role.MANAGER},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(team=team, user=newcomer)
    assert membership.role == Membership.Role.MANAGER
    again = as_user(comms).post(
        reverse("portal:team_add_member", args=[team.pk]),
        {"user": newcomer.pk, "role": Membership.Role.MEMBER},
    )
    assert again.status_code == 400
    assert "already in this team" in again.content.decode()
    as_user(comms).post(reverse("portal:team_remove_member", args=[team.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert membership.history.model.objects.filter(id=membership.pk).count() == 2


def test_a_manager_cannot_change_team_membership(as_user, manager, team):
    newcomer = UserFactory()
    response = as_user(manager).post(
        reverse("portal:team_add_member", args=[team.pk]),
        {"user": newcomer.pk, "role": Membership.Role.MANAGER},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()


def test_teams_list_shows_only_my_teams(as_user, member, team, other_team):
    response = as_user(member).get(reverse("portal:team_list"))
    assert list(response.context["teams"]) == [team]

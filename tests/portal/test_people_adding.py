"""The communications team gives someone a sign-in; they choose their own password from
the e-mail they are sent."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from freezegun import freeze_time

from portal import passwords, roles, selectors, services_people
from portal import rules as portal_rules
from portal.models import Membership
from tests import factories

NEW_PASSWORD = "a-Fresh-passphrase-2026"

FORM = {
    "first_name": "Nadia",
    "last_name": "Rahman",
    "email": "Nadia.Rahman@trust.example.nhs.uk",
    "team": "",
    "role": "member",
}


def choose_password(link):
    """Follow an invitation's link and choose NEW_PASSWORD on its page."""
    client = Client()
    form = client.get(link, follow=True)
    assert "Choose your password" in form.content.decode()
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def add(client, **changes):
    return client.post(reverse("portal:person_add"), FORM | changes)


def test_comms_add_someone_to_a_team_and_they_choose_their_password_from_the_e_mail(
    comms, team, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add(as_user(comms), team=team.pk, role="manager")
    assert response.status_code == 302 and response["Location"] == reverse("portal:people")
    person = get_user_model().objects.get(email="Nadia.Rahman@trust.example.nhs.uk")
    assert person.username == "nadia.rahman"
    assert (person.first_name, person.last_name) == ("Nadia", "Rahman")
    assert not person.has_usable_password() and person.last_login is None
    assert Membership.objects.get(user=person).role == Membership.Role.MANAGER

    [message] = mail.outbox
    assert message.to == [person.email]
    assert "nadia.rahman" in message.body and "Hello Nadia" in message.body
    assert "within 7 days" in message.body
    link = re.search(r"/password/welcome/\S+/", message.body).group(0)
    choose_password(link)
    told = person.notifications.get(kind="portal.password_changed")
    assert told.title == "Your portal password was chosen"
    # The invitation's link works once.
    again = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in again and "for 7 days" in again
    assert Client().post(
        reverse("portal:login"), {"username": "nadia.rahman", "password": NEW_PASSWORD}
    )["Location"] == reverse("portal:home")


def test_the_people_page_tells_an_invitation_waiting_from_a_first_sign_in(comms, as_user):
    services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    page = as_user(comms).get(reverse("portal:people")).content.decode()
    assert page.count("<td>Invited, no password yet</td>") == 1
    assert reverse("portal:person_add") in page
    assert "<td>Not signed in yet</td>" not in page  # the fixtures' people have a password

    factories.UserFactory(first_name="Given", last_name="Password", last_login=None)
    page = as_user(comms).get(reverse("portal:people")).content.decode()
    assert page.count("<td>Not signed in yet</td>") == 1
    assert page.count("<td>Invited, no password yet</td>") == 1


def test_the_people_page_filters_by_status(comms, member, as_user):
    invited = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    never = factories.UserFactory(first_name="Never", last_name="Seen", last_login=None)
    gone = factories.UserFactory(first_name="Long", last_name="Gone", is_active=False)
    get_user_model().objects.filter(pk=member.pk).update(last_login="2026-12-01T09:00Z")
    client = as_user(comms)

    def listed(status):
        response = client.get(reverse("portal:people"), {"status": status})
        assert response.status_code == 200
        return {person.pk for person in response.context["page"].object_list}

    assert listed("invited") == {invited.pk}
    assert never.pk in listed("not_signed_in") and invited.pk not in listed("not_signed_in")
    assert member.pk in listed("active") and never.pk not in listed("active")
    assert comms.pk in listed("active")  # signed in to look
    assert listed("deactivated") == {gone.pk}
    # Anything else is no filter at all, and the page says so by selecting "Anyone".
    everyone = listed("")
    assert listed("<script>") == everyone and {invited.pk, never.pk, gone.pk} <= everyone
    page = client.get(reverse("portal:people"), {"status": "invited", "q": "nadia"})
    text = page.content.decode()
    assert '<option value="invited" selected>' in text and 'value="nadia"' in text


def test_the_invitation_link_works_for_days_not_an_hour(comms, db, settings):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    made = datetime.datetime(2026, 12, 1, 9, 0)
    with freeze_time(made):
        token = passwords.invitation_tokens.make_token(person)
    tokens = passwords.invitation_tokens
    with freeze_time(made + datetime.timedelta(days=6, hours=23)):
        assert tokens.check_token(person, token)
        # A reset link would have stopped after PASSWORD_RESET_TIMEOUT, and an invitation
        # is not taken for one.
        assert not default_token_generator.check_token(person, token)
    with freeze_time(made + datetime.timedelta(days=7, minutes=1)):
        assert not tokens.check_token(person, token)
    settings.INVITATION_DAYS = 10
    with freeze_time(made + datetime.timedelta(days=9)):
        assert tokens.check_token(person, token)
    with freeze_time(made - datetime.timedelta(minutes=5)):  # from the future
        assert not tokens.check_token(person, token)


def test_an_invitation_link_is_no_good_to_someone_with_a_password(comms, member, db):
    # Signed correctly, but for a person who has a password already: refused.
    token = passwords.invitation_tokens.make_token(member)
    assert not passwords.invitation_tokens.check_token(member, token)
    page = Client().get(
        reverse(
            "portal:invitation_accept",
            kwargs={"uidb64": urlsafe_base64_encode(force_bytes(member.pk)), "token": token},
        ),
        follow=True,
    )
    assert "This link no longer works" in page.content.decode()


def test_a_reset_link_is_not_taken_as_an_invitation(comms, db):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    assert not passwords.invitation_tokens.check_token(
        person, default_token_generator.make_token(person)
    )
    assert not passwords.invitation_tokens.check_token(person, "zzz-not-a-token")
    assert not passwords.invitation_tokens.check_token(person, "")


def test_comms_send_the_invitation_again(comms, as_user, django_capture_on_commit_callbacks):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    client = as_user(comms)
    edit_page = client.get(reverse("portal:person_edit", args=[person.pk])).content.decode()
    assert "Send the invitation again" in edit_page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:person_invite", args=[person.pk]), follow=True)
    assert "is on its way to nadia@trust.example.nhs.uk" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["nadia@trust.example.nhs.uk"] and "/password/welcome/" in message.body


def test_a_fresh_invitation_stops_the_links_in_earlier_ones(
    comms, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(as_user(comms))
    person = get_user_model().objects.get(email=FORM["email"])
    with django_capture_on_commit_callbacks(execute=True):
        as_user(comms).post(reverse("portal:person_invite", args=[person.pk]))
    first, second = (
        re.search(r"/password/welcome/\S+/", message.body).group(0) for message in mail.outbox
    )
    assert first != second
    stale = Client().get(first, follow=True).content.decode()
    assert "This link no longer works" in stale
    choose_password(second)
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_no_invitation_again_for_someone_with_a_password(comms, member, as_user):
    client = as_user(comms)
    edit_page = client.get(reverse("portal:person_edit", args=[member.pk])).content.decode()
    assert "Send the invitation again" not in edit_page
    response = client.post(reverse("portal:person_invite", args=[member.pk]), follow=True)
    assert "has chosen a password already" in response.content.decode()
    assert mail.outbox == []


def test_no_invitation_for_someone_deactivated(comms, as_user):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    services_people.user_deactivate(actor=comms, user=person)
    mail.outbox.clear()
    response = as_user(comms).post(reverse("portal:person_invite", args=[person.pk]), follow=True)
    assert "has been deactivated, so they cannot be invited" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["member", "manager", "auditor", "staff"])
def test_only_comms_send_invitations(people, role, as_user, comms):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    client = as_user(people[role])
    assert client.post(reverse("portal:person_invite", args=[person.pk])).status_code == 403
    assert client.get(reverse("portal:person_invite", args=[person.pk])).status_code in (
        403,
        405,
    )
    with pytest.raises(services_people.PeopleError):
        services_people.person_invite_again(actor=people[role], user=person)


def test_sending_an_invitation_again_needs_the_csrf_token(comms, db):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    assert client.post(reverse("portal:person_invite", args=[person.pk])).status_code == 403


def test_someone_added_who_lost_the_e_mail_asks_for_a_fresh_link(comms, db):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    mail.outbox.clear()
    Client().post(reverse("portal:password_reset"), {"email": "nadia@trust.example.nhs.uk"})
    [message] = mail.outbox
    assert person.username in message.body


def test_no_invitation_or_link_once_they_have_signed_in_without_a_password(comms, db):
    person = services_people.person_add(
        actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trust.example.nhs.uk"
    )
    get_user_model().objects.filter(pk=person.pk).update(last_login="2026-12-01T09:00Z")
    mail.outbox.clear()
    assert passwords.send_invitation_now(person.pk) is False
    assert passwords.people_using("nadia@trust.example.nhs.uk") == []


def test_a_user_name_already_taken_gets_a_number(comms, db):
    factories.UserFactory(username="nadia.rahman")
    factories.UserFactory(username="Nadia.Rahman2")
    person = services_people.person_add(
        actor=comms, first_name="N", last_name="R", email="Nadia.Rahman@other.example.nhs.uk"
    )
    assert person.username == "nadia.rahman3"


def test_an_address_already_in_use_is_refused_and_the_answers_are_kept(comms, member, as_user):
    response = add(as_user(comms), email=member.email.upper())
    page = response.content.decode()
    assert response.status_code == 400
    assert "already signs in with this address" in page and member.username in page
    assert 'value="Nadia"' in page and 'value="Rahman"' in page
    assert get_user_model().objects.filter(first_name="Nadia").count() == 0


def test_missing_answers_say_what_each_needs(comms, as_user):
    response = add(as_user(comms), first_name="", last_name="", email="")
    page = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Enter their first name.",
        "Enter their last name.",
        "Enter their work e-mail address.",
    ):
        assert message in page


@pytest.mark.parametrize("role", ["member", "manager", "auditor", "staff", "safeguarding"])
def test_only_comms_add_people(people, safeguarding_lead, role, as_user):
    user = safeguarding_lead if role == "safeguarding" else people[role]
    client = as_user(user)
    assert client.get(reverse("portal:person_add")).status_code == 403
    assert add(client).status_code == 403
    assert not get_user_model().objects.filter(first_name="Nadia").exists()
    with pytest.raises(services_people.PeopleError):
        services_people.person_add(
            actor=user, first_name="N", last_name="R", email="n@trust.example.nhs.uk"
        )


def test_adding_needs_the_csrf_token(comms):
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    assert add(client).status_code == 403


def test_with_the_broker_down_the_invitation_is_sent_from_the_request(
    comms, as_user, monkeypatch, django_capture_on_commit_callbacks
):
    from portal import tasks

    def down(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr(tasks.send_invitation, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        assert add(as_user(comms)).status_code == 302
    [message] = mail.outbox
    assert message.to == ["Nadia.Rahman@trust.example.nhs.uk"]


def test_the_address_of_someone_deactivated_points_to_reactivating_them(comms, as_user):
    factories.UserFactory(
        username="nadia.r", email="nadia.rahman@trust.example.nhs.uk", is_active=False
    )
    response = add(as_user(comms))
    assert response.status_code == 400
    assert "who was deactivated" in response.content.decode()


# Correcting someone's details


def edit(client, person, **changes):
    data = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email}
    return client.post(reverse("portal:person_edit", args=[person.pk]), data | changes)


def test_a_mistyped_address_is_corrected_and_the_invitation_goes_again(
    comms, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = services_people.person_add(
            actor=comms, first_name="Nadia", last_name="Rahman", email="nadia@trsut.example"
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(as_user(comms), person, email="nadia@trust.example.nhs.uk")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "nadia@trust.example.nhs.uk" and person.username == "nadia"
    [message] = mail.outbox
    assert message.to == ["nadia@trust.example.nhs.uk"] and "nadia" in message.body


def test_someone_signed_in_is_told_of_their_new_address_and_the_old_one_too(
    comms, member, as_user, django_capture_on_commit_callbacks
):
    member.last_login = "2026-12-01T09:00Z"
    member.save(update_fields=["last_login"])
    old = member.email
    with django_capture_on_commit_callbacks(execute=True):
        edit(as_user(comms), member, email="new.address@trust.example.nhs.uk", last_name="Jones")
    member.refresh_from_db()
    assert member.email == "new.address@trust.example.nhs.uk" and member.last_name == "Jones"
    notice = member.notifications.get(kind="portal.email_changed")
    assert "new.address@trust.example.nhs.uk" in notice.body
    [message] = [m for m in mail.outbox if m.to == [old]]
    assert "no longer uses this address" in message.subject
    assert member.username in message.body
    # The old address is not told where the new one is.
    assert "new.address" not in message.body + message.subject


def test_the_old_address_is_told_even_with_the_broker_down(
    comms, member, as_user, monkeypatch, django_capture_on_commit_callbacks
):
    from portal import tasks

    def down(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr(tasks.send_old_address_notice, "apply_async", down)
    member.last_login = "2026-12-01T09:00Z"
    member.save(update_fields=["last_login"])
    old = member.email
    with django_capture_on_commit_callbacks(execute=True):
        assert edit(as_user(comms), member, email="new@trust.example.nhs.uk").status_code == 302
    [message] = [m for m in mail.outbox if m.to == [old]]
    assert "no longer uses this address" in message.subject


def test_no_word_to_the_old_address_once_it_is_theirs_again(member, db):
    # The worker reads the sign-in as it is when it runs: changed back, nothing to say.
    assert passwords.send_old_address_notice_now(member.pk, member.email.upper()) is False
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert passwords.send_old_address_notice_now(member.pk, "old@trust.example.nhs.uk") is False
    assert mail.outbox == []


def test_a_name_alone_changes_quietly(comms, member, as_user):
    assert edit(as_user(comms), member, first_name="Tomas").status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Tomas"
    assert not member.notifications.filter(kind="portal.email_changed").exists()


def test_a_correction_to_someone_elses_address_is_refused_and_kept(
    comms, member, manager, as_user
):
    response = edit(as_user(comms), member, email=manager.email, first_name="Tomas")
    page = response.content.decode()
    assert response.status_code == 400
    assert "already signs in with this address" in page and 'value="Tomas"' in page
    assert f"Change the details of {member}" in page  # named as saved, not as typed
    member.refresh_from_db()
    assert member.first_name != "Tomas"


def test_only_comms_correct_details_and_never_an_administrators(comms, member, staff, as_user, db):
    assert as_user(member).get(reverse("portal:person_edit", args=[staff.pk])).status_code == 403
    assert edit(as_user(member), staff, first_name="X").status_code == 403
    admin = factories.UserFactory(is_superuser=True)
    assert as_user(comms).get(reverse("portal:person_edit", args=[admin.pk])).status_code == 404
    with pytest.raises(services_people.PeopleError):
        services_people.person_update(
            actor=comms, user=admin, first_name="A", last_name="B", email="a@b.example"
        )
    staff.refresh_from_db()
    assert staff.first_name != "X"


# Someone who holds a role: their address is where their password reset goes, so whoever
# changes it could take over their sign-in.


@pytest.mark.parametrize("role", ["comms2", "auditor", "safeguarding_lead"])
def test_a_comms_officer_cannot_change_or_deactivate_someone_holding_a_role(
    role, comms, request, as_user
):
    person = request.getfixturevalue(role)
    client = as_user(comms)
    assert client.get(reverse("portal:person_edit", args=[person.pk])).status_code == 403
    assert edit(client, person, email="comms.own@nhs.example").status_code == 403
    deactivate = reverse("portal:user_deactivate", args=[person.pk])
    assert client.post(deactivate, {"confirm": "on"}).status_code == 403
    with pytest.raises(services_people.PeopleError, match="only the head of communications"):
        services_people.person_update(
            actor=comms, user=person, first_name="A", last_name="B", email="x@nhs.example"
        )
    with pytest.raises(services_people.PeopleError, match="only the head of communications"):
        services_people.user_deactivate(actor=comms, user=person)
    person.refresh_from_db()
    assert person.is_active and person.email != "comms.own@nhs.example"
    page = client.get(reverse("portal:people")).content.decode()
    assert reverse("portal:person_edit", args=[person.pk]) not in page
    assert "Changed by the head of communications" in page


@pytest.mark.parametrize("role", ["comms2", "auditor", "safeguarding_lead"])
def test_the_head_of_communications_changes_and_deactivates_someone_holding_a_role(
    role, head, request, as_user
):
    person = request.getfixturevalue(role)
    client = as_user(head)
    assert edit(client, person, first_name="Renamed").status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Renamed"
    deactivate = reverse("portal:user_deactivate", args=[person.pk])
    assert client.post(deactivate, {"confirm": "on"}).status_code == 302
    person.refresh_from_db()
    assert not person.is_active


def test_a_head_of_communications_is_changed_only_in_the_admin(comms, head, as_user, db):
    other_head = factories.with_role(roles.HEAD_OF_COMMS, username="head2")
    for actor in (comms, head):
        client = as_user(actor)
        assert client.get(reverse("portal:person_edit", args=[other_head.pk])).status_code == 403
        assert edit(client, other_head, email="taken@nhs.example").status_code == 403
        with pytest.raises(services_people.PeopleError, match="in the admin"):
            services_people.user_deactivate(actor=actor, user=other_head)
    other_head.refresh_from_db()
    assert other_head.is_active and other_head.email != "taken@nhs.example"
    assert "Changed in the admin" in as_user(comms).get(reverse("portal:people")).content.decode()


@pytest.mark.parametrize("role", ["comms", "head"])
def test_someone_in_the_communications_team_corrects_their_own_details(role, request, as_user):
    person = request.getfixturevalue(role)
    assert edit(as_user(person), person, first_name="Corrected").status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Corrected"
    with pytest.raises(services_people.PeopleError, match="cannot deactivate yourself"):
        services_people.user_deactivate(actor=person, user=person)


def test_someone_who_may_use_the_django_admin_is_changed_only_there(comms, head, as_user, db):
    admin_user = factories.UserFactory(username="site_admin", is_staff=True)
    for actor in (comms, head):
        assert edit(as_user(actor), admin_user, email="mine@nhs.example").status_code == 403
        with pytest.raises(services_people.PeopleError, match="in the admin"):
            services_people.user_deactivate(actor=actor, user=admin_user)
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.email != "mine@nhs.example"


def test_a_role_held_in_a_persons_own_right_or_while_deactivated_still_counts(comms, db):
    from django.contrib.auth.models import Permission

    own = factories.UserFactory(username="own_right")
    own.user_permissions.add(Permission.objects.get(codename="receive_safeguarding"))
    gone = factories.with_role(roles.COMMS, username="gone_comms", is_active=False)
    plain = factories.UserFactory(username="plain")
    held = selectors.roles_held([own.pk, gone.pk, plain.pk])
    assert held == {
        own.pk: {portal_rules.SAFEGUARDING_PERM},
        gone.pk: {portal_rules.COMMS_PERM},
        plain.pk: set(),
    }
    with pytest.raises(services_people.PeopleError, match="only the head of communications"):
        services_people.person_update(
            actor=comms, user=gone, first_name="A", last_name="B", email="x@nhs.example"
        )


def test_a_service_manager_with_no_team_is_refused_with_what_was_typed_kept(comms, as_user):
    response = add(as_user(comms), role="manager")
    assert response.status_code == 400
    page = response.content.decode()
    assert "A service manager manages a team: choose theirs" in page
    assert 'value="Nadia.Rahman@trust.example.nhs.uk"' in page
    assert not get_user_model().objects.filter(email__iexact=FORM["email"]).exists()

"""The set-up checklist, naming moderators, registering accounts and verification."""

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from accounts_requests import checklist, services_accounts, services_vault
from accounts_requests.models import (
    AccountModerator,
    ManagedAccount,
    ManagedAccountEvent,
    Platform,
)
from accounts_requests.services import ActionConflict, ActionRefused
from portal.models import Membership, Notification
from tests import factories
from tests.accounts_requests.fixtures_accounts import live, ready, setting_up, vault_key
from tests.forms_html import opened_stamp

State = ManagedAccount.State
__all__ = ["live", "ready", "setting_up", "vault_key"]


def _keys(account):
    return {item.key: item.done for item in checklist.items(account)}


# The checklist


def test_a_new_account_has_every_item_to_do_and_says_what(setting_up):
    assert _keys(setting_up) == {
        "address": False,
        "moderators": False,
        "comms_admin": False,
        "credentials": False,
        "badge": False,
    }
    missing = checklist.missing(setting_up)
    assert "Add the handle and the web address." in missing
    assert "Name 2 more moderators from the team." in missing
    assert any("verified badge" in text for text in missing)


def test_the_badge_is_not_asked_of_a_platform_without_one(team, vault_key):
    account = factories.managed_account(
        team=team, state=State.SETTING_UP, platform=Platform.VIMEO, handle="", url=""
    )
    item = next(i for i in checklist.items(account) if i.key == "badge")
    assert item.done
    assert "does not offer one" in item.detail


def test_the_team_completes_it_through_the_services(ready):
    assert all(_keys(ready).values())
    assert checklist.is_complete(ready)


def test_a_leaver_or_someone_outside_the_team_does_not_count_as_a_moderator(ready, member, team):
    member.is_active = False
    member.save()
    assert _keys(ready)["moderators"] is False
    assert "Name 1 more moderator from the team." in checklist.missing(ready)


def test_moderators_must_be_active_members_of_the_team(setting_up, member, outsider):
    with pytest.raises(services_accounts.ActionError) as error:
        services_accounts.account_moderator_add(
            actor=member, account_id=setting_up.pk, user=outsider, role="moderator"
        )
    assert "user" in error.value.errors
    services_accounts.account_moderator_add(
        actor=member, account_id=setting_up.pk, user=member, role="admin"
    )
    with pytest.raises(services_accounts.ActionError):
        services_accounts.account_moderator_add(
            actor=member, account_id=setting_up.pk, user=member, role="moderator"
        )
    assert AccountModerator.objects.filter(account=setting_up).count() == 1


def test_another_team_cannot_name_moderators(setting_up, outsider, member):
    with pytest.raises(ActionRefused):
        services_accounts.account_moderator_add(
            actor=outsider, account_id=setting_up.pk, user=member, role="moderator"
        )


def test_comms_are_told_once_when_the_checklist_becomes_complete(comms, manager, ready):
    ready_notes = Notification.objects.filter(kind="account.setup_ready", recipient=comms)
    assert ready_notes.count() == 1
    services_accounts.account_setup_update(
        actor=manager,
        account_id=ready.pk,
        handle="@teampage2",
        url="https://www.facebook.com/teampage2",
        comms_admin=True,
        verified_badge=True,
    )
    assert ready_notes.count() == 1


def test_a_set_up_no_longer_complete_leaves_comms_list_until_it_is_again(comms, manager, ready):
    from accounts_requests import selectors_accounts

    assert selectors_accounts.ready_to_verify() == [ready]
    moderator = ready.moderators.order_by("pk").first()
    services_accounts.account_moderator_remove(
        actor=manager, account_id=ready.pk, moderator_id=moderator.pk
    )
    assert not checklist.is_complete(ready)
    assert selectors_accounts.ready_to_verify() == []
    services_accounts.account_moderator_add(
        actor=manager, account_id=ready.pk, user=moderator.user, role=moderator.role
    )
    assert selectors_accounts.ready_to_verify() == [ready]
    ready_notes = Notification.objects.filter(kind="account.setup_ready", recipient=comms)
    assert ready_notes.count() == 2  # told again: it is ready again


def test_a_named_moderator_leaving_takes_a_set_up_off_comms_list(comms, manager, team, ready):
    from accounts_requests import selectors_accounts

    first, second = [named.user for named in ready.moderators.order_by("pk")[:2]]
    # Leaving the team: not offered, though nothing was saved on the account.
    Membership.objects.filter(user=second, team=team).delete()
    assert selectors_accounts.ready_to_verify() == []
    Membership.objects.create(user=second, team=team)
    assert selectors_accounts.ready_to_verify() == [ready]
    # Leaving the trust: off the list, and announced again once someone else is named.
    first.is_active = False
    first.save()
    ready.setup.refresh_from_db()
    assert ready.setup.ready_notified_at is None
    assert selectors_accounts.ready_to_verify() == []
    services_accounts.account_moderator_add(
        actor=manager, account_id=ready.pk, user=factories.member_of(team), role="moderator"
    )
    assert selectors_accounts.ready_to_verify() == [ready]
    ready_notes = Notification.objects.filter(kind="account.setup_ready", recipient=comms)
    assert ready_notes.count() == 2


def _confirm_admin_rights(account, actor):
    services_accounts.account_setup_update(
        actor=actor,
        account_id=account.pk,
        handle="@perinatal",
        url="https://www.facebook.com/perinatal",
        comms_admin=True,
        verified_badge=False,
    )
    account.refresh_from_db()


def test_setup_changes_are_on_the_timeline_with_who_confirmed_admin_rights(setting_up, manager):
    _confirm_admin_rights(setting_up, manager)
    assert setting_up.setup.comms_admin_confirmed_by == manager
    assert setting_up.setup.comms_admin_confirmed_at is not None
    event = ManagedAccountEvent.objects.get(account=setting_up, action="setup_updated")
    assert event.actor == manager
    assert set(event.changed_fields) == {"handle", "url", "communications team admin rights"}


def test_who_confirmed_admin_rights_is_dated_by_the_trusts_own_day(setting_up, manager):
    # 23:30 UTC on 1 July is half past midnight on 2 July in London.
    with freeze_time("2026-07-01 23:30:00+00:00"):
        _confirm_admin_rights(setting_up, manager)
    item = next(i for i in checklist.items(setting_up) if i.key == "comms_admin")
    assert item.done
    assert item.detail == f"Confirmed by {manager} on 2 Jul 2026"


# Verification: setting_up -> active


def test_comms_verify_a_complete_set_up_and_the_team_is_told(ready, comms, member):
    account = services_accounts.account_verify(actor=comms, account_id=ready.pk, comment="Fine")
    assert account.state == State.ACTIVE
    assert account.activated_at is not None
    event = ManagedAccountEvent.objects.get(account=account, action="verify_setup")
    assert (event.actor, event.from_state, event.to_state) == (comms, "setting_up", "active")
    assert Notification.objects.filter(recipient=member, kind="account.verified").exists()


def test_verifying_an_incomplete_set_up_is_refused_with_what_is_missing(setting_up, comms):
    with pytest.raises(services_accounts.SetupIncomplete) as error:
        services_accounts.account_verify(actor=comms, account_id=setting_up.pk)
    assert "Name 2 more moderators from the team." in error.value.message
    assert len(error.value.errors) == 5
    setting_up.refresh_from_db()
    assert setting_up.state == State.SETTING_UP


@pytest.mark.parametrize("role", ["member", "manager", "outsider", "auditor", "staff"])
def test_only_comms_may_verify(ready, people, role):
    with pytest.raises(ActionRefused):
        services_accounts.account_verify(actor=people[role], account_id=ready.pk)


@pytest.mark.parametrize("role", ["comms", "head"])
def test_comms_and_their_head_may_verify(ready, people, role):
    assert services_accounts.account_verify(actor=people[role], account_id=ready.pk).state == (
        State.ACTIVE
    )


@pytest.mark.parametrize("state", [s for s in State.values if s != State.SETTING_UP])
def test_verification_only_runs_from_setting_up(team, comms, state, vault_key):
    account = factories.managed_account(team=team, state=state)
    with pytest.raises(ActionConflict):
        services_accounts.account_verify(actor=comms, account_id=account.pk)


# Registering an account that did not come from a proposal


def test_comms_register_a_corporate_account_in_set_up(comms, comms_team, as_user):
    response = as_user(comms).post(
        reverse("accounts_requests:account_create"),
        {
            "team": comms_team.pk,
            "platform": Platform.X,
            "name": "The trust",
            "handle": "@TrustNHS",
            "url": "https://x.com/TrustNHS",
            "target_followers": 5000,
            "target_posts_per_month": 30,
            "target_engagement_rate": "1.50",
            "target_reply_hours": 8,
        },
    )
    account = ManagedAccount.objects.get(name="The trust")
    assert response.status_code == 302
    assert response["Location"] == account.get_absolute_url()
    assert account.team == comms_team
    assert account.state == State.SETTING_UP
    assert account.events.get().action == "registered"


def test_registering_refuses_an_address_that_is_not_on_the_platform(comms, comms_team, as_user):
    response = as_user(comms).post(
        reverse("accounts_requests:account_create"),
        {
            "team": comms_team.pk,
            "platform": Platform.X,
            "name": "Look-alike",
            "handle": "@TrustNHS",
            "url": "https://x.com.example.net/TrustNHS",
            "target_followers": 5000,
            "target_posts_per_month": 30,
            "target_engagement_rate": "1.50",
            "target_reply_hours": 8,
        },
    )
    assert response.status_code == 400
    assert "This address is not on X (Twitter)" in response.content.decode()
    assert not ManagedAccount.objects.filter(name="Look-alike").exists()


def test_a_team_cannot_register_an_account(member, as_user):
    assert as_user(member).get(reverse("accounts_requests:account_create")).status_code == 403
    with pytest.raises(ActionRefused):
        services_accounts.managed_account_register(
            actor=member, team=member.memberships.get().team, data={}
        )


# The pages


def test_the_team_fills_in_the_set_up_form(setting_up, member, as_user):
    url = reverse("accounts_requests:account_setup", args=[setting_up.pk])
    response = as_user(member).post(
        url,
        {
            "handle": "@perinatal",
            "url": "https://www.facebook.com/perinatal",
            "comms_admin": "on",
            "verified_badge": "on",
        },
    )
    assert response.status_code == 302
    setting_up.refresh_from_db()
    assert setting_up.handle == "@perinatal"
    assert setting_up.setup.verified_badge is True
    assert setting_up.setup.badge_confirmed_by == member


def test_a_set_up_saved_from_an_older_page_keeps_what_was_ticked_meanwhile(
    setting_up, member, manager, as_user
):
    import html

    url = reverse("accounts_requests:account_setup", args=[setting_up.pk])
    page = as_user(member).get(url).content.decode()
    opened = opened_stamp(page)
    older = {"handle": "", "url": "", "opened": html.unescape(opened)}
    # The manager confirms comms' admin rights; the member, from the older page, gives
    # the address and does not tick the box they never saw ticked.
    as_user(manager).post(url, {"handle": "", "url": "", "comms_admin": "on"})
    answers = older | {"handle": "@perinatal", "url": "https://www.facebook.com/perinatal"}
    assert as_user(member).post(url, answers).status_code == 302
    setting_up.refresh_from_db()
    assert setting_up.handle == "@perinatal"
    assert setting_up.setup.comms_admin_confirmed_by == manager
    # Both changed the address: refused, with what was typed kept.
    clash = as_user(manager).post(
        url, older | {"handle": "@other", "url": "https://www.facebook.com/other"}
    )
    assert clash.status_code == 409
    assert 'value="@other"' in clash.content.decode()
    setting_up.refresh_from_db()
    assert setting_up.handle == "@perinatal"


def test_the_set_up_form_refuses_a_look_alike_address_and_keeps_the_answers(
    setting_up, member, as_user
):
    response = as_user(member).post(
        reverse("accounts_requests:account_setup", args=[setting_up.pk]),
        {"handle": "@perinatal", "url": "http://facebook.com/perinatal", "comms_admin": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Use the secure address" in page
    assert 'value="@perinatal"' in page
    setting_up.refresh_from_db()
    assert setting_up.handle == ""


def test_the_handle_cannot_be_changed_on_the_form_once_live(live, member, as_user):
    as_user(member).post(
        reverse("accounts_requests:account_setup", args=[live.pk]),
        {
            "handle": "@hijacked",
            "url": "https://www.facebook.com/hijacked",
            "comms_admin": "on",
            "verified_badge": "on",
        },
    )
    live.refresh_from_db()
    assert live.handle == "@teampage"


def test_the_account_page_shows_the_checklist_and_names_what_is_missing(
    setting_up, member, as_user
):
    page = as_user(member).get(setting_up.get_absolute_url()).content.decode()
    assert "Set-up checklist" in page
    assert "5 of 5 still to do" in page
    assert "Name 2 more moderators from the team." in page
    assert "Verify the set-up" not in page  # the team cannot verify


def test_the_verify_button_refuses_an_incomplete_set_up_on_the_page(setting_up, comms, as_user):
    client = as_user(comms)
    page = client.get(setting_up.get_absolute_url()).content.decode()
    assert "Verify the set-up and make the account active" in page
    response = client.post(reverse("accounts_requests:account_verify", args=[setting_up.pk]))
    assert response.status_code == 400
    assert "The account cannot go live yet" in response.content.decode()
    assert "Lodge the login details." in response.content.decode()


def test_verify_by_post_makes_the_account_active(ready, comms, as_user):
    response = as_user(comms).post(reverse("accounts_requests:account_verify", args=[ready.pk]))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.state == State.ACTIVE


def test_a_team_member_posting_verify_is_refused(ready, member, as_user):
    response = as_user(member).post(reverse("accounts_requests:account_verify", args=[ready.pk]))
    assert response.status_code == 403
    ready.refresh_from_db()
    assert ready.state == State.SETTING_UP


def test_another_teams_account_answers_404_to_every_action(ready, outsider, as_user):
    client = as_user(outsider)
    for name in ("account_verify", "moderator_add", "incident_resolve"):
        assert (
            client.post(reverse(f"accounts_requests:{name}", args=[ready.pk])).status_code == 404
        )
    named = ready.moderators.first()
    url = reverse("accounts_requests:moderator_remove", args=[ready.pk, named.pk])
    assert client.post(url).status_code == 404
    assert ready.moderators.count() == 2


def test_actions_need_the_csrf_token(ready, comms):
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    response = client.post(reverse("accounts_requests:account_verify", args=[ready.pk]))
    assert response.status_code == 403
    ready.refresh_from_db()
    assert ready.state == State.SETTING_UP


def test_naming_a_moderator_on_the_page(setting_up, member, manager, as_user):
    response = as_user(member).post(
        reverse("accounts_requests:moderator_add", args=[setting_up.pk]),
        {"user": manager.pk, "role": "admin"},
    )
    assert response.status_code == 302
    named = AccountModerator.objects.get(account=setting_up)
    assert (named.user, named.role, named.added_by) == (manager, "admin", member)


def test_naming_someone_from_another_team_shows_the_error_on_the_page(
    setting_up, member, outsider, as_user
):
    response = as_user(member).post(
        reverse("accounts_requests:moderator_add", args=[setting_up.pk]),
        {"user": outsider.pk, "role": "moderator"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not AccountModerator.objects.filter(account=setting_up).exists()


def test_removing_a_moderator(ready, manager, as_user):
    named = ready.moderators.get(user=manager)
    response = as_user(manager).post(
        reverse("accounts_requests:moderator_remove", args=[ready.pk, named.pk])
    )
    assert response.status_code == 302
    assert not ready.moderators.filter(user=manager).exists()
    assert ready.events.filter(action="moderator_removed").exists()
    assert named.history.filter(history_type="-").exists()


def test_an_auditor_reads_the_page_but_changes_nothing(ready, auditor, as_user):
    client = as_user(auditor)
    page = client.get(ready.get_absolute_url()).content.decode()
    assert "Set-up checklist" in page
    assert "Name someone" not in page
    assert (
        client.post(reverse("accounts_requests:account_verify", args=[ready.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("accounts_requests:account_setup", args=[ready.pk])).status_code == 403
    )


def test_lodging_login_details_completes_that_item(setting_up, member):
    services_vault.credential_lodge(
        actor=member, account_id=setting_up.pk, login="team@example.nhs.uk", password="pw-1"
    )
    assert _keys(setting_up)["credentials"] is True


@pytest.mark.parametrize("size", [2, 20])
def test_the_account_page_costs_the_same_queries_however_much_it_lists(
    size, live, comms, team, as_user, django_assert_max_num_queries
):
    from accounts_requests import services_notices

    for i in range(size):
        services_accounts.account_moderator_add(
            actor=comms, account_id=live.pk, user=factories.member_of(team), role="moderator"
        )
        services_notices.notice_file(
            actor=comms,
            account_id=live.pk,
            what_changed="password",
            reason="routine",
            changed_at=live.activated_at,
            details=f"Change {i}",
            password=f"the-new-one-{i}",
        )
    client = as_user(comms)
    client.get(live.get_absolute_url())
    with django_assert_max_num_queries(26):
        response = client.get(live.get_absolute_url())
    assert len(response.context["notices"]) == size


def test_the_team_names_a_moderator_on_the_page_and_a_bad_choice_is_explained(
    setting_up, member, manager, outsider, as_user
):
    client = as_user(manager)
    page = client.get(setting_up.get_absolute_url()).content.decode()
    assert '<label for="id_user" class="form-label requiredField">Person' in page
    assert 'aria-describedby="id_user_helptext"' in page
    assert f'<option value="{member.pk}">{member}</option>' in page
    assert f'value="{outsider.pk}"' not in page  # only the team's own people are offered
    url = reverse("accounts_requests:moderator_add", args=[setting_up.pk])

    refused = client.post(url, {"user": outsider.pk, "role": "admin"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_user_helptext id_user_error"' in page
    assert '<div id="id_user_error" class="invalid-feedback d-block">' in page
    assert '<option value="admin" selected>' in page  # the answer given is kept
    assert not setting_up.moderators.filter(user=outsider).exists()

    named = client.post(url, {"user": member.pk, "role": "moderator"})
    assert named.status_code == 302
    assert setting_up.moderators.filter(user=member, role="moderator").exists()


def test_the_account_page_offers_the_team_to_lodge_login_details_until_they_are(
    setting_up, member, as_user
):
    from accounts_requests import services_vault

    url = setting_up.get_absolute_url()
    lodge = reverse("accounts_requests:credentials", args=[setting_up.pk])
    assert (
        f'href="{lodge}">Lodge the login details</a>' in as_user(member).get(url).content.decode()
    )
    services_vault.credential_lodge(
        actor=member, account_id=setting_up.pk, login="team@example.nhs.uk", password="x-1"
    )
    assert ">Lodge the login details</a>" not in as_user(member).get(url).content.decode()


def test_a_live_account_says_which_items_are_not_in_place_now(team, comms, as_user, vault_key):
    from django.utils import timezone

    account = factories.managed_account(
        team=team, state=State.ACTIVE, handle="", url="", activated_at=timezone.now()
    )
    page = as_user(comms).get(account.get_absolute_url()).content.decode()
    assert "Verified by the communications team; active since" in page
    assert "of the items below are not in place now" in page

"""The leaver rule: deactivating someone who could get into an account raises a task to
change its login details, shown to the team and comms until a notice closes it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts_requests import services_accounts, services_notices, services_vault
from accounts_requests.models import CredentialChangeNotice, ManagedAccount, RotationTask
from portal.models import Notification
from tests import factories
from tests.accounts_requests.fixtures_accounts import live, ready, vault_key
from tests.factories import PASSWORD

__all__ = ["live", "ready", "vault_key"]

Notice = CredentialChangeNotice


def _deactivate(user):
    user.is_active = False
    user.save()


def test_deactivating_a_named_moderator_raises_a_task_on_every_account_they_moderate(
    team, member, manager, comms, vault_key
):
    first = factories.account_ready_to_verify(team, [member, manager], name="One")
    second = factories.account_ready_to_verify(team, [member, manager], name="Two")
    unrelated = factories.managed_account(team=team, name="Three")
    _deactivate(member)
    tasks = RotationTask.objects.open()
    assert {t.account for t in tasks} == {first, second}
    assert all(t.departed_user == member and t.reason == "named" for t in tasks)
    assert not unrelated.rotation_tasks.exists()
    assert first.events.filter(action="rotation_raised", actor=None).exists()
    told = Notification.objects.filter(kind="account.rotation_raised")
    assert {n.recipient for n in told} == {manager, comms}


def test_someone_who_revealed_the_login_details_raises_a_task_when_they_leave(
    live, comms, comms2, as_user
):
    as_user(comms2).post(
        reverse("accounts_requests:reveal", args=[live.pk]),
        {"password": PASSWORD, "reason": "Cover while the team is on leave"},
    )
    _deactivate(comms2)
    task = RotationTask.objects.get()
    assert (task.account, task.reason) == (live, RotationTask.Reason.REVEALED)


def test_nothing_is_raised_for_closed_accounts_or_people_named_nowhere(team, member, staff):
    account = factories.managed_account(team=team, state=ManagedAccount.State.CLOSED)
    factories.named_moderator(account, member)
    _deactivate(member)
    _deactivate(staff)
    assert not RotationTask.objects.exists()


def test_saving_an_inactive_user_again_raises_nothing_more(live, member):
    _deactivate(member)
    member.first_name = "Renamed"
    member.save()
    member.save(update_fields=["last_login"])
    assert RotationTask.objects.count() == 1


def test_other_saves_of_an_active_user_raise_nothing(live, member):
    member.first_name = "Tom"
    member.save()
    assert not RotationTask.objects.exists()


def test_a_password_change_notice_closes_the_task(live, member, manager):
    _deactivate(member)
    services_notices.notice_file(
        actor=manager,
        account_id=live.pk,
        what_changed=Notice.What.TWO_FACTOR,
        reason=Notice.Reason.LEAVER,
        changed_at=timezone.now(),
    )
    assert RotationTask.objects.open().count() == 1  # only a new password closes it
    notice = services_notices.notice_file(
        actor=manager,
        account_id=live.pk,
        what_changed=Notice.What.PASSWORD,
        reason=Notice.Reason.LEAVER,
        changed_at=timezone.now() - datetime.timedelta(minutes=5),
        password="rotated-after-leaver",
    )
    task = RotationTask.objects.get()
    assert task.closed_by_notice == notice
    assert task.closed_at is not None


def test_the_task_is_shown_to_the_team_and_comms_until_closed(
    live, member, manager, comms, as_user
):
    _deactivate(member)
    for user in (manager, comms):
        page = as_user(user).get(live.get_absolute_url()).content.decode()
        assert "Change the login details" in page
        assert "was deactivated" in page
        home = as_user(user).get(reverse("portal:home")).content.decode()
        assert live.name in home
        listing = as_user(user).get(reverse("accounts_requests:account_list")).content.decode()
        assert "Change the login details" in listing
    services_notices.notice_file(
        actor=manager,
        account_id=live.pk,
        what_changed=Notice.What.PASSWORD,
        reason=Notice.Reason.LEAVER,
        changed_at=timezone.now(),
        password="rotated-after-leaver",
    )
    page = as_user(manager).get(live.get_absolute_url()).content.decode()
    assert "was deactivated on" not in page


def test_deactivating_in_the_django_admin_raises_the_task(live, member, as_user):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:portal_user_change", args=[member.pk])
    client = as_user(admin)
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "is_active": "",
            "date_joined_0": member.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
            "last_login_0": "",
            "last_login_1": "",
            "is_staff": "",
            "is_superuser": "",
            "wants_daily_digest": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert not member.is_active
    assert RotationTask.objects.filter(account=live, departed_user=member).exists()


def test_deactivating_on_the_comms_page_raises_the_task(live, member, comms, as_user):
    response = as_user(comms).post(
        reverse("portal:user_deactivate", args=[member.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    assert RotationTask.objects.filter(account=live, departed_user=member).exists()


@pytest.mark.parametrize("twice", [1, 2])
def test_raising_twice_for_the_same_leaver_keeps_one_open_task(live, member, twice):
    _deactivate(member)
    for _ in range(twice):
        services_notices.rotation_tasks_raise_for_leaver(user=member)
    assert RotationTask.objects.open().count() == 1


def test_someone_who_lodged_the_login_details_raises_a_task_when_they_leave(live, team):
    lodger = factories.member_of(team, username="lodger")
    services_vault.credential_lodge(actor=lodger, account_id=live.pk, login="l", password="p")
    _deactivate(lodger)
    task = RotationTask.objects.get(departed_user=lodger)
    assert (task.account, task.reason) == (live, RotationTask.Reason.LODGED)


def test_someone_taken_off_the_list_still_knows_the_details_until_they_are_changed(
    live, team, manager
):
    def named_then_removed(username):
        person = factories.member_of(team, username=username)
        named = services_accounts.account_moderator_add(
            actor=manager, account_id=live.pk, user=person, role="admin"
        )
        services_accounts.account_moderator_remove(
            actor=manager, account_id=live.pk, moderator_id=named.pk
        )
        return person

    knows = named_then_removed("knows")
    _deactivate(knows)
    task = RotationTask.objects.get(departed_user=knows)
    assert (task.account, task.reason) == (live, RotationTask.Reason.NAMED)

    # Removed, and then new login details lodged by someone else: what they knew is gone.
    forgot = named_then_removed("forgot")
    services_vault.credential_lodge(actor=manager, account_id=live.pk, login="n", password="q")
    _deactivate(forgot)
    assert not RotationTask.objects.filter(departed_user=forgot).exists()

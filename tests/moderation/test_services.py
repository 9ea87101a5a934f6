import datetime

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from accounts_requests.services import ActionError, ActionRefused
from moderation import services
from moderation.models import Action, AuthorTold, Entry, EntryEvent
from portal.models import Notification
from tests import factories
from tests.moderation.helpers import category, entry_data, log_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return factories.managed_account(team=team, name="Perinatal page")


def test_an_entry_is_logged_with_its_categories_actions_and_timeline(comms, account):
    entry = log_entry(
        comms,
        account,
        categories=[category("abuse"), category("swearing-obscenity")],
        actions=[Action.HIDE, Action.REPLY_PRIVATELY],
        author_told=AuthorTold.PRIVATE_MESSAGE,
    )
    entry.refresh_from_db()
    assert entry.moderator == comms
    assert entry.platform == account.platform
    assert {c.slug for c in entry.categories.all()} == {"abuse", "swearing-obscenity"}
    assert set(entry.action_values) == {Action.HIDE, Action.REPLY_PRIVATELY}
    assert entry.commenter.handle_key == "troll_one"
    assert [e.action for e in entry.events.all()] == ["created"]
    assert entry.history.count() == 1


def test_the_evidence_retention_date_comes_from_the_setting(comms, account, settings):
    settings.MODERATION_EVIDENCE_RETENTION_MONTHS = 13
    entry = log_entry(comms, account)
    today = timezone.localdate()
    assert entry.evidence_retain_until == services.add_months(today, 13)
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 3, 15), -11) == datetime.date(2025, 4, 15)


def test_personal_data_is_redacted_when_saved_whatever_the_form_sent(comms, account):
    entry = log_entry(
        comms, account, excerpt="My NHS number is 943 476 5919, ring 07700 900123, you prick"
    )
    entry.refresh_from_db()
    assert entry.excerpt == (
        "My NHS number is [NHS number removed], ring [phone number removed], you prick"
    )
    assert "943 476 5919" not in str(list(entry.history.values_list("excerpt", flat=True)))


def test_only_comms_log_entries(auditor, safeguarding_lead, member, account):
    for user in (auditor, safeguarding_lead, member):
        with pytest.raises(ActionRefused):
            log_entry(user, account)
    assert not Entry.objects.exists()


def test_an_entry_needs_a_category_an_action_and_a_reason_when_not_told(comms, account):
    with pytest.raises(ActionError) as error:
        log_entry(comms, account, categories=[])
    assert "categories" in error.value.errors
    with pytest.raises(ActionError) as error:
        log_entry(comms, account, actions=[])
    assert "actions" in error.value.errors
    with pytest.raises(ActionError) as error:
        log_entry(comms, account, author_told=AuthorTold.NOT_TOLD)
    assert "not_told_reason" in error.value.errors


def test_one_handle_is_one_person_across_accounts_however_it_is_written(comms, team, account):
    other = factories.managed_account(team=team, name="Second page", platform=account.platform)
    first = log_entry(comms, account, handle="@Troll_One")
    second = log_entry(comms, other, handle=" troll_one ")
    assert first.commenter_id == second.commenter_id
    instagram = factories.managed_account(team=team, name="Insta", platform="instagram")
    third = log_entry(comms, instagram, handle="@troll_one")
    assert third.commenter_id != first.commenter_id


# Append-only


def test_entries_cannot_be_deleted_through_the_orm_or_the_admin(comms, account):
    entry = log_entry(comms, account)
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        Entry.objects.all().delete()
    with pytest.raises(PermissionError):
        Entry.objects.filter(pk=entry.pk).delete()
    request = RequestFactory().get("/")
    request.user = factories.UserFactory(is_superuser=True, is_staff=True)
    assert not site._registry[Entry].has_delete_permission(request, entry)
    assert not site._registry[Entry].has_change_permission(request, entry)
    assert Entry.objects.filter(pk=entry.pk).exists()
    with pytest.raises(PermissionError):
        EntryEvent.objects.filter(entry=entry).delete()


def test_edits_are_kept_in_the_history_and_on_the_timeline(comms, comms2, team, account):
    entry = log_entry(comms, account, author_told=AuthorTold.NOT_YET)
    other = factories.managed_account(team=team, name="Second page", platform=account.platform)
    data = entry_data(
        other,
        occurred_at=entry.occurred_at,
        excerpt="You are all useless and lazy",
        categories=[category("abuse"), category("targeting-staff")],
        actions=[Action.HIDE, Action.BLOCK],
        author_told=AuthorTold.PUBLIC_REPLY,
    )
    entry, changed = services.entry_update(actor=comms2, entry_id=entry.pk, data=data)
    assert set(changed) == {"account", "excerpt", "author_told", "categories", "actions"}
    assert entry.history.count() == 2
    old = entry.history.earliest()
    assert old.excerpt == "You are all useless"
    assert old.account_id == account.pk
    event = entry.events.get(action="edited")
    assert event.actor == comms2
    assert "Perinatal page" in event.comment
    assert "Abuse of staff or the public" in event.comment
    assert "Hid the comment" in event.comment
    assert entry.moderator == comms  # the moderator who logged it stays


def test_saving_an_unchanged_entry_records_nothing(comms, account):
    entry = log_entry(comms, account)
    data = entry_data(account, occurred_at=entry.occurred_at)
    _, changed = services.entry_update(actor=comms, entry_id=entry.pk, data=data)
    assert changed == []
    assert entry.events.count() == 1


# Urgent routes


def test_a_safeguarding_entry_tells_the_lead_and_the_head_at_once_without_personal_data(
    comms, head, safeguarding_lead, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = log_entry(
            comms,
            account,
            handle="@private_person",
            excerpt="I'm going to hurt myself tonight, my number is 07700 900123",
            safeguarding=True,
            categories=[category("safeguarding-concern")],
        )
    notes = Notification.objects.filter(kind="moderation.safeguarding")
    assert {n.recipient for n in notes} == {safeguarding_lead, head}
    assert all(n.urgent and n.send_after is None for n in notes)
    assert all(n.url == entry.get_absolute_url() for n in notes)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([safeguarding_lead.email, head.email])
    for text in [n.title + n.body for n in notes] + [m.subject + m.body for m in mail.outbox]:
        assert "private_person" not in text
        assert "hurt myself" not in text
        assert "07700" not in text
    assert all(m.subject.startswith("[") and "URGENT" in m.subject for m in mail.outbox)


def test_urgent_alerts_go_out_of_office_hours_too(
    comms, safeguarding_lead, account, django_capture_on_commit_callbacks
):
    from freezegun import freeze_time

    with freeze_time("2026-12-25 23:30:00"), django_capture_on_commit_callbacks(execute=True):
        log_entry(comms, account, safeguarding=True)
    assert [m.to for m in mail.outbox] == [[safeguarding_lead.email]]


def test_choosing_the_safeguarding_category_or_referral_sets_the_flag(
    comms, safeguarding_lead, account
):
    by_category = log_entry(comms, account, categories=[category("safeguarding-concern")])
    by_action = log_entry(comms, account, actions=[Action.SAFEGUARDING])
    assert by_category.safeguarding and by_action.safeguarding
    assert Notification.objects.filter(recipient=safeguarding_lead).count() == 2


def test_an_ordinary_entry_tells_nobody(comms, safeguarding_lead, head, account):
    log_entry(comms, account)
    assert not Notification.objects.exists()


def test_turning_on_safeguarding_in_an_edit_notifies_once(comms, safeguarding_lead, account):
    entry = log_entry(comms, account)
    data = entry_data(account, occurred_at=entry.occurred_at, safeguarding=True)
    services.entry_update(actor=comms, entry_id=entry.pk, data=data)
    services.entry_update(actor=comms, entry_id=entry.pk, data={**data, "notes": "More."})
    assert Notification.objects.filter(recipient=safeguarding_lead).count() == 1


# Reconsideration and legal hold


def test_a_hidden_comment_edited_by_its_author_can_be_reconsidered_once(comms, account):
    entry = log_entry(comms, account, actions=[Action.HIDE])
    services.entry_reconsider(
        actor=comms, entry_id=entry.pk, outcome="reinstated", comment="Now polite."
    )
    entry.refresh_from_db()
    assert entry.reconsideration == "reinstated"
    assert entry.reconsidered_by == comms
    assert entry.events.filter(action="reconsidered").exists()
    with pytest.raises(services.ActionConflict):
        services.entry_reconsider(actor=comms, entry_id=entry.pk, outcome="kept_hidden")


def test_only_a_hidden_comment_can_be_reconsidered(comms, account):
    entry = log_entry(comms, account, actions=[Action.DELETE])
    with pytest.raises(services.ActionConflict):
        services.entry_reconsider(actor=comms, entry_id=entry.pk, outcome="reinstated")


def test_a_legal_hold_needs_a_reason(comms, account):
    entry = log_entry(comms, account)
    with pytest.raises(ActionError):
        services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=True, reason=" ")
    services.entry_set_legal_hold(
        actor=comms, entry_id=entry.pk, hold=True, reason="Police investigation ref 123"
    )
    entry.refresh_from_db()
    assert entry.legal_hold and entry.legal_hold_reason == "Police investigation ref 123"
    services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=False)
    entry.refresh_from_db()
    assert not entry.legal_hold and entry.legal_hold_reason == ""
    assert [e.action for e in entry.events.all()][-2:] == [
        "legal_hold_placed",
        "legal_hold_lifted",
    ]

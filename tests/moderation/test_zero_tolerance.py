"""Zero-tolerance guidelines: down and blocked at the first breach, or a reason why not."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from moderation import selectors, services
from moderation.models import Action, AuthorTold, Category, Commenter, Entry
from tests import factories
from tests.moderation.helpers import category, log_entry
from tests.moderation.test_entry_views import form_data

pytestmark = pytest.mark.django_db

# What the source guidelines act on at once (000: threatening or discriminatory posts;
# 004: urging others to break the guidelines, offensive names and pictures).
AT_ONCE = {
    "hateful-discriminatory",
    "threats-violence",
    "offensive-profile",
    "encouraging-breaches",
}


@pytest.fixture
def account(team):
    return factories.managed_account(team=team, name="Perinatal page")


def test_the_migration_marks_the_guidelines_that_act_at_the_first_breach():
    assert set(Category.objects.filter(zero_tolerance=True).values_list("slug", flat=True)) == (
        AT_ONCE
    )
    # Abuse runs from harassment to a mean remark, so it works up the ladder.
    assert not category("abuse").zero_tolerance
    Category.objects.update(zero_tolerance=False)
    migration = importlib.import_module("moderation.migrations.0020_zero_tolerance_guidelines")
    migration.mark(apps, None)
    assert Category.objects.filter(zero_tolerance=True).count() == len(AT_ONCE)


@pytest.mark.parametrize(
    ("actions", "missing"),
    [
        ([Action.HIDE], "'Blocked or banned the author'"),
        ([Action.BLOCK, Action.REPORT_PLATFORM], "'Hid the comment' or 'Deleted the comment'"),
        (
            [Action.RECORD_ONLY],
            "'Hid the comment' or 'Deleted the comment' and 'Blocked or banned the author'",
        ),
    ],
)
def test_a_zero_tolerance_breach_must_come_down_and_be_blocked(comms, account, actions, missing):
    with pytest.raises(services.ActionError) as refused:
        log_entry(comms, account, categories=[category("threats-violence")], actions=actions)
    said = refused.value.errors["actions"]
    assert said.startswith("Threats and violence is zero tolerance")
    assert f"Tick {missing}, or say in the notes why not." in said
    assert not Entry.objects.exists() and not Commenter.objects.exists()


@pytest.mark.parametrize("removed", [Action.HIDE, Action.DELETE])
def test_taken_down_and_blocked_it_is_logged(comms, account, removed):
    entry = log_entry(
        comms,
        account,
        categories=[category("abuse"), category("hateful-discriminatory")],
        actions=[removed, Action.BLOCK],
    )
    assert set(entry.action_values) == {removed, Action.BLOCK}


def test_a_reason_in_the_notes_lets_the_team_do_otherwise(comms, account):
    entry = log_entry(
        comms,
        account,
        categories=[category("threats-violence")],
        actions=[Action.REPORT_PLATFORM, Action.POLICE],
        notes="The police asked us to leave it up while they trace the account.",
    )
    assert entry.action_values == [Action.REPORT_PLATFORM, Action.POLICE]
    # A blank note is no reason.
    with pytest.raises(services.ActionError):
        log_entry(
            comms,
            account,
            categories=[category("threats-violence")],
            actions=[Action.REPORT_PLATFORM],
            notes="   ",
        )


def test_an_edit_keeps_to_the_rule_too(comms, account):
    entry = log_entry(comms, account, categories=[category("abuse")], actions=[Action.HIDE])
    data = {
        "account": account,
        "occurred_at": entry.occurred_at,
        "post_url": entry.post_url,
        "comment_url": "",
        "handle": entry.commenter.handle,
        "excerpt": entry.excerpt,
        "categories": [category("abuse"), category("offensive-profile")],
        "actions": [Action.HIDE],
        "author_told": entry.author_told,
        "not_told_reason": "",
        "hate_crime_strand": "",
        "safeguarding": False,
        "notes": "",
    }
    with pytest.raises(services.ActionError):
        services.entry_update(actor=comms, entry_id=entry.pk, data=data)
    assert list(entry.categories.values_list("slug", flat=True)) == ["abuse"]
    data["actions"] = [Action.HIDE, Action.BLOCK]
    services.entry_update(actor=comms, entry_id=entry.pk, data=data)
    assert {c.slug for c in entry.categories.all()} == {"abuse", "offensive-profile"}


def test_an_older_entry_s_other_answers_can_be_corrected_without_a_block(comms, account):
    # Logged before its category was made zero tolerance: hidden, not blocked.
    spam = category("spam-bots")
    entry = log_entry(comms, account, categories=[spam], actions=[Action.HIDE])
    Category.objects.filter(pk=spam.pk).update(zero_tolerance=True)
    data = {
        "account": account,
        "occurred_at": entry.occurred_at,
        "post_url": entry.post_url,
        "comment_url": "",
        "handle": entry.commenter.handle,
        "excerpt": entry.excerpt,
        "categories": [category("spam-bots")],
        "actions": [Action.HIDE],
        "author_told": AuthorTold.PUBLIC_REPLY,
        "not_told_reason": "",
        "hate_crime_strand": "",
        "safeguarding": False,
        "notes": "",
    }
    _, changed = services.entry_update(actor=comms, entry_id=entry.pk, data=data)
    assert changed == ["author_told"]
    # Changing what was done asks the rule again.
    data["actions"] = [Action.HIDE, Action.SCREENSHOT]
    with pytest.raises(services.ActionError):
        services.entry_update(actor=comms, entry_id=entry.pk, data=data)
    assert set(Entry.objects.get(pk=entry.pk).action_values) == {Action.HIDE}


def test_the_form_marks_the_categories_and_keeps_what_was_typed_when_refused(
    comms, account, as_user
):
    client = as_user(comms)
    blank = client.get(reverse("moderation:create")).content.decode()
    assert "Threats and violence (zero tolerance)" in blank
    assert "Abuse of staff or the public (zero tolerance)" not in blank
    response = client.post(
        reverse("moderation:create"),
        form_data(account, categories=[category("threats-violence").pk], actions=[Action.HIDE]),
    )
    assert response.status_code == 400
    assert "'Blocked or banned the author'" in response.context["form"].errors["actions"][0]
    assert "Stop lying to us" in response.content.decode()
    assert not Entry.objects.exists()
    response = client.post(
        reverse("moderation:create"),
        form_data(
            account,
            categories=[category("threats-violence").pk],
            actions=[Action.HIDE, Action.BLOCK],
        ),
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'Threats and violence <span class="badge text-bg-danger">zero tolerance</span>' in page


def test_the_ladder_skips_to_blocking_after_a_zero_tolerance_breach(comms, account):
    log_entry(
        comms,
        account,
        handle="@straight",
        categories=[category("hateful-discriminatory")],
        actions=[Action.SCREENSHOT, Action.POLICE],
        notes="Held back for the police.",
    )
    person = Commenter.objects.get()
    assert selectors.next_step(person).label == "Block them"
    assert "zero-tolerance" in selectors.next_step(person).detail
    log_entry(
        comms,
        account,
        handle="@straight",
        categories=[category("abuse")],
        actions=[Action.BLOCK],
    )
    assert selectors.next_step(person).label != "Block them"


def test_comms_choose_which_categories_are_zero_tolerance(comms, auditor, as_user):
    spam = category("spam-bots")
    data = {
        "name": spam.name,
        "description": spam.description,
        "public_wording": spam.public_wording,
        "sources": spam.sources,
        "zero_tolerance": "on",
        "order": spam.order,
    }
    url = reverse("moderation:category_edit", args=[spam.pk])
    assert as_user(auditor).post(url, data).status_code == 403
    spam.refresh_from_db()
    assert not spam.zero_tolerance
    assert as_user(comms).post(url, data).status_code == 302
    spam.refresh_from_db()
    assert spam.zero_tolerance and spam.history.first().zero_tolerance
    listing = as_user(comms).get(reverse("moderation:categories")).content.decode()
    assert listing.count("Zero tolerance: down and blocked") == len(AT_ONCE) + 1


def test_the_public_guidelines_name_what_gets_no_second_chance(as_user):
    page = as_user(None).get(reverse("moderation:guidelines")).content.decode()
    assert "Some posts get no second chance" in page
    warned = page[page.index("no second chance") : page.index("When we act on a comment")]
    for found in Category.objects.filter(zero_tolerance=True):
        assert f"<li>{found.name}</li>" in warned
    assert "Swearing" not in warned
    Category.objects.update(zero_tolerance=False)
    page = as_user(None).get(reverse("moderation:guidelines")).content.decode()
    assert "no second chance" not in page

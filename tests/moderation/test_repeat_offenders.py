import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation import selectors, services, tasks
from moderation.models import Action, AuthorTold, Commenter
from portal.celery import BEAT_SCHEDULE
from tests import factories
from tests.moderation.helpers import category, log_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(team, other_team):
    return (
        factories.managed_account(team=team, name="First page"),
        factories.managed_account(team=other_team, name="Second page"),
    )


def test_the_third_breach_within_the_window_flags_a_repeat_offender(comms, accounts, settings):
    settings.MODERATION_REPEAT_THRESHOLD = 3
    settings.MODERATION_REPEAT_WINDOW_DAYS = 30
    first, second = accounts
    one = log_entry(comms, first, handle="@persistent", post_url="https://x.example/p/1")
    two = log_entry(comms, first, handle="@persistent", post_url="https://x.example/p/1")
    assert not one.made_repeat_offender and not two.made_repeat_offender
    assert not Commenter.objects.get().is_repeat_offender
    three = log_entry(comms, second, handle="persistent", post_url="https://x.example/p/2")
    assert three.made_repeat_offender
    three.refresh_from_db()
    assert three.made_repeat_offender
    assert Commenter.objects.get().is_repeat_offender
    four = log_entry(comms, second, handle="@persistent")
    assert not four.made_repeat_offender  # flagged once, not again


def test_breaches_outside_the_window_do_not_count(comms, accounts, settings):
    settings.MODERATION_REPEAT_WINDOW_DAYS = 30
    first, _ = accounts
    long_ago = timezone.now() - datetime.timedelta(days=45)
    log_entry(comms, first, handle="@old", occurred_at=long_ago)
    log_entry(comms, first, handle="@old", occurred_at=long_ago)
    latest = log_entry(comms, first, handle="@old")
    assert not latest.made_repeat_offender


def test_the_threshold_is_a_setting(comms, accounts, settings):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    first, _ = accounts
    log_entry(comms, first, handle="@quick")
    assert log_entry(comms, first, handle="@quick").made_repeat_offender


def test_the_daily_job_clears_the_flag_when_breaches_leave_the_window(comms, accounts, settings):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    settings.MODERATION_REPEAT_WINDOW_DAYS = 30
    first, _ = accounts
    log_entry(comms, first, handle="@fading")
    log_entry(comms, first, handle="@fading")
    person = Commenter.objects.get()
    assert person.is_repeat_offender
    later = timezone.now() + datetime.timedelta(days=31)
    assert services.commenters_refresh_repeat_flags(now=later) == (0, 1)
    person.refresh_from_db()
    assert not person.is_repeat_offender
    assert services.commenters_refresh_repeat_flags(now=later) == (0, 0)


def test_the_daily_job_flags_people_whose_backdated_entries_reach_the_threshold(
    comms, accounts, settings
):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    first, _ = accounts
    log_entry(comms, first, handle="@backdated")
    Commenter.objects.update(repeat_offender_since=None)
    entry = log_entry(comms, first, handle="@someone_else")
    assert not entry.made_repeat_offender
    from moderation.models import Entry

    Entry.objects.filter(pk=entry.pk).update(
        commenter=Commenter.objects.get(handle_key="backdated")
    )
    assert tasks.refresh_repeat_offenders.delay().get() == {"flagged": 1, "cleared": 0}
    assert Commenter.objects.get(handle_key="backdated").is_repeat_offender
    assert "moderation.tasks.refresh_repeat_offenders" in {
        e["task"] for e in BEAT_SCHEDULE.values()
    }


def test_the_next_step_follows_the_ladder_tell_hide_block(comms, accounts):
    first, _ = accounts
    log_entry(comms, first, handle="@ladder", actions=[Action.RECORD_ONLY])
    person = Commenter.objects.get()
    assert selectors.next_step(person).label == "Tell them why"
    log_entry(
        comms,
        first,
        handle="@ladder",
        actions=[Action.RECORD_ONLY],
        author_told=AuthorTold.PRIVATE_MESSAGE,
    )
    assert selectors.next_step(person).label == "Hide their comments"
    log_entry(comms, first, handle="@ladder", actions=[Action.HIDE])
    assert selectors.next_step(person).label == "Block them"
    log_entry(comms, first, handle="@ladder", actions=[Action.BLOCK])
    assert selectors.next_step(person).label == "Agree a management plan"


def test_the_entry_and_person_pages_show_the_flag_and_the_next_step(
    comms, accounts, as_user, settings
):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    first, _ = accounts
    log_entry(comms, first, handle="@shown")
    entry = log_entry(comms, first, handle="@shown")
    page = as_user(comms).get(entry.get_absolute_url()).content.decode()
    assert "is a repeat offender" in page and "Suggested next step" in page
    person = as_user(comms).get(entry.commenter.get_absolute_url()).content.decode()
    assert "Repeat offender since" in person and "Tell them why" in person
    listing = as_user(comms).get(reverse("moderation:repeat_offenders")).content.decode()
    assert "@shown" in listing


def test_the_list_says_what_flags_someone_and_pages_through_everyone_flagged(
    comms, accounts, as_user, settings
):
    settings.MODERATION_REPEAT_THRESHOLD = 4
    settings.MODERATION_REPEAT_WINDOW_DAYS = 60
    first, _ = accounts
    now = timezone.now()
    Commenter.objects.bulk_create(
        Commenter(
            platform=first.platform,
            handle=f"@person{n:02}",
            handle_key=f"person{n:02}",
            first_seen_at=now,
            repeat_offender_since=now - datetime.timedelta(hours=n),
        )
        for n in range(52)
    )
    url = reverse("moderation:repeat_offenders")
    page = as_user(comms).get(url).content.decode()
    assert "4 or more breaches logged in the last 60 days" in page
    assert "52 authors flagged as repeat offenders" in page
    assert "@person00" in page and "@person49" in page and "@person50" not in page
    assert "Page 1 of 2" in page
    rest = as_user(comms).get(url, {"page": 2}).content.decode()
    assert "@person50" in rest and "@person51" in rest and "@person00" not in rest


def test_a_persons_page_counts_all_their_entries_and_pages_through_them(
    comms, accounts, as_user, monkeypatch
):
    from moderation.views import people

    monkeypatch.setattr(people, "ENTRIES_PER_PAGE", 2)
    first, second = accounts
    entries = [log_entry(comms, account, handle="@prolific") for account in (first, second, first)]
    url = entries[0].commenter.get_absolute_url()
    page = as_user(comms).get(url).content.decode()
    assert "3 entries" in page and "Page 1 of 2" in page
    assert f"entry {entries[2].pk}<" in page and f"entry {entries[0].pk}<" not in page
    rest = as_user(comms).get(url, {"page": 2}).content.decode()
    assert f"entry {entries[0].pk}<" in rest and f"entry {entries[2].pk}<" not in rest


def test_the_safeguarding_lead_is_not_given_a_step_worked_out_from_entries_they_cannot_read(
    comms, safeguarding_lead, accounts, as_user, settings
):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    first, _ = accounts
    log_entry(
        comms,
        first,
        handle="@both",
        categories=[category("threats-violence")],
        actions=[Action.HIDE],
        notes="Left for the police.",
    )
    flagged = log_entry(comms, first, handle="@both", safeguarding=True)
    page = as_user(safeguarding_lead).get(flagged.get_absolute_url()).content.decode()
    assert "is a repeat offender" in page and "Suggested next step" not in page
    page = as_user(comms).get(flagged.get_absolute_url()).content.decode()
    assert "Suggested next step: <strong>Block them</strong>" in page


def test_the_safeguarding_lead_counts_only_the_entries_they_may_read(
    comms, safeguarding_lead, accounts, as_user, settings
):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    first, _ = accounts
    for _ in range(3):
        log_entry(comms, first, handle="@both")
    log_entry(comms, first, handle="@both", safeguarding=True)
    url = reverse("moderation:repeat_offenders")
    lead = as_user(safeguarding_lead).get(url)
    assert [person.entry_count for person in lead.context["page"]] == [1]
    full = as_user(comms).get(url)
    assert [person.entry_count for person in full.context["page"]] == [4]


def test_an_empty_list_says_whose_authors_it_covers(
    comms, safeguarding_lead, accounts, as_user, settings
):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    first, _ = accounts
    for _ in range(3):
        log_entry(comms, first, handle="@not_safeguarding")
    url = reverse("moderation:repeat_offenders")
    lead = as_user(safeguarding_lead).get(url).content.decode()
    assert "No author of the entries you can read is flagged" in lead
    assert "not_safeguarding" not in lead
    assert "Nobody is flagged" not in as_user(comms).get(url).content.decode()

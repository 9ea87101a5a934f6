"""Checking an account someone has seen against the public register."""

import pytest
from django.urls import reverse

from accounts_requests import official
from accounts_requests.models import ManagedAccount, Platform
from tests import factories

URL = reverse("accounts_requests:public_register")


def _account(platform, name, handle, url=""):
    return ManagedAccount(platform=platform, name=name, handle=handle, url=url)


ACCOUNTS = [
    _account(Platform.X, "Riverside NHS", "@RiversideNHS", "https://x.com/RiversideNHS"),
    _account(
        Platform.INSTAGRAM,
        "Riverside NHS",
        "@riversidenhs",
        "https://www.instagram.com/riversidenhs",
    ),
    _account(
        Platform.YOUTUBE, "Riverside NHS", "@RiversideNHS", "https://www.youtube.com/@RiversideNHS"
    ),
    _account(
        Platform.LINKEDIN,
        "Riverside NHS Foundation Trust",
        "riverside-nhs",
        "https://www.linkedin.com/company/riverside-nhs/",
    ),
    _account(
        Platform.FACEBOOK,
        "Recovery College Courses",
        "",
        "https://www.facebook.com/profile.php?id=100064",
    ),
]
X, INSTAGRAM, YOUTUBE, LINKEDIN, COLLEGE = ACCOUNTS


def _check(text):
    return official.check(text, ACCOUNTS)


@pytest.mark.parametrize(
    ("address", "account"),
    [
        ("https://www.instagram.com/riversidenhs/?igsh=MWQ1ZGUxMzBkMA==", INSTAGRAM),
        ("instagram.com/RiversideNHS", INSTAGRAM),
        ("https://mobile.x.com/riversidenhs", X),
        ("https://m.youtube.com/@RiversideNHS/videos?si=abc", YOUTUBE),
        ("https://uk.linkedin.com/company/riverside-nhs", LINKEDIN),
        ("https://www.facebook.com/profile.php?id=100064&mibextid=ZbWKwL", COLLEGE),
    ],
)
def test_an_address_of_ours_is_official_on_its_own_platform(address, account):
    check = _check(address)
    assert check.is_address
    assert check.official == [account]
    assert check.platform == account.platform


@pytest.mark.parametrize(
    ("address", "platform"),
    [
        # Our handle, on a platform where the trust has no account.
        ("https://www.tiktok.com/@riversidenhs", Platform.TIKTOK),
        # One letter more.
        ("https://www.instagram.com/riversidenhs_help", Platform.INSTAGRAM),
        # Another page known only by its number.
        ("https://www.facebook.com/profile.php?id=999", Platform.FACEBOOK),
        # Not a platform at all.
        ("https://riversidenhs.facebook-support.com/riversidenhs", None),
        ("www.facebook.com.riverside-help.net/RiversideNHS", None),
        # Our name on another kind of page: a person's LinkedIn profile, a YouTube user
        # page that is not our channel.
        ("https://www.linkedin.com/in/riverside-nhs", Platform.LINKEDIN),
        ("https://www.youtube.com/user/RiversideNHS", Platform.YOUTUBE),
        ("https://www.youtube.com/c/RiversideNHS", Platform.YOUTUBE),
    ],
)
def test_an_address_not_ours_is_not_official(address, platform):
    check = _check(address)
    assert check.is_address
    assert check.official == []
    assert check.platform == platform


@pytest.mark.parametrize(
    "address",
    [
        "https://www.instagram.com/p/C1a2b3c4d5/?igsh=abc",
        "https://www.instagram.com/reel/C1a2b3c4d5/",
        "https://www.facebook.com/share/p/1AbCdEf/",
        "https://www.facebook.com/permalink.php?story_fbid=1&id=100064",
        "https://fb.watch/abcDEF/",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?si=abc",
        "https://vm.tiktok.com/ZMabc123/",
        "https://t.co/AbCdEf",
        "https://x.com/i/web/status/1789",
    ],
)
def test_a_post_or_a_short_link_gets_no_verdict(address):
    # It does not name the account behind it: neither ours nor not ours.
    check = _check(address)
    assert check.is_content
    assert not check.named
    assert check.official == [] and check.similar == []


@pytest.mark.parametrize(
    "address",
    [
        "https://x.com/RiversideNHS/status/1789",
        "https://twitter.com/riversidenhs/status/1789/photo/1",
        "https://www.instagram.com/riversidenhs/p/C1a2b3c4d5/",
        "https://www.instagram.com/stories/riversidenhs/3301/",
        "https://www.facebook.com/RiversideNHSFT/posts/pfbid02abc",
        "https://www.tiktok.com/@riversidenhs/video/7301",
        "https://bsky.app/profile/riverside.bsky.social/post/3kabc",
    ],
)
def test_a_post_under_our_name_gets_no_verdict(address):
    # X opens any post under whatever name its address gives, so an impostor's post can be
    # linked as x.com/RiversideNHS/status/<its number>: the name proves nothing.
    check = _check(address)
    assert check.is_content
    assert check.named
    assert check.official == [] and check.similar == []


@pytest.mark.parametrize(
    ("address", "account"),
    [
        ("https://x.com/RiversideNHS/media", X),
        ("https://www.instagram.com/riversidenhs/reels/", INSTAGRAM),
        ("https://www.instagram.com/stories/riversidenhs/", INSTAGRAM),
        ("https://www.linkedin.com/company/riverside-nhs/posts/?feedView=all", LINKEDIN),
    ],
)
def test_a_tab_of_our_own_page_is_ours(address, account):
    check = _check(address)
    assert not check.is_content
    assert check.official == [account]


def test_our_handle_on_another_platform_or_site_lists_ours_to_compare():
    check = _check("https://www.tiktok.com/@riversidenhs")
    assert check.similar == [X, INSTAGRAM, YOUTUBE]
    check = _check("https://riversidenhs-support.com/riversidenhs")
    assert check.platform is None
    assert check.similar == [X, INSTAGRAM, YOUTUBE]
    assert _check("https://www.facebook.com/").similar == []


def test_a_handle_alone_names_every_platform_it_is_ours_on():
    check = _check("@RIVERSIDENHS")
    assert not check.is_address
    assert check.official == [X, INSTAGRAM, YOUTUBE]
    assert check.official_platforms == "Instagram, X (Twitter) and YouTube"
    assert _check("riverside-nhs").official_platforms == "LinkedIn"


def test_a_handle_like_ours_is_not_official_and_lists_ours_to_compare():
    check = _check("@RiversideNHS_Help")
    assert check.official == []
    assert check.similar == [X, INSTAGRAM, YOUTUBE]
    assert _check("@riversidenh").official == []


def test_a_bluesky_handle_is_a_handle_not_an_address():
    bluesky = _account(
        Platform.BLUESKY,
        "Riverside NHS",
        "@riverside.bsky.social",
        "https://bsky.app/profile/riverside.bsky.social",
    )
    for text in ("riverside.bsky.social", "@Riverside.bsky.social"):
        check = official.check(text, [bluesky])
        assert not check.is_address
        assert check.official == [bluesky]
    address = official.check("https://bsky.app/profile/riverside.bsky.social", [bluesky])
    assert address.official == [bluesky]


def test_a_name_is_never_enough_for_official():
    check = _check("Recovery College")
    assert check.is_name
    assert check.official == []
    assert check.similar == [COLLEGE]
    assert _check("Mums / Carers").is_name


@pytest.mark.parametrize("text", ["", "   ", "@", "https://", "http://[::1", "x" * 500])
def test_nothing_to_go_on_finds_nothing_and_breaks_nothing(text):
    check = _check(text)
    assert check.official == []
    assert len(check.asked) <= official.LONGEST


def test_a_short_handle_of_ours_does_not_make_every_word_look_like_it():
    short = _account(Platform.X, "Ops", "@ops")
    assert official.check("@cyclops_fan", [short]).similar == []


# The page


def test_anyone_can_check_an_account_on_the_public_register(client, db, comms_team):
    factories.managed_account(
        team=comms_team,
        name="Riverside NHS",
        platform=Platform.X,
        handle="@RiversideNHS",
        url="https://x.com/RiversideNHS",
    )
    page = client.get(URL, {"account": "https://x.com/riversidenhs?s=20"}).content.decode()
    assert "Yes: that address is one of our official accounts" in page
    assert 'value="https://x.com/riversidenhs?s=20"' in page
    page = client.get(URL, {"account": "@RiversideNHS"}).content.decode()
    assert "@RiversideNHS is our handle on X (Twitter)" in page
    page = client.get(URL, {"account": "@RiversideNHS1"}).content.decode()
    assert "No: we have no account with the handle @RiversideNHS1" in page
    assert 'href="#imitation-heading">report it</a>' in page
    assert "compare the handle exactly" in page
    page = client.get(URL, {"account": "https://youtu.be/dQw4w9WgXcQ"}).content.decode()
    assert "That address does not say which account it belongs to" in page
    assert "report it" not in page
    assert "The name in it does not prove who posted it" not in page
    page = client.get(URL, {"account": "https://x.com/RiversideNHS/status/1"}).content.decode()
    assert "That address does not say which account it belongs to" in page
    assert "The name in it does not prove who posted it" in page
    assert "Yes:" not in page


def test_a_check_is_answered_only_from_the_live_accounts(client, db, team):
    for state in (ManagedAccount.State.SETTING_UP, ManagedAccount.State.CLOSED):
        factories.managed_account(team=team, state=state, handle=f"@{state}", name=state)
    for state in ("setting_up", "closed"):
        page = client.get(URL, {"account": f"@{state}"}).content.decode()
        assert f"No: we have no account with the handle @{state}" in page


def test_what_was_typed_is_written_back_escaped(client, db):
    page = client.get(URL, {"account": '<script>alert("x")</script>'}).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_no_check_without_something_to_check(client, db):
    response = client.get(URL, {"account": "   "})
    assert response.context["check"] is None
    assert 'id="check-result"' not in response.content.decode()


def test_a_check_costs_no_query_more(client, team, comms_team, django_assert_max_num_queries):
    for i in range(5):
        factories.managed_account(team=team if i % 2 else comms_team, name=f"Account {i}")
    client.get(URL)
    with django_assert_max_num_queries(2):
        response = client.get(URL, {"account": "@teampage"})
    assert len(response.context["check"].official) == 5


def test_an_account_known_by_its_handle_alone_is_an_organisations_page_never_a_persons():
    """Without the account's own address to compare, its handle in a page of an
    organisation matches; the same name on a person's profile does not."""
    by_handle = [_account(Platform.LINKEDIN, "Riverside NHS", "riverside-nhs")]
    assert official.check("https://www.linkedin.com/company/riverside-nhs", by_handle).official
    assert official.check("linkedin.com/showcase/riverside-nhs/", by_handle).official
    person = official.check("https://www.linkedin.com/in/riverside-nhs", by_handle)
    assert person.official == [] and person.similar == by_handle

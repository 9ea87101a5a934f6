import datetime

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.module_loading import import_string

from moderation.dashboard import panels
from moderation.models import Action, AuthorTold, Entry
from moderation.panels import account_panel
from portal.views.home import dashboard_panels
from tests import factories
from tests.moderation.helpers import category, log_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return factories.managed_account(team=team, name="Perinatal page")


def test_the_account_page_setting_lists_the_moderation_panel():
    assert "moderation.panels.account_panel" in settings.ACCOUNT_PAGE_PANELS
    assert import_string(settings.ACCOUNT_PAGE_PANELS[0]) is account_panel


def test_the_panel_counts_the_accounts_last_12_months_by_category_and_action(
    comms, auditor, team, account
):
    log_entry(comms, account, categories=[category("abuse")], actions=[Action.HIDE])
    log_entry(
        comms,
        account,
        categories=[category("abuse"), category("spam-bots")],
        actions=[Action.HIDE, Action.BLOCK],
    )
    log_entry(comms, account, occurred_at=timezone.now() - datetime.timedelta(days=400))  # too old
    log_entry(comms, factories.managed_account(team=team, name="Elsewhere"))  # another account
    for user in (comms, auditor):
        panel = account_panel(account, user)
        assert panel["title"] == "Moderation in the last 12 months"
        context = panel["context"]
        assert context["total"] == 2
        assert {r["category__name"]: r["n"] for r in context["categories"]} == {
            "Abuse of staff or the public": 2,
            "Spam and bots": 1,
        }
        assert {r["label"]: r["n"] for r in context["actions"]} == {
            "Hid the comment": 2,
            "Blocked or banned the author": 1,
        }
        assert context["log_url"].endswith(f"?account={account.pk}")
    html = render_to_string(panel["template"], {"panel": panel["context"]})
    assert "Abuse of staff or the public" in html and "2 entries" in html


def test_the_panel_is_none_for_people_who_may_not_read_the_log(
    comms, member, manager, staff, outsider, account
):
    log_entry(comms, account)
    for user in (member, manager, staff, outsider, None):
        assert account_panel(account, user) is None


def test_the_safeguarding_lead_sees_only_safeguarding_counts(comms, safeguarding_lead, account):
    log_entry(comms, account)
    log_entry(comms, account, safeguarding=True)
    assert account_panel(account, safeguarding_lead)["context"]["total"] == 1


def test_the_home_page_panel_is_for_log_readers(comms, member, account):
    log_entry(comms, account, safeguarding=True)
    assert panels(member) == []
    [panel] = panels(comms)
    assert panel["context"]["week"] == 1 and panel["context"]["safeguarding"] == 1
    assert any(p["title"] == "Moderation log" for p in dashboard_panels(comms))


def test_the_home_page_panel_shows_the_requests_waiting_and_the_soonest_due(
    as_user, comms, safeguarding_lead, account
):
    from moderation import services_rights
    from moderation.models import RightsRequest

    [panel] = panels(comms)
    assert panel["context"]["rights"] == {"count": 0, "soonest": None}
    html = render_to_string(panel["template"], {"panel": panel["context"]})
    assert "about people's data" not in html
    today = timezone.localdate()
    late, later = (
        services_rights.request_log(
            actor=comms,
            commenter=log_entry(comms, account, handle=handle).commenter,
            kind=kind,
            received_on=today - datetime.timedelta(days=days_ago),
        )
        for handle, days_ago, kind in (
            ("@asks_first", 40, RightsRequest.Kind.ACCESS),
            ("@asks_later", 2, RightsRequest.Kind.ERASURE),
        )
    )
    [panel] = panels(comms)
    assert panel["context"]["rights"] == {"count": 2, "soonest": late.due_on}
    html = render_to_string(panel["template"], {"panel": panel["context"]})
    assert "2 requests about people's data</a> waiting for an answer, the soonest due" in html
    assert "Late" in html
    services_rights.request_close(actor=comms, request_id=late.pk, closure="withdrawn")
    [panel] = panels(comms)
    assert panel["context"]["rights"] == {"count": 1, "soonest": later.due_on}
    html = render_to_string(panel["template"], {"panel": panel["context"]})
    assert "1 request about people's data</a> waiting for an answer, due " in html
    assert "Late" not in html
    # A safeguarding lead reads only safeguarding entries, not the rights record.
    [panel] = panels(safeguarding_lead)
    assert panel["context"]["rights"] is None
    page = as_user(safeguarding_lead).get("/").content.decode()
    assert "about people's data" not in page


def test_the_home_page_panel_counts_the_week_s_authors_still_to_be_told_why(
    comms, safeguarding_lead, account, as_user
):
    log_entry(comms, account, author_told=AuthorTold.NOT_YET)
    log_entry(comms, account, author_told=AuthorTold.NOT_YET, safeguarding=True)
    log_entry(comms, account, author_told=AuthorTold.PRIVATE_MESSAGE)
    log_entry(comms, account, author_told=AuthorTold.NOT_TOLD, not_told_reason="Police.")
    log_entry(  # older than the week
        comms,
        account,
        author_told=AuthorTold.NOT_YET,
        occurred_at=timezone.now() - datetime.timedelta(days=9),
    )
    [panel] = panels(comms)
    assert panel["context"]["not_told"] == 2
    week_ago = (timezone.localdate() - datetime.timedelta(days=6)).isoformat()
    url = panel["context"]["not_told_url"]
    assert url == f"{reverse('moderation:log')}?author_told=not_yet&date_from={week_ago}"
    home = as_user(comms).get(reverse("portal:home")).content.decode()
    assert f'<a href="{escape(url)}">2 authors not yet told why</a>' in home
    # The link lists exactly them.
    listed = as_user(comms).get(url).context["page"].entries
    assert len(listed) == 2
    # The safeguarding lead counts only the safeguarding entries they read.
    [theirs] = panels(safeguarding_lead)
    assert theirs["context"]["not_told"] == 1
    Entry.objects.filter(author_told=AuthorTold.NOT_YET).update(
        author_told=AuthorTold.PUBLIC_REPLY
    )
    home = as_user(comms).get(reverse("portal:home")).content.decode()
    assert "not yet told why" not in home

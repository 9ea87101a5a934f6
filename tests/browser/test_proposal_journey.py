"""A proposal's whole journey, each step checked on the page the next person sees."""

from playwright.sync_api import expect

from accounts_requests.models import AccountRequest, ManagedAccount
from tests.browser.conftest import assert_accessible
from tests.factories import COMPLETE_ANSWERS

TEXT_FIELDS = [k for k, v in COMPLETE_ANSWERS.items() if isinstance(v, str) and k != "platform"]


def fill_answers(page, **overrides):
    answers = {**COMPLETE_ANSWERS, **overrides}
    page.locator("#id_platform").select_option(answers["platform"])
    for name in TEXT_FIELDS:
        page.locator(f"#id_{name}").fill(answers[name])
    page.locator("#id_posts_per_week").fill(str(answers["posts_per_week"]))
    page.locator("#id_office_hours_commitment").check()


def test_a_proposal_from_draft_to_approval(open_as, member, manager, comms, team):
    # The member starts a draft with only a name, then completes and submits it.
    page = open_as(member)
    page.goto("/proposals/new/")
    assert_accessible(page)
    page.locator("#id_proposed_name").fill("Perinatal Peer Support")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.locator(".invalid-feedback, .text-danger").count() > 10
    assert_accessible(page)
    fill_answers(page, who_monitors="Administrator only")
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_text("It now waits for your manager to endorse it").wait_for()
    assert page.locator(".state-badge").inner_text() == "Awaiting manager's endorsement"
    proposal = AccountRequest.objects.get()

    # The manager sees it waiting on the home page and endorses it.
    page = open_as(manager)
    page.goto("/")
    page.get_by_role("link", name="Perinatal Peer Support (Instagram)").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Endorse").click()
    page.get_by_text("it is now with the communications team").wait_for()
    assert page.locator(".state-badge").inner_text() == "Submitted"

    # Comms find it in the queue, start the review and ask for a second moderator.
    page = open_as(comms)
    page.goto("/proposals/queue/")
    assert_accessible(page)
    page.get_by_role("link", name="Perinatal Peer Support").click()
    page.locator("summary", has_text="Start review").click()
    page.locator("form[action$='/start_review/'] button[type=submit]").click()
    page.get_by_text("The review has started.").wait_for()
    page.locator("summary", has_text="Request changes").click()
    page.locator("#comment-request_changes").fill("Name at least two people who monitor it.")
    page.locator("form[action$='/request_changes/'] button[type=submit]").click()
    page.get_by_text("The team has been asked for changes.").wait_for()

    # The member reads the comment on the timeline, edits and resubmits.
    page = open_as(member)
    page.goto(proposal.get_absolute_url())
    assert page.locator(".alert-info").get_by_text("Name at least two people").is_visible()
    assert page.locator(".timeline").get_by_text("Name at least two people").is_visible()
    assert page.locator(".state-badge").inner_text() == "Changes requested"
    page.get_by_role("link", name="Edit the answers").click()
    page.locator("#id_who_monitors").fill("Administrator and deputy manager")
    page.get_by_role("button", name="Save and resubmit").click()
    page.get_by_text("The proposal has been resubmitted.").wait_for()

    # Comms see the change on the timeline and approve with targets.
    page = open_as(comms)
    page.goto(proposal.get_absolute_url())
    assert page.get_by_text("Changed: who will monitor and reply").is_visible()
    page.locator("summary", has_text="Start review").click()
    page.locator("form[action$='/start_review/'] button[type=submit]").click()
    page.get_by_text("The review has started.").wait_for()
    page.get_by_role("link", name="Approve").click()
    assert_accessible(page)
    page.locator("#id_target_followers").fill("400")
    page.locator("#id_target_engagement_rate").fill("2.5")
    page.get_by_role("button", name="Approve and open the account").click()
    page.get_by_text("is now being set up by").wait_for()
    assert page.locator(".state-badge").first.inner_text() == "Approved"

    # The member sees the approval and the account waiting to be set up.
    page = open_as(member)
    page.goto("/notifications/")
    assert page.get_by_text("Approved: Perinatal Peer Support (Instagram)").is_visible()
    page.goto(proposal.get_absolute_url())
    page.get_by_role("link", name="Go to the account and its set-up checklist").click()
    assert ManagedAccount.objects.get().state == ManagedAccount.State.SETTING_UP
    assert page.locator("h1 + .state-badge, h1 .state-badge").first.inner_text() == "Setting up"
    assert page.js_errors == []

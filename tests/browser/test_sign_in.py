from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD


def test_a_member_signs_in_with_the_keyboard_and_reaches_home(open_as, member):
    page = open_as(None)
    page.goto("/")
    assert "/sign-in/" in page.url
    assert_accessible(page)
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert_accessible(page)
    assert page.js_errors == []


def test_too_many_wrong_passwords_show_a_clear_accessible_pause(open_as, member, settings):
    settings.AXES_FAILURE_LIMIT = 2
    page = open_as(None)
    for _ in range(2):
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(member.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_label("Password").press("Enter")
        page.wait_for_load_state()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    assert "try again in 15 minutes" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    assert page.js_errors == []


def test_a_member_who_forgot_their_password_sets_a_new_one_from_the_e_mail(
    open_as, member, settings
):
    import re

    from django.core import mail

    settings.SITE_URL = ""  # the link in the e-mail is opened on the test server
    page = open_as(None)
    page.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible(page)
    page.get_by_label("Your work e-mail address").fill(member.email.upper())
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_url("**/password/forgotten/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
    assert_accessible(page)

    [message] = mail.outbox
    link = re.search(r"/password/new/\S+/", message.body).group(0)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert_accessible(page)
    page.get_by_label(re.compile(r"^\s*New password\*?\s*$")).fill("a-Fresh-passphrase-2026")
    page.get_by_label(re.compile(r"^\s*New password confirmation")).fill("a-Fresh-passphrase-2026")
    page.get_by_role("button", name="Set my new password").click()
    page.wait_for_url("**/password/new/done/")
    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill("a-Fresh-passphrase-2026")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "This link no longer works"
    assert page.js_errors == []


def test_comms_add_a_person_on_a_phone_and_they_choose_their_password(
    open_as, comms, team, settings
):
    import re

    from django.core import mail

    settings.SITE_URL = ""
    page = open_as(comms, viewport={"width": 390, "height": 800})
    page.goto("/people/")
    page.get_by_role("link", name="Add a person").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add them").click()
    assert "Enter their first name." in page.content()  # nothing typed is lost
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Rahman")
    page.get_by_label("Work e-mail address").fill("nadia.rahman@trust.example.nhs.uk")
    page.get_by_label("Team", exact=True).select_option(label=team.name)
    page.get_by_label("Role in the team").select_option(label="Service manager")
    page.get_by_role("button", name="Add them").click()
    page.wait_for_url("**/people/")
    assert "can now sign in as nadia.rahman" in page.get_by_role("status").inner_text()
    assert page.get_by_role("cell", name="Invited, no password yet").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Who has still to choose a password, at a glance.
    page.get_by_label("Status").select_option(label="Invited, no password yet")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**/people/?*status=invited*")
    assert page.get_by_role("row").count() == 2  # the heading and Nadia
    assert_accessible(page)

    # A mistyped address is corrected; the invitation goes again to the right one.
    page.get_by_role("link", name="Edit Nadia Rahman").click()
    assert_accessible(page)
    page.get_by_label("Work e-mail address").fill("nadia.rahman@trust.example.nhs.uk ")
    page.get_by_role("button", name="Save their details").click()
    page.wait_for_url("**/people/")
    assert "have been saved" in page.get_by_role("status").inner_text()

    # Their link has gone astray: the invitation is sent again from their page.
    astray = re.search(r"/password/welcome/\S+/", mail.outbox[-1].body).group(0)
    page.get_by_role("link", name="Edit Nadia Rahman").click()
    page.get_by_role("button", name="Send the invitation again").click()
    page.wait_for_url("**/people/")
    assert "A new invitation, with a link" in page.get_by_role("status").inner_text()

    link = re.search(r"/password/welcome/\S+/", mail.outbox[-1].body).group(0)
    newcomer = open_as(None)
    newcomer.goto(astray)  # whoever holds the link that went astray can do nothing with it
    assert newcomer.get_by_role("heading", name="This link no longer works").is_visible()
    newcomer.goto(link)
    assert_accessible(newcomer)
    newcomer.get_by_role("button", name="Set my password").click()
    assert "Choose a password." in newcomer.content()  # said beside the empty answer
    newcomer.get_by_label(re.compile(r"^\s*Your password\*?\s*$")).fill("a-Fresh-passphrase-2026")
    newcomer.get_by_label(re.compile(r"^\s*The same password again")).fill(
        "a-Fresh-passphrase-2026"
    )
    newcomer.get_by_role("button", name="Set my password").click()
    newcomer.wait_for_url("**/password/new/done/")
    assert newcomer.get_by_role("heading", name="Your password is set").is_visible()
    assert page.js_errors == [] and newcomer.js_errors == []

"""Every form in the portal, fed random input through its real view.

Each form is read from the page that shows it, as the person it is shown to, and
submitted with random text, unicode, control characters, huge values, empty values and
junk in place of choices and files. Whatever is sent, the portal never answers with a
server error, and a submission it refuses saves nothing: every table has the rows it had.

``FORMS`` names every form's target and the page (and person) that shows it; a walk over
every page as every kind of person proves the list is complete, so a new form is fuzzed
without anyone remembering to add a test.
"""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import ROLES
from tests.forms_html import forms_on
from tests.test_url_access import ROUTES, url_world  # noqa: F401 (the world fixture)

# target route (what the form submits to): (page route that shows it, who is shown it)
FORMS = {
    "accounts_requests:account_create": ("accounts_requests:account_create", "comms"),
    "accounts_requests:account_list": ("accounts_requests:account_list", "comms"),
    "accounts_requests:account_setup": ("accounts_requests:account_setup", "member"),
    "accounts_requests:action": ("accounts_requests:detail", "member"),
    "accounts_requests:closure_cancel": ("accounts_requests:closure_detail", "comms"),
    "accounts_requests:closure_propose": ("accounts_requests:closure_propose", "manager"),
    "accounts_requests:closure_step": ("accounts_requests:closure_detail", "comms"),
    "accounts_requests:create": ("accounts_requests:create", "member"),
    "accounts_requests:credentials": ("accounts_requests:credentials", "member"),
    "accounts_requests:edit": ("accounts_requests:edit", "member"),
    "accounts_requests:figures": ("accounts_requests:figures", "member"),
    "accounts_requests:figures_import": ("accounts_requests:figures_import", "member"),
    "accounts_requests:figures_import_all": ("accounts_requests:figures_import_all", "comms"),
    "accounts_requests:health_rules": ("accounts_requests:health_rules", "comms"),
    "accounts_requests:kpi_overview": ("accounts_requests:kpi_overview", "auditor"),
    "accounts_requests:moderator_add": ("accounts_requests:account_detail", "comms"),
    "accounts_requests:moderator_remove": ("accounts_requests:account_detail", "comms"),
    "accounts_requests:notice_acknowledge": ("accounts_requests:account_detail", "comms"),
    "accounts_requests:notice_create": ("accounts_requests:notice_create", "member"),
    "accounts_requests:public_register": ("accounts_requests:public_register", "anonymous"),
    "accounts_requests:queue": ("accounts_requests:queue", "comms"),
    "accounts_requests:review_decide": ("accounts_requests:review_detail", "comms"),
    "accounts_requests:review_respond": ("accounts_requests:review_detail", "manager"),
    "accounts_requests:review_start": ("accounts_requests:account_detail", "comms"),
    "accounts_requests:targets": ("accounts_requests:targets", "comms"),
    "moderation:category_create": ("moderation:category_create", "comms"),
    "moderation:category_edit": ("moderation:category_edit", "comms"),
    "moderation:category_retire": ("moderation:categories", "comms"),
    "moderation:commenter_erase": ("moderation:commenter_erase", "head"),
    "moderation:commenter_export": ("moderation:commenter_export", "comms"),
    "moderation:rights_request_close": ("moderation:rights_request_close", "comms"),
    "moderation:rights_request_correct": ("moderation:rights_request_correct", "comms"),
    "moderation:rights_request_log": ("moderation:rights_request_log", "comms"),
    "moderation:create": ("moderation:create", "comms"),
    "moderation:edit": ("moderation:edit", "comms"),
    "moderation:find_author": ("moderation:log", "comms"),
    "moderation:legal_hold": ("moderation:detail", "comms"),
    "moderation:log": ("moderation:log", "auditor"),
    "moderation:plan": ("moderation:plan", "comms"),
    "moderation:plan_create": ("moderation:plan_create", "comms"),
    "moderation:reconsider": ("moderation:detail", "comms"),
    # The world's entry is a safeguarding concern nobody has taken on yet.
    "moderation:safeguarding_take_on": ("moderation:detail", "safeguarding"),
    "moderation:report": ("moderation:report", "auditor"),
    "portal:concern_action": ("portal:concern_detail", "comms"),
    "portal:concern_create": ("portal:concern_create", "staff"),
    "portal:concerns": ("portal:concerns", "comms"),
    "portal:content_compare": ("portal:content_compare", "staff"),
    "portal:content_discard": ("portal:content_preview", "comms"),
    "portal:content_edit": ("portal:content_edit", "comms"),
    "portal:content_publish": ("portal:content_preview", "comms"),
    "portal:login": ("portal:login", "anonymous"),
    "portal:logout": ("portal:home", "member"),
    "portal:notification_open": ("portal:home", "comms"),
    "portal:notification_settings": ("portal:notification_settings", "member"),
    "portal:notifications_read_all": ("portal:notifications", "comms"),
    "portal:organisation": ("portal:organisation", "comms"),
    "portal:password_change": ("portal:password_change", "member"),
    "portal:password_reset": ("portal:password_reset", "anonymous"),
    "portal:people": ("portal:people", "comms"),
    "portal:person_add": ("portal:person_add", "comms"),
    "portal:person_edit": ("portal:person_edit", "comms"),
    "portal:person_invite": ("portal:person_edit", "comms"),
    "portal:playbook_confirm": ("portal:playbook", "member"),
    "portal:reminders_due": ("portal:reminders_due", "auditor"),
    "portal:team_add_member": ("portal:team_detail", "comms"),
    "portal:team_remove_member": ("portal:team_detail", "comms"),
    "portal:training": ("portal:training", "comms"),
    "portal:training_request_action": ("portal:training_request_detail", "comms"),
    "portal:training_request_create": ("portal:training_request_create", "manager"),
    "portal:user_deactivate": ("portal:user_deactivate", "comms"),
}


def _approve_page(w):
    from tests import factories

    proposal = factories.proposal_in_state(
        "in_review", team=w.team, applicant=w.users["member"], reviewer=w.users["comms"]
    )
    return reverse("accounts_requests:approve", args=[proposal.pk])


def _ready_account(w):
    from tests import factories

    return factories.account_ready_to_verify(
        w.team, [w.users["member"], w.users["manager"]], name="Ready", handle="@ready"
    )


def _suspended_account_page(w):
    import datetime

    from django.utils import timezone

    from accounts_requests import services_notices
    from tests import factories

    account = factories.managed_account(team=w.team, name="Locked out", handle="@locked")
    services_notices.notice_file(
        actor=w.users["member"],
        account_id=account.pk,
        what_changed="password",
        reason="compromise",
        changed_at=timezone.now() - datetime.timedelta(minutes=10),
        login="team@example.nhs.uk",
        password="locked-out-123",
    )
    return account.get_absolute_url()


def _signed_off_closure_page(w):
    from tests import kpi_factories

    account = kpi_factories.account(w.team, state="closure_proposed", name="Ending")
    closure = kpi_factories.closure(account, w.users["comms"])
    kpi_factories.complete_checklist(closure, w.users["comms"])
    return reverse("accounts_requests:closure_detail", args=[closure.pk])


def _held_entry_page(w):
    from moderation import services
    from tests import factories
    from tests.moderation.helpers import log_entry

    account = factories.managed_account(team=w.team, name="Held", handle="@held")
    entry = log_entry(w.users["comms"], account, handle="@on_hold")
    services.entry_set_legal_hold(
        actor=w.users["comms"], entry_id=entry.pk, hold=True, reason="Claim CL-1"
    )
    return entry.get_absolute_url()


def _at_risk_concern_page(w):
    from portal.models import Concern
    from portal.services import concerns

    return concerns.concern_report(
        actor=w.users["member"],
        kind=Concern.Kind.COMMENT,
        link="https://x.com/someone/status/1",
        what_worries="They may hurt themselves.",
        someone_at_risk=True,
    ).get_absolute_url()


# Forms only shown for records in a particular state: (a function of the world that
# makes the record and returns the page's URL, who is shown it).
FORMS.update(
    {
        "accounts_requests:approve": (_approve_page, "comms"),
        "accounts_requests:account_verify": (
            lambda w: _ready_account(w).get_absolute_url(),
            "comms",
        ),
        "accounts_requests:reveal": (
            lambda w: reverse("accounts_requests:reveal", args=[_ready_account(w).pk]),
            "comms",
        ),
        "accounts_requests:incident_resolve": (_suspended_account_page, "comms"),
        "accounts_requests:closure_sign_off": (_signed_off_closure_page, "head"),
        "moderation:legal_hold_keep": (_held_entry_page, "comms"),
        "portal:concern_safeguarding_take_on": (_at_risk_concern_page, "safeguarding"),
    }
)

# Tables a refused submission may still write to, and why.
MAY_CHANGE_ON_REFUSAL = {
    "portal_session",  # the session is saved on every request (the idle limit moves on)
    "axes_accessattempt",  # a refused sign-in is counted, which is the point
    "axes_accessfailurelog",
    "axes_accesslog",
    # A rejected CSV import is kept, marked rejected, with each bad line listed for the
    # person who sent it; no figures are saved from it (their table is still counted).
    "accounts_requests_figuresimport",
    # Every attempt to reveal login details is audited, a wrong password above all.
    "accounts_requests_credentialreveal",
}

# A proposal's "Save and submit" keeps the answers as a draft when some are still missing,
# and says so on the page it answers 400 with: that is a save, not a refusal.
SAVED_AS_DRAFT = "Your answers are saved as a draft."

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "3.14159265358979323846264338327950288",
    "2025-02-30",
    "9999-12-31",
    "0001-01-01",
    "2025-13",
    "25:61",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '=HYPERLINK("http://evil.example")',
    "'; DROP TABLE portal_user; --",
    "../../etc/passwd",
    "%s%s%n",
    "{{ 7*7 }}",
    "\u202egnp.exe",
    "😀" * 50,
    "ß" * 400,
    "x" * 20_000,
    "https://" + "a" * 3000 + ".example",
]

JUNK = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=6),
    st.text(alphabet=st.characters(min_codepoint=0x80, exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(SPECIAL),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)

FILE_NAMES = ["figures.csv", "shot.png", "letter.pdf", "run.exe", "page.html", "a" * 300, "x"]


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


FILES = st.builds(
    _upload,
    st.sampled_from(FILE_NAMES),
    st.one_of(
        st.binary(max_size=400),
        st.sampled_from([b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n", b"MZ\x90\x00", b"PK\x03\x04"]),
    ),
)


# CI runs the same examples every time, so a red run is the code's doing; a developer's
# run explores new ones.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=os.getenv("CI", "").lower() in ("1", "true", "yes"),
    suppress_health_check=list(HealthCheck),
)


def client_for(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def target_of(form):
    try:
        return resolve(form.action.split("?")[0]).view_name
    except Resolver404:
        return None


def page_forms(world, page, role):
    if callable(page):
        url = page(world)
    else:
        route = ROUTES[page]
        url = reverse(page, kwargs=route.url_kwargs(world)) + route.query
    client = client_for(world.users[role])
    response = client.get(url)
    assert response.status_code == 200, (page, role, response.status_code)
    return client, forms_on(response.content.decode(), url)


def row_counts():
    """Every table's row count, in one query."""
    names = [
        name
        for name in connection.introspection.table_names()
        if name not in MAY_CHANGE_ON_REFUSAL
    ]
    quote = connection.ops.quote_name
    # The names come from the database's own list of its tables, quoted.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(name)})" for name in names)  # noqa: S608
    sql = f"SELECT {counts}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(names, cursor.fetchone(), strict=True))


def grouped(form):
    """The form's fields by name, as (kind, [values the page offers], multiple)."""
    fields = {}
    for item in form.fields:
        kind, values, multiple = fields.get(item.name, (item.kind, [], False))
        if item.kind == "select":
            values = values + item.options
            multiple = multiple or item.multiple
        else:
            values = [*values, item.value]
        if item.kind == "checkbox" and len(values) > 1:
            multiple = True
        fields[item.name] = (kind, values, multiple)
    return fields


def payload(draw, form):
    """Random input for every field of ``form``; a field may also be left out."""
    data = {}
    buttons = [f for f in form.fields if f.kind in ("submit", "image")]
    for name, (kind, values, multiple) in grouped(form).items():
        if kind in ("submit", "image"):
            continue
        if name == "csrfmiddlewaretoken":
            data[name] = values[0]
            continue
        if kind == "file":
            files = draw(st.lists(FILES, max_size=3))
            if files:
                data[name] = files
            continue
        offered = st.sampled_from(values) if values else JUNK
        one = st.one_of(offered, JUNK)
        chosen = draw(st.lists(one, max_size=4)) if multiple else draw(st.one_of(st.none(), one))
        if chosen is not None and chosen != []:
            data[name] = chosen
    if buttons:
        button = draw(st.one_of(st.none(), st.sampled_from(buttons)))
        if button is not None:
            data[button.name] = draw(st.one_of(st.just(button.value), JUNK))
    return data


@pytest.mark.parametrize("target", sorted(FORMS))
def test_random_input_never_breaks_a_form_and_a_refusal_saves_nothing(target, world):
    page, role = FORMS[target]
    client, forms = page_forms(world, page, role)
    mine = [form for form in forms if target_of(form) == target]
    assert mine, f"{page} no longer shows a form for {target} to {role}"

    @FUZZ
    @given(st.data())
    def submit_random_input(data):
        form = data.draw(st.sampled_from(mine))
        sent = payload(data.draw, form)
        with transaction.atomic():
            before = row_counts()
            if form.method == "post":
                response = client.post(form.action, sent)
            else:
                response = client.get(form.action.split("?")[0], sent)
            status = response.status_code
            assert status < 500, f"{target} answered {status} to {sent!r}"
            # A redirect, a file sent (an export) or a draft kept is a submission taken.
            refused = (
                status not in (301, 302, 303)
                and not response.streaming
                and SAVED_AS_DRAFT not in response.content.decode()
            )
            if form.method == "post" and refused:
                after = row_counts()
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                assert not changed, f"{target} refused ({status}) but saved {changed}"
            transaction.set_rollback(True)

    submit_random_input()


def test_every_form_the_portal_shows_is_fuzzed(world):
    found = {}
    for role in ROLES:
        client = client_for(world.users[role])
        for name, route in sorted(ROUTES.items()):
            url = reverse(name, kwargs=route.url_kwargs(world)) + route.query
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            for form in forms_on(response.content.decode(), url):
                found.setdefault(target_of(form), (name, role))
    missing = {target: where for target, where in found.items() if target not in FORMS}
    assert not missing, f"Add these forms to FORMS: {missing}"


def test_the_excerpt_checker_takes_any_text(comms):
    """The moderation form's live check is posted as the excerpt is typed, not by a form."""
    client = client_for(comms)

    @FUZZ
    @given(st.one_of(JUNK, st.text(max_size=6000)))
    def check(text):
        response = client.post(reverse("moderation:detect"), {"excerpt": text})
        assert response.status_code in (200, 400), response.status_code

    check()


@pytest.mark.parametrize("target", sorted(FORMS))
def test_a_form_sent_empty_says_what_each_missing_answer_needs(target, world):
    """Every answer left out is met with what to do ("Choose one.", "Enter a date."), never
    Django's bare "This field is required."."""
    page, role = FORMS[target]
    client, forms = page_forms(world, page, role)
    for form in forms:
        if target_of(form) != target or form.method != "post":
            continue
        hidden = {field.name: field.value for field in form.fields if field.kind == "hidden"}
        page = client.post(form.action, hidden).content.decode()
        assert "This field is required." not in page, target

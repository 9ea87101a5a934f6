"""The load test's journeys, for locust: people of each role using the portal at once.

Run by ``manage.py loadtest`` (see README, "Load and faults"), which starts the portal
and reads what this file records. It imports nothing of Django: it runs in locust's own
process and only speaks HTTP to the portal.

Every response is written to ``LOAD_LOG`` (JSON lines) with its journey, time and
outcome: ``ok``; ``unavailable`` (the portal's 503 page with Retry-After);
``server_error`` (the portal's 500 page); or ``error``, anything else: a refused
connection, a time-out, a page that is not the portal's, a traceback, an unexpected
status. Every write the portal acknowledged is written there too, with what identifies
it, so the run can check afterwards that each one is in the database.
"""

import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

RUN = os.environ.get("LOAD_RUN_ID", "run")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
TIMEOUT = float(os.environ.get("LOAD_TIMEOUT", "30"))
WAIT = [float(part) for part in os.environ.get("LOAD_WAIT", "1,3").split(",")]

_log = open(os.environ.get("LOAD_LOG", os.devnull), "a", buffering=1)  # noqa: SIM115 - open for the run
_serial = itertools.count(1)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TEAM = re.compile(r'<select[^>]*name="team"[^>]*>.*?<option value="(\d+)"', re.S)
HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
ACCOUNT = re.compile(r'href="/accounts/(\d+)/"')
CREATED = {
    "proposal": re.compile(r"^/proposals/(\d+)/$"),
    "concern": re.compile(r"^/concerns/(\d+)/$"),
}


def record(**fields):
    _log.write(json.dumps(fields) + "\n")


@events.quitting.add_listener
def _close_log(**kwargs):
    _log.close()


def classify(response, expect):
    status = response.status_code
    body = (response.text or "") if status else ""
    if status in expect:
        return "ok"
    if "Traceback" in body:
        return "error"
    if status == 503 and "briefly unavailable" in body and response.headers.get("Retry-After"):
        return "unavailable"
    if status == 500 and "Something went wrong" in body:
        return "server_error"
    return "error"


def describe(response, location):
    """What a failed response was, in a line: where it pointed, its heading, or the error."""
    if not response.status_code:
        return str(response.error or "")[:200]
    heading = HEADING.search(response.text or "")
    text = heading.group(1) if heading else (response.text or "")
    return (location or " ".join(text.split()))[:200]


class Person(HttpUser):
    """Someone who signs in once, as people do in the morning, and then goes about their
    work, a page every few seconds. Signing in is timed on that first sign-in (and on a
    second one when a failure signed them out)."""

    abstract = True
    wait_time = between(*WAIT)
    usernames = ()

    def on_start(self):
        self.username = self.usernames[next(self.numbers) % len(self.usernames)]
        self.signed_in = False
        self.accounts = []
        self.sign_in()

    # Talking to the portal

    def call(self, method, url, journey, expect=(200,), **kwargs):
        """One request, recorded; the response when it is what was expected, else None."""
        started = time.time()
        clock = time.perf_counter()
        with self.client.request(
            method,
            url,
            name=journey,
            catch_response=True,
            allow_redirects=False,
            timeout=TIMEOUT,
            **kwargs,
        ) as response:
            ms = (time.perf_counter() - clock) * 1000
            outcome = classify(response, expect)
            location = response.headers.get("Location", "") if response.status_code else ""
            if outcome == "ok":
                response.success()
            else:
                response.failure(f"{outcome}: {response.status_code or response.error}")
                if location.startswith("/sign-in/"):
                    # Signed out under us: sign in again before the next journey.
                    self.signed_in = False
        record(
            t=started,
            journey=journey,
            outcome=outcome,
            status=response.status_code,
            ms=round(ms, 1),
            user=self.username,
            detail="" if outcome == "ok" else describe(response, location),
        )
        return response if outcome == "ok" else None

    def page(self, url, journey):
        if not self.signed_in:
            self.sign_in()
            if not self.signed_in:
                return None
        return self.call("GET", url, journey)

    def post_form(self, form_url, journey, fields, created):
        """Open a form, send it, and record the write if the portal says it is done."""
        form = self.page(form_url, f"{journey} (form)")
        if form is None:
            return None
        token = CSRF.search(form.text)
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", **fields}
        if "team" in fields and fields["team"] is None:
            team = TEAM.search(form.text)
            data["team"] = team.group(1) if team else ""
        response = self.call("POST", form_url, journey, expect=(302,), data=data)
        if response is None:
            return None
        match = CREATED[created].match(response.headers.get("Location", ""))
        if match is None:
            # A 302 somewhere other than the new record is not a write we can check.
            record(t=time.time(), journey=journey, outcome="error", status=302, ms=0,
                   user=self.username, detail=response.headers.get("Location", ""))  # fmt: skip
            return None
        return int(match.group(1))

    # Journeys every role takes

    def sign_in(self):
        self.client.cookies.clear()
        form = self.call("GET", "/sign-in/", "sign in (form)")
        if form is None:
            return
        token = CSRF.search(form.text)
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": self.username,
            "password": PASSWORD,
        }
        self.signed_in = (
            self.call("POST", "/sign-in/", "sign in", expect=(302,), data=data) is not None
        )

    @task(4)
    def home(self):
        self.page("/", "home")

    def unique(self, what):
        return f"Load {RUN} {what} {self.username} {next(_serial)}"


class Reader(Person):
    """Someone who may read the account register: a team's own accounts, or all."""

    abstract = True

    @task(2)
    def register(self):
        response = self.page("/accounts/", "account register")
        if response is not None:
            self.accounts = sorted({int(pk) for pk in ACCOUNT.findall(response.text)})

    @task(2)
    def account_page(self):
        if not self.accounts:
            self.register()
        if self.accounts:
            self.page(f"/accounts/{random.choice(self.accounts)}/", "account page")


class Comms(Reader):
    """The communications team and its head: the queue, performance and moderation."""

    weight = 2
    usernames = ("comms", "head")
    numbers = itertools.count()

    @task(3)
    def kpi_overview(self):
        self.page("/accounts/performance/", "KPI overview")

    @task(3)
    def moderation_log(self):
        self.page("/moderation/", "moderation log")

    @task(2)
    def queue(self):
        self.page("/proposals/queue/", "proposal queue")


class Auditor(Reader):
    weight = 1
    usernames = ("auditor",)
    numbers = itertools.count()

    @task(2)
    def kpi_overview(self):
        self.page("/accounts/performance/", "KPI overview")

    @task(2)
    def moderation_log(self):
        self.page("/moderation/", "moderation log")


PROPOSAL_TEXT_FIELDS = (
    "goals",
    "service_user_benefit",
    "service_benefit",
    "audience_demand",
    "why_not_existing",
    "audience",
    "audience_channels",
    "audience_discovery",
    "similar_accounts",
    "who_posts",
    "who_monitors",
    "costs",
    "risks",
    "exit_strategy",
    "business_plan",
    "stakeholder_consultation",
    "timeframes",
)


def proposal_answers(name, *, complete):
    answers = {"platform": "instagram", "proposed_name": name}
    if complete:
        text = "Answered in full by the load test so that the proposal can be submitted."
        answers.update(dict.fromkeys(PROPOSAL_TEXT_FIELDS, text))
        answers.update(
            posts_per_week="3",
            monitoring_frequency="Twice a day",
            office_hours_commitment="on",
        )
    return answers


class TeamPerson(Reader):
    """A team member or manager: their proposals, drafting one, submitting one."""

    abstract = True

    @task(3)
    def proposals(self):
        self.page("/proposals/", "proposal list")

    @task(2)
    def draft_proposal(self):
        name = self.unique("draft")
        fields = {"team": None, "intent": "Save draft", **proposal_answers(name, complete=False)}
        pk = self.post_form("/proposals/new/", "draft a proposal", fields, "proposal")
        if pk:
            record(write="proposal", id=pk, name=name, submitted=False, user=self.username)

    @task(2)
    def submit_proposal(self):
        # A member's proposal goes to the team's managers, a manager's to comms: e-mails.
        name = self.unique("proposal")
        fields = {
            "team": None,
            "intent": "Save and submit",
            **proposal_answers(name, complete=True),
        }
        pk = self.post_form("/proposals/new/", "submit a proposal", fields, "proposal")
        if pk:
            record(write="proposal", id=pk, name=name, submitted=True, user=self.username)


class Member(TeamPerson):
    weight = 3
    usernames = ("member", "nurse", "camhs")
    numbers = itertools.count()


class Manager(TeamPerson):
    weight = 2
    usernames = ("manager", "nurse.manager", "camhs.manager", "recovery")
    numbers = itertools.count()


class Staff(Person):
    """Staff with no team: the playbook, and a report of a hacked account (urgent, so
    the communications team is e-mailed at once, whatever the hour)."""

    weight = 2
    usernames = ("staff",)
    numbers = itertools.count()

    @task(3)
    def playbook(self):
        self.page("/playbook/", "playbook")

    @task(1)
    def official_accounts(self):
        self.page("/official-accounts/", "official accounts")

    @task(2)
    def report_concern(self):
        link = f"https://social.example/{RUN}/{self.username}/{next(_serial)}"
        fields = {
            "kind": "compromised",
            "link": link,
            "what_worries": f"The account at {link} is posting things we never wrote.",
        }
        pk = self.post_form("/concerns/new/", "report a concern", fields, "concern")
        if pk:
            record(write="concern", id=pk, link=link, user=self.username)

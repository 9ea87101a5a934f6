"""Entering and importing monthly figures: the form, CSV files, re-imports and large files."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from accounts_requests.kpi import services, tasks
from accounts_requests.models import FiguresImport, ManagedAccount, MonthlyFigures
from portal.models import Notification
from tests import kpi_factories

pytestmark = pytest.mark.django_db

HEADER = "month,followers,posts,engagements,impressions,messages_received,median_reply_hours"
GOOD = (
    f"{HEADER}\n"
    "2025-01,120,10,55,3000,4,2.5\n"
    "2025-02,130,12,60,3100,5,3\n"
    "2025-03,140,9,70,3300,,\n"
)
TODAY = "2025-04-15 10:00"


def csv_file(text, name="figures.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def account(team):
    return kpi_factories.account(team, name="Perinatal Peers")


def figures_url(account):
    return reverse("accounts_requests:figures", args=[account.pk])


def import_url(account):
    return reverse("accounts_requests:figures_import", args=[account.pk])


FORM = {
    "month": "2025-03",
    "followers": "140",
    "posts": "9",
    "engagements": "70",
    "impressions": "3300",
    "messages_received": "",
    "median_reply_hours": "",
    "last_post_on": "",
}


@freeze_time(TODAY)
class TestTheForm:
    def test_a_member_enters_a_month(self, as_user, member, account):
        response = as_user(member).post(figures_url(account), FORM)
        assert response.status_code == 302
        row = MonthlyFigures.objects.get(account=account)
        assert (row.month, row.followers, row.posts) == (datetime.date(2025, 3, 1), 140, 9)
        assert row.entered_by == member
        assert row.active_until == datetime.date(2025, 3, 1)
        assert row.period_end == datetime.date(2025, 3, 31)
        assert account.events.get(action="figures_entered").comment == "Mar 2025"

    def test_entering_the_same_month_again_updates_it_and_keeps_the_old_numbers(
        self, as_user, member, comms, account
    ):
        as_user(member).post(figures_url(account), FORM)
        as_user(comms).post(figures_url(account), {**FORM, "followers": "150"})
        row = MonthlyFigures.objects.get(account=account)
        assert row.followers == 150
        assert row.entered_by == comms
        assert [h.followers for h in row.history.order_by("history_date")] == [140, 150]
        assert account.events.filter(action="figures_entered").last().comment == (
            "Mar 2025 (updated)"
        )

    def test_the_page_offers_a_month_for_correction(self, as_user, member, account):
        kpi_factories.figures(account, (2025, 2), followers=321)
        page = as_user(member).get(figures_url(account) + "?month=2025-02").content.decode()
        assert 'value="321"' in page
        assert "Correct the figures for February 2025" in page

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"month": "2025-04"}, "month"),
            ({"month": "March"}, "month"),
            ({"posts": "-1"}, "posts"),
            ({"impressions": ""}, "impressions"),
            ({"median_reply_hours": "fast"}, "median_reply_hours"),
            ({"last_post_on": "2025-04-02"}, "last_post_on"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_saved(
        self, as_user, member, account, change, field
    ):
        response = as_user(member).post(figures_url(account), {**FORM, **change})
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert not MonthlyFigures.objects.exists()
        assert 'value="140"' in response.content.decode()  # nothing typed is lost

    def test_an_auditor_and_another_team_cannot_enter_figures(
        self, as_user, auditor, outsider, account
    ):
        assert as_user(auditor).post(figures_url(account), FORM).status_code == 403
        assert as_user(outsider).post(figures_url(account), FORM).status_code == 404
        assert not MonthlyFigures.objects.exists()

    def test_an_auditor_reads_the_figures_without_a_form(self, as_user, auditor, account):
        kpi_factories.figures(account, (2025, 2))
        response = as_user(auditor).get(figures_url(account))
        assert response.status_code == 200
        assert response.context["form"] is None
        assert "Feb 2025" in response.content.decode()

    def test_a_closed_account_takes_no_figures(self, as_user, member, team):
        closed = kpi_factories.account(team, state=ManagedAccount.State.CLOSED)
        response = as_user(member).post(figures_url(closed), FORM)
        assert response.status_code == 409
        assert "closed" in response.content.decode()
        assert not MonthlyFigures.objects.exists()
        with pytest.raises(services.ActionConflict):
            services.monthly_figures_save(
                actor=member,
                account_id=closed.pk,
                month=datetime.date(2025, 3, 1),
                data={"followers": 1, "posts": 1, "engagements": 1, "impressions": 1},
            )

    def test_an_account_in_set_up_takes_no_figures_yet(self, member, team):
        setting_up = kpi_factories.account(team, state=ManagedAccount.State.SETTING_UP)
        with pytest.raises(services.ActionConflict, match="Figures start"):
            services.monthly_figures_save(
                actor=member,
                account_id=setting_up.pk,
                month=datetime.date(2025, 3, 1),
                data={"followers": 1, "posts": 1, "engagements": 1, "impressions": 1},
            )

    def test_the_form_needs_the_csrf_token(self, member, account):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        assert client.post(figures_url(account), FORM).status_code == 403
        assert not MonthlyFigures.objects.exists()


@freeze_time(TODAY)
class TestImport:
    def test_a_file_without_the_columns_says_so_in_one_sentence(self, as_user, member, account):
        client = as_user(member)
        client.post(import_url(account), {"file": csv_file("month,likes\n2025-01,3\n")})
        job = FiguresImport.objects.get()
        [problem] = job.problems
        assert problem["messages"][0].endswith("the columns it expects")
        page = client.get(job.get_absolute_url()).content.decode()
        assert "the columns it expects." in page and "expects.." not in page

    def test_a_clean_file_is_imported(self, as_user, member, account):
        response = as_user(member).post(import_url(account), {"file": csv_file(GOOD)})
        assert response.status_code == 302
        assert response["Location"].endswith("#kpi")
        rows = MonthlyFigures.objects.filter(account=account).order_by("month")
        assert [(r.month.month, r.followers) for r in rows] == [(1, 120), (2, 130), (3, 140)]
        assert {r.source for r in rows} == {MonthlyFigures.Source.IMPORT}
        job = FiguresImport.objects.get()
        assert (job.status, job.rows_created, job.rows_updated) == ("done", 3, 0)
        assert job.pending_text == ""
        assert MonthlyFigures.history.filter(history_type="+").count() == 3
        event = account.events.get(action="figures_imported")
        assert event.comment == "3 month(s), Jan 2025 to Mar 2025, from figures.csv"

    def test_importing_the_same_months_again_updates_them_and_never_duplicates(
        self, as_user, member, account
    ):
        client = as_user(member)
        client.post(import_url(account), {"file": csv_file(GOOD)})
        corrected = GOOD.replace("2025-02,130", "2025-02,135") + "2024-12,100,8,40,2900,,\n"
        client.post(import_url(account), {"file": csv_file(corrected)})
        assert MonthlyFigures.objects.filter(account=account).count() == 4
        assert MonthlyFigures.objects.get(account=account, month="2025-02-01").followers == 135
        job = FiguresImport.objects.order_by("-pk").first()
        assert (job.rows_created, job.rows_updated) == (1, 3)
        history = MonthlyFigures.history.filter(month="2025-02-01").order_by("history_date")
        assert [(h.history_type, h.followers) for h in history] == [("+", 130), ("~", 135)]

    def test_a_file_with_bad_rows_imports_nothing_and_lists_each_line(
        self, as_user, member, account
    ):
        bad = GOOD + "2024-11,many,8,40,2900,,\n2024-10,100,8,=1+1,2900,,\n"
        response = as_user(member).post(import_url(account), {"file": csv_file(bad)})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Nothing was imported." in page
        assert '<th scope="row">5</th>' in page
        assert "Followers must be a whole number, not &#x27;many&#x27;" in page
        assert '<th scope="row">6</th>' in page
        assert "looks like a spreadsheet formula" in page
        assert not MonthlyFigures.objects.exists()
        assert FiguresImport.objects.get().status == FiguresImport.Status.REJECTED

    def test_a_workbook_is_refused_with_what_to_do(self, as_user, member, account):
        upload = SimpleUploadedFile("figures.xlsx", b"PK\x03\x04 zipped", content_type="text/csv")
        response = as_user(member).post(import_url(account), {"file": upload})
        assert response.status_code == 400
        assert "CSV UTF-8" in response.content.decode()
        assert not FiguresImport.objects.exists()

    def test_a_windows_1252_file_is_read_and_says_so(self, as_user, member, account):
        text = "month,followers,posts,engagements,impressions,notes\n2025-01,1,1,1,1,Caf\xe9\n"
        as_user(member).post(import_url(account), {"file": csv_file(text, encoding="cp1252")})
        job = FiguresImport.objects.get()
        assert job.status == "done"
        assert any("Windows-1252" in note for note in job.notes)

    def test_a_file_that_is_too_large_is_refused(self, as_user, member, account, settings):
        settings.KPI_IMPORT_MAX_BYTES = 50
        response = as_user(member).post(import_url(account), {"file": csv_file(GOOD)})
        assert response.status_code == 400
        assert "The file must be no larger than 50\u00a0bytes." in response.content.decode()
        assert not MonthlyFigures.objects.exists()

    def test_an_auditor_cannot_import_and_another_team_sees_nothing(
        self, as_user, auditor, outsider, account
    ):
        assert (
            as_user(auditor).post(import_url(account), {"file": csv_file(GOOD)}).status_code == 403
        )
        assert (
            as_user(outsider).post(import_url(account), {"file": csv_file(GOOD)}).status_code
            == 404
        )
        assert not MonthlyFigures.objects.exists()

    def test_the_upload_needs_the_csrf_token(self, member, account):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        assert client.post(import_url(account), {"file": csv_file(GOOD)}).status_code == 403

    def test_the_template_has_the_documented_columns(self, as_user, member, account):
        response = as_user(member).get(
            reverse("accounts_requests:figures_template", args=[account.pk])
        )
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "no-store" in response["Cache-Control"]
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        assert lines[0] == HEADER + ",last_post_date"
        assert lines[1].startswith("2025-03,")


@freeze_time(TODAY)
class TestImportForSeveralAccounts:
    def test_comms_import_a_file_for_several_accounts(self, as_user, comms, team, other_team):
        first = kpi_factories.account(team, name="First")
        second = kpi_factories.account(other_team, name="Second")
        text = (
            "account_id,account_name,month,followers,posts,engagements,impressions\n"
            f"{first.pk},First,2025-03,10,1,1,100\n{second.pk},Second,2025-03,20,2,2,200\n"
        )
        url = reverse("accounts_requests:figures_import_all")
        response = as_user(comms).post(url, {"file": csv_file(text)})
        assert response.status_code == 302
        assert MonthlyFigures.objects.get(account=first).followers == 10
        assert MonthlyFigures.objects.get(account=second).followers == 20

    def test_unknown_and_closed_accounts_stop_the_whole_file(self, as_user, comms, team):
        live = kpi_factories.account(team, name="Live")
        closed = kpi_factories.account(team, name="Gone", state=ManagedAccount.State.CLOSED)
        text = (
            "account_id,month,followers,posts,engagements,impressions\n"
            f"{live.pk},2025-03,10,1,1,100\n{closed.pk},2025-03,1,1,1,1\n999999,2025-03,1,1,1,1\n"
        )
        response = as_user(comms).post(
            reverse("accounts_requests:figures_import_all"), {"file": csv_file(text)}
        )
        assert response.status_code == 400
        problems = FiguresImport.objects.get().problems
        assert problems == [
            {
                "line": 3,
                "messages": [f"account {closed.pk} (Gone) is closed, so it takes no figures"],
            },
            {"line": 4, "messages": ["there is no account number 999999"]},
        ]
        assert not MonthlyFigures.objects.exists()

    def test_the_template_lists_every_live_account_and_defuses_formula_names(
        self, as_user, comms, team
    ):
        kpi_factories.account(team, name='=HYPERLINK("http://evil")')
        kpi_factories.account(team, name="Closed one", state=ManagedAccount.State.CLOSED)
        response = as_user(comms).get(reverse("accounts_requests:figures_template_all"))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "'=HYPERLINK" in text
        assert "Closed one" not in text
        assert text.splitlines()[0].startswith("account_id,account_name,month,")

    def test_a_team_cannot_import_for_several_accounts(self, as_user, member):
        url = reverse("accounts_requests:figures_import_all")
        assert as_user(member).post(url, {"file": csv_file(GOOD)}).status_code == 403


@freeze_time(TODAY)
class TestLargeFiles:
    @pytest.fixture(autouse=True)
    def _small_threshold(self, settings):
        settings.KPI_IMPORT_BACKGROUND_ROWS = 2

    def big_file(self, months=24):
        rows = []
        for i in range(months):
            year, month = divmod(2023 * 12 + i, 12)
            rows.append(f"{year}-{month + 1:02d},{100 + i},10,50,2000,,")
        return HEADER + "\n" + "\n".join(rows) + "\n"

    def test_a_large_file_runs_in_the_background_and_its_page_shows_progress(
        self, as_user, member, account, django_capture_on_commit_callbacks
    ):
        client = as_user(member)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(import_url(account), {"file": csv_file(self.big_file())})
        job = FiguresImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == job.get_absolute_url()
        assert job.status == FiguresImport.Status.QUEUED
        waiting = client.get(job.get_absolute_url())
        assert 'hx-trigger="every 1s"' in waiting.content.decode()
        assert '<meta http-equiv="refresh"' in waiting.content.decode()

        FiguresImport.objects.filter(pk=job.pk).update(
            status=FiguresImport.Status.RUNNING, rows_total=24, rows_done=12
        )
        partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
        assert partial.status_code == 200
        assert "12 of about 24 rows checked" in partial.content.decode()
        assert 'value="50"' in partial.content.decode()

        FiguresImport.objects.filter(pk=job.pk).update(status=FiguresImport.Status.QUEUED)
        for callback in callbacks:
            callback()  # the worker runs the task (eagerly in tests)
        job.refresh_from_db()
        assert (job.status, job.rows_created, job.rows_done, job.percent) == ("done", 24, 24, 100)
        assert MonthlyFigures.objects.filter(account=account).count() == 24
        done = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
        assert done.status_code == 286  # htmx stops polling
        assert "Imported 24 new months" in done.content.decode()
        note = Notification.objects.get(recipient=member, kind="account.figures_import")
        assert note.title == "Figures imported from figures.csv"

    def test_a_large_bad_file_imports_nothing_and_the_uploader_is_told(
        self, as_user, member, account, django_capture_on_commit_callbacks
    ):
        text = self.big_file().replace("2024-03,114", "2024-03,lots")
        with django_capture_on_commit_callbacks(execute=True):
            as_user(member).post(import_url(account), {"file": csv_file(text)})
        job = FiguresImport.objects.get()
        assert job.status == FiguresImport.Status.REJECTED
        assert job.problems == [
            {"line": 16, "messages": ["followers must be a whole number, not 'lots'"]}
        ]
        assert not MonthlyFigures.objects.exists()
        assert Notification.objects.get(recipient=member).title.startswith("Figures not imported")

    def test_an_import_is_processed_once_however_often_it_is_asked(self, member, account):
        job = kpi_factories.figures_import(
            account, member, status=FiguresImport.Status.QUEUED, pending_text=GOOD
        )
        assert services.figures_import_process(import_id=job.pk).status == "done"
        assert services.figures_import_process(import_id=job.pk) is None
        assert MonthlyFigures.objects.count() == 3

    def test_the_sweep_picks_up_an_import_the_broker_never_delivered(self, member, account):
        job = kpi_factories.figures_import(
            account, member, status=FiguresImport.Status.QUEUED, pending_text=GOOD
        )
        FiguresImport.objects.filter(pk=job.pk).update(
            created_at=job.created_at - datetime.timedelta(minutes=5)
        )
        tasks.resume_stalled_imports()
        job.refresh_from_db()
        assert job.status == FiguresImport.Status.DONE
        assert MonthlyFigures.objects.count() == 3

    def test_a_team_cannot_see_another_teams_import(self, as_user, outsider, member, account):
        job = kpi_factories.figures_import(account, member)
        assert as_user(outsider).get(job.get_absolute_url()).status_code == 404

import io

import pytest
from django.core.management import call_command

from moderation import selectors
from moderation.models import (
    Commenter,
    Entry,
    Erasure,
    EvidenceFile,
    ExportRecord,
    RightsRequest,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_moderation_entries_on_the_demo_accounts():
    call_command("load_demo", stdout=io.StringIO())
    assert Entry.objects.count() >= 6
    assert Entry.objects.filter(safeguarding=True).exists()
    assert Entry.objects.exclude(hate_crime_strand="").exists()
    assert Entry.objects.filter(account__source_request__isnull=False).exists()
    assert Commenter.objects.filter(repeat_offender_since__isnull=False).exists()
    assert EvidenceFile.objects.exists()
    # Personal data in the demo excerpts was redacted on the way in, as in real use.
    assert not Entry.objects.filter(excerpt__contains="07700").exists()
    # One shows what the retention job leaves of an entry past its date.
    (past,) = Entry.objects.filter(events__action="personal_data_removed")
    assert (past.excerpt, past.notes) == ("", "") and past.commenter.is_forgotten
    # Another, what removing a commenter's details on request leaves, on the
    # information rights record beside a subject access export.
    (erased,) = Erasure.objects.all()
    assert erased.commenter.is_forgotten and erased.entries == 1
    assert Entry.objects.get(commenter=erased.commenter).excerpt == ""
    (export,) = ExportRecord.objects.filter(kind=ExportRecord.Kind.SUBJECT_ACCESS)
    # The export answered the request logged the day it came; another is still waiting.
    assert export.rights_request.status == RightsRequest.Status.ANSWERED
    waiting, asking = RightsRequest.objects.open().order_by("kind").reverse()
    assert waiting.kind == RightsRequest.Kind.ERASURE and waiting.days_left > 0
    # A request for a copy waits too, so its commenter's pages show what it holds back.
    assert asking.kind == RightsRequest.Kind.ACCESS and asking.days_left > 0
    assert asking.commenter.handle == "@worried_mum"
    # Its page shows that its day received was corrected.
    (fix,) = selectors.rights_request_corrections(waiting)
    assert fix.why == RightsRequest.Correction.ANOTHER_DAY.label
    # One logged by mistake is closed as such, and left out of the year's figures.
    (mistaken,) = RightsRequest.objects.filter(closure=RightsRequest.Closure.ERROR)
    assert mistaken.commenter == waiting.commenter and mistaken.in_error
    # The police referral was reported in the trust's incident system too.
    assert Entry.objects.filter(action_rows__action="incident").exclude(incident_reference="")
    assert not Entry.objects.filter(personal_data_removed_at__isnull=True, excerpt="").exists()
    # The home page has an author still to be told why to point to.
    assert Entry.objects.filter(author_told="not_yet", commenter__handle="@late_reply_99")
    count = Entry.objects.count()
    call_command("load_demo", stdout=io.StringIO())  # running again adds nothing
    assert Entry.objects.count() == count

from io import StringIO

from django.core.management import call_command

from portal.models import Concern, ReadConfirmation, TrainingRequest
from tests.portal.content import ensure_published


def test_the_demo_shows_confirmations_training_and_concerns(db):
    ensure_published()
    call_command("load_demo", stdout=StringIO())
    assert ReadConfirmation.objects.count() >= 3
    assert TrainingRequest.objects.filter(state=TrainingRequest.State.SCHEDULED).exists()
    assert TrainingRequest.objects.filter(state=TrainingRequest.State.REQUESTED).exists()
    assert Concern.objects.count() == 4
    assert Concern.objects.filter(kind=Concern.Kind.COMPROMISED).exists()
    # One waits on the safeguarding lead.
    assert Concern.objects.filter(someone_at_risk=True, safeguarding_taken_at=None).count() == 1
    # Running it again changes nothing.
    call_command("load_demo", stdout=StringIO())
    assert Concern.objects.count() == 4

"""An answer left out is met with what to do, by the kind of answer the field takes."""

from django import forms
from django.urls import reverse

from accounts_requests.models import Platform
from portal.fields import team_choice_field
from portal.models import Team


class EveryKind(forms.Form):
    text = forms.CharField()
    email = forms.EmailField()
    link = forms.URLField()
    count = forms.IntegerField()
    rate = forms.DecimalField()
    day = forms.DateField()
    moment = forms.DateTimeField()
    confirm = forms.BooleanField()
    platform = forms.ChoiceField(choices=Platform.choices)
    platforms = forms.MultipleChoiceField(choices=Platform.choices)
    team = team_choice_field(queryset=Team.objects.all())
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all())
    upload = forms.FileField()
    own = forms.CharField(error_messages={"required": "Say why."})


def test_each_kind_of_field_says_what_to_do(db):
    form = EveryKind(data={})
    assert not form.is_valid()
    said = {name: errors[0] for name, errors in form.errors.items()}
    assert said == {
        "text": "Enter an answer.",
        "email": "Enter an e-mail address.",
        "link": "Enter a web address.",
        "count": "Enter a number.",
        "rate": "Enter a number.",
        "day": "Enter a date.",
        "moment": "Enter a date and time.",
        "confirm": "Tick the box to go on.",
        "platform": "Choose one.",
        "platforms": "Choose at least one.",
        "team": "Choose one.",
        "teams": "Choose at least one.",
        "upload": "Choose a file.",
        "own": "Say why.",
    }
    assert all(error.code == "required" for error in form.errors.as_data()["text"])


def test_signing_in_with_nothing_typed_says_what_is_missing(client, db):
    page = client.post(reverse("portal:login"), {}).content.decode()
    assert "Enter your user name." in page and "Enter your password." in page

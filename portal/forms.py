from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model

from portal.models import Membership, OrganisationProfile


class OrganisationProfileForm(forms.ModelForm):
    class Meta:
        model = OrganisationProfile
        fields = [
            "trust_name",
            "short_name",
            "website",
            "comms_email",
            "comms_phone",
            "office_opens",
            "office_closes",
            "crisis_line",
            "crisis_url",
            "pals_contact",
            "pals_url",
            "complaints_contact",
            "complaints_url",
        ]
        widgets = {
            "office_opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "office_closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("The trust", "trust_name", "short_name", "website"),
            Fieldset("Communications team", "comms_email", "comms_phone"),
            Fieldset("Office hours", "office_opens", "office_closes"),
            Fieldset(
                "Where to send people",
                "crisis_line",
                "crisis_url",
                "pals_contact",
                "pals_url",
                "complaints_contact",
                "complaints_url",
            ),
            Submit("save", "Save profile"),
        )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("office_opens"), cleaned.get("office_closes")
        if opens and closes and closes <= opens:
            self.add_error(
                "office_closes",
                forms.ValidationError(
                    "Office hours must close after they open.", code="closes_before_opens"
                ),
            )
        return cleaned


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="The person to add to this team.",
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("user", "role", Submit("add", "Add to team"))

    def clean_user(self):
        user = self.cleaned_data["user"]
        if Membership.objects.filter(team=self.team, user=user).exists():
            raise forms.ValidationError(
                "%(name)s is already in this team.", code="already_member", params={"name": user}
            )
        return user


class DeactivateForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "confirm"
        ].label = f"I confirm {person} has left or must no longer be able to sign in"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "confirm", Submit("deactivate", f"Deactivate {person}", css_class="btn-danger")
        )

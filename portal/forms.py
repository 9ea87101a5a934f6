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
            "policy_review_due",
        ]
        widgets = {
            "office_opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "office_closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "policy_review_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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
            Fieldset("Policy review", "policy_review_due"),
            Submit("save", "Save profile"),
        )
        when = policy_reminder_waits()
        if when:
            self.fields["policy_review_due"].help_text = (
                "When the social media policy is next due for review. The head of "
                f"communications is reminded {when}."
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


def policy_reminder_waits():
    """'30 days before and on the day', from the policy review rule as configured."""
    from portal.reminders.engine import load_rules

    for rule in load_rules():
        if rule.key == "policy.review":
            waits = [str(stage.after) for stage in rule.stages]
            return " and ".join([", ".join(waits[:-1]), waits[-1]] if len(waits) > 1 else waits)
    return ""


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


class ReminderDeliveryForm(forms.Form):
    """How a person wants their ordinary reminders: each as it falls due, or a digest."""

    EACH = "each"
    DIGEST = "digest"

    delivery = forms.ChoiceField(
        label="How should ordinary reminders reach you by e-mail?",
        widget=forms.RadioSelect,
        choices=[
            (EACH, "Each reminder on its own, as it falls due in office hours"),
            (DIGEST, "One e-mail a day with all of them, at the start of the working day"),
        ],
        help_text="Urgent alerts, such as a safeguarding concern or a compromised account, "
        "always come at once. Everything also appears under Notifications in the portal.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("delivery", Submit("save", "Save my choice"))

    @property
    def wants_daily_digest(self):
        return self.cleaned_data["delivery"] == self.DIGEST


class DueFilterForm(forms.Form):
    """What the comms overview of due reminders shows."""

    status = forms.ChoiceField(label="Show", required=False)
    rule = forms.ChoiceField(label="What", required=False)

    def __init__(self, *args, rules, **kwargs):
        from portal.reminders.selectors import DUE_SOON, OVERDUE, UPCOMING

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (DUE_SOON, "Overdue or due within 2 working days"),
            (OVERDUE, "Overdue only"),
            (UPCOMING, "Everything waiting"),
        ]
        self.fields["rule"].choices = [("", "Everything"), *((r.key, r.summary) for r in rules)]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


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

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import timezone
from django.utils.formats import date_format

from portal import selectors
from portal.fields import DescribedByMixin
from portal.models import (
    Concern,
    Membership,
    OrganisationProfile,
    SafeguardingOutcome,
    Team,
    TrainingRequest,
)
from portal.models.concerns import INCIDENT_REFERENCE
from portal.widgets import FastSelect


def _say_when_missing(form, messages):
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That user name and password do not match. Check them and try "
        "again; the password is case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _say_when_missing(
            self, {"username": "Enter your user name.", "password": "Enter your password."}
        )


class _NewPasswordMessages:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _say_when_missing(
            self,
            {
                "new_password1": "Enter a new password.",
                "new_password2": "Enter the new password again.",
            },
        )


class ChangePasswordForm(_NewPasswordMessages, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _say_when_missing(self, {"old_password": "Enter your current password."})


class SetNewPasswordForm(_NewPasswordMessages, SetPasswordForm):
    """A new password, from the link in a password e-mail."""


class FirstPasswordForm(SetNewPasswordForm):
    """The password someone just added chooses, from the link in their invitation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Your password"
        self.fields["new_password2"].label = "The same password again"
        self.fields["new_password2"].help_text = "So that a slip of a key does not lock you out."
        _say_when_missing(
            self,
            {
                "new_password1": "Choose a password.",
                "new_password2": "Enter the same password again.",
            },
        )


class ResetPasswordForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Your work e-mail address"
        self.fields["email"].help_text = "The address the portal sends your notifications to."
        _say_when_missing(self, {"email": "Enter your work e-mail address."})


class OrganisationProfileForm(forms.ModelForm):
    class Meta:
        model = OrganisationProfile
        fields = [
            "trust_name",
            "short_name",
            "website",
            "privacy_url",
            "policy_url",
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
            "accessibility_reviewed_on",
        ]
        widgets = {
            "office_opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "office_closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "policy_review_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "accessibility_reviewed_on": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            ),
        }

    def __init__(self, *args, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:  # for auditors: read, change nothing
            for field in self.fields.values():
                field.disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("The trust", "trust_name", "short_name", "website", "privacy_url"),
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
            Fieldset("Reviews", "policy_review_due", "accessibility_reviewed_on"),
            *([] if read_only else [Submit("save", "Save profile")]),
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
        widget=FastSelect,
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


class PersonAddForm(forms.Form):
    """A new person's sign-in: who they are and, if they are in a team, which and as what.
    Roles beyond a team (communications, auditor, safeguarding) are given in the admin."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        label="Work e-mail address",
        help_text="Their sign-in details and the link to choose a password go here.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True),
        required=False,
        empty_label="No team (reads the guidance, reports concerns)",
        widget=FastSelect,
    )
    role = forms.ChoiceField(
        label="Role in the team",
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text="A service manager endorses the team's proposals. Someone with no team "
        "has no role in one.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _person_form(self)
        self.helper.layout = Layout(
            "first_name", "last_name", "email", "team", "role", Submit("add", "Add them")
        )

    def clean_email(self):
        return _email_not_taken(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Membership.Role.MANAGER and not cleaned.get("team"):
            self.add_error(
                "team",
                forms.ValidationError(
                    "A service manager manages a team: choose theirs, or make them a team member.",
                    code="manager_without_team",
                ),
            )
        return cleaned


def _person_form(form):
    """What adding someone and correcting their details share: the messages for a
    missing name or address, and a crispy helper for the layout to be set."""
    _say_when_missing(
        form,
        {
            "first_name": "Enter their first name.",
            "last_name": "Enter their last name.",
            "email": "Enter their work e-mail address.",
        },
    )
    form.helper = FormHelper()
    form.helper.form_tag = False


def _email_not_taken(email, *, by=None):
    """``email``, unless someone other than ``by`` has a sign-in with it already."""
    email = email.strip()
    others = get_user_model().objects.filter(email__iexact=email)
    if by is not None:
        others = others.exclude(pk=by.pk)
    known = others.first()
    if known is not None and known.is_active:
        raise forms.ValidationError(
            "%(name)s already signs in with this address (user name %(username)s).",
            code="email_taken",
            params={"name": known, "username": known.username},
        )
    if known is not None:
        raise forms.ValidationError(
            "This address belongs to %(name)s (user name %(username)s), who was "
            "deactivated. If they are back, a portal administrator can reactivate them.",
            code="email_deactivated",
            params={"name": known, "username": known.username},
        )
    return email


class PersonDetailsForm(forms.ModelForm):
    """A person's name and work e-mail address, as the communications team corrects them."""

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email"]
        labels = {"email": "Work e-mail address"}
        help_texts = {"email": "Notifications and password e-mails go here."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True
        _person_form(self)
        self.helper.layout = Layout(
            "first_name", "last_name", "email", Submit("save", "Save their details")
        )

    def clean_email(self):
        return _email_not_taken(self.cleaned_data["email"], by=self.instance)


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


# The playbook and the slides.


class ContentForm(DescribedByMixin, forms.Form):
    """A draft of the playbook or the slides, in Markdown."""

    described_by = {"body": "markdown-help"}

    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 28, "class": "font-monospace", "spellcheck": "true"}),
        strip=False,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, is_slides=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = (
            "Start a new slide with a line of three hyphens (---), with an empty line above "
            "and below it. Each slide's first # heading is its title. Speaker notes go after "
            "a line that says Notes: and only the communications team sees them."
            if is_slides
            else "Each # heading starts a section of the contents list; ## starts a sub-section."
        )
        self._describe()  # the help text was set after the mixin looked
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("title", "body", "revision")


class PublishForm(forms.Form):
    change_summary = forms.CharField(
        label="What changed",
        max_length=300,
        help_text="One or two sentences staff will see when they are asked to read it again.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ask_staff = forms.BooleanField(
        label="Send every member of staff a notification asking them to read it",
        required=False,
        initial=True,
        help_text="Everyone is asked to confirm the new version on their home page either way.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, is_slides=False, **kwargs):
        super().__init__(*args, **kwargs)
        if is_slides:
            del self.fields["ask_staff"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.fields)


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ConfirmReadForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(
        label="Compare version", coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    new = forms.TypedChoiceField(
        label="with version", coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old") is not None and cleaned.get("old") == cleaned.get("new"):
            raise forms.ValidationError("Choose two different versions.", code="same_version")
        return cleaned


# Training requests.


class TrainingRequestForm(forms.ModelForm):
    topics = forms.TypedMultipleChoiceField(
        label="What should it cover?",
        choices=TrainingRequest.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TrainingRequest
        fields = [
            "team",
            "service_name",
            "audience",
            "audience_size",
            "topics",
            "other_topics",
            "session_format",
            "preferred_date_1",
            "preferred_date_2",
            "preferred_date_3",
            "timing_notes",
        ]
        widgets = {
            "audience": forms.Textarea(attrs={"rows": 2}),
            "other_topics": forms.Textarea(attrs={"rows": 3}),
            "session_format": forms.RadioSelect,
            "preferred_date_1": forms.DateInput(attrs={"type": "date"}),
            "preferred_date_2": forms.DateInput(attrs={"type": "date"}),
            "preferred_date_3": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_format"].choices = TrainingRequest.Format.choices
        if teams:
            self.fields["team"].queryset = teams
            self.fields["team"].required = True
            self.fields["team"].empty_label = None if len(teams) == 1 else "Choose your team"
            del self.fields["service_name"]
        else:
            del self.fields["team"]
            self.fields["service_name"].required = True
        self.fields["audience_size"].widget.attrs["min"] = 1
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Who it is for",
                *[name for name in ("team", "service_name") if name in self.fields],
                "audience",
                "audience_size",
            ),
            Fieldset("What to cover", "topics", "other_topics"),
            Fieldset(
                "When and how",
                "session_format",
                "preferred_date_1",
                "preferred_date_2",
                "preferred_date_3",
                "timing_notes",
            ),
            Submit("send", "Ask for the session"),
        )

    def clean(self):
        cleaned = super().clean()
        from portal.worktime import WorkingCalendar

        today = timezone.localdate()
        calendar = WorkingCalendar.current()
        for name in ("preferred_date_1", "preferred_date_2", "preferred_date_3"):
            value = cleaned.get(name)
            if value and value < today:
                self.add_error(
                    name, forms.ValidationError("Choose a date from today on.", code="past_date")
                )
            elif value and not calendar.is_working_day(value):
                self.add_error(name, _not_a_working_day(calendar, value))
        if not cleaned.get("topics") and not (cleaned.get("other_topics") or "").strip():
            self.add_error(
                "topics",
                forms.ValidationError(
                    "Choose at least one topic, or describe what you need below.",
                    code="no_topic",
                ),
            )
        size = cleaned.get("audience_size")
        if size is not None and size < 1:
            self.add_error(
                "audience_size",
                forms.ValidationError("Enter how many people will come.", code="no_audience"),
            )
        return cleaned


def _not_a_working_day(calendar, day):
    """What a training date on a day the communications team does not work is told."""
    why = calendar.bank_holiday_name(day)
    return forms.ValidationError(
        f"{date_format(day, 'l j F Y')} is not a working day{f' ({why})' if why else ''}: "
        "the communications team runs sessions on working days. Choose another day.",
        code="not_working_day",
    )


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date and start time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(
        label="Length in minutes", min_value=15, max_value=480, initial=60
    )
    location = forms.CharField(
        label="Place or link",
        max_length=500,
        help_text="A room and building, or the link to join online.",
    )
    presenter = forms.ModelChoiceField(
        widget=FastSelect,
        queryset=None,
        required=False,
        empty_label="You",
        help_text="Someone else in the communications team, or you.",
    )
    comment = forms.CharField(
        label="Note to the team (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = selectors.comms_users()

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.", code="past_time")
        from portal.worktime import WorkingCalendar

        calendar = WorkingCalendar.current()
        day = calendar.local(value).date()
        if not calendar.is_working_day(day):
            raise _not_a_working_day(calendar, day)
        return value


class CommentForm(forms.Form):
    comment = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Show", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("open", "Open"), ("", "All"), *states]


# Concerns.


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["kind", "link", "what_worries", "someone_at_risk"]
        widgets = {
            "kind": forms.RadioSelect,
            "link": forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
            "what_worries": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Concern.Kind.choices
        self.fields["kind"].help_text = (
            "A member of staff's own post is one on their personal account that names or "
            "identifies a patient, bullies or harasses someone, or may break the law."
        )
        self.fields["link"].assume_scheme = "https"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "kind", "link", "what_worries", "someone_at_risk", Submit("send", "Send the report")
        )

    def clean_link(self):
        link = self.cleaned_data["link"]
        if not link.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Give a web address.", code="not_web")
        return link


class SafeguardingTakeOnForm(forms.Form):
    """The safeguarding lead's record of taking on a concern: a report from staff or a
    flagged moderation entry."""

    outcome = forms.ChoiceField(
        label="What was done about it",
        choices=SafeguardingOutcome.choices,
        widget=forms.RadioSelect,
        help_text="Keep the details in the safeguarding team's own records.",
    )


class ConcernReferenceForm(CommentForm):
    """Recording action on a concern, or closing it, can give its incident number."""

    incident_reference = forms.CharField(
        label="Incident reference (optional)",
        required=False,
        max_length=40,
        validators=[INCIDENT_REFERENCE],
        help_text=Concern._meta.get_field("incident_reference").help_text,
    )


class RecordActionForm(ConcernReferenceForm):
    comment = forms.CharField(
        label="What was done",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person who reported it reads this on the timeline, except on a "
        "report of a member of staff's own post. Leave out anything about people they "
        "need not know.",
    )


class CloseConcernForm(ConcernReferenceForm):
    outcome = forms.ChoiceField(
        label="How did it end?", choices=Concern.Outcome.choices, widget=forms.RadioSelect
    )

    field_order = ["outcome", "comment", "incident_reference"]

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from accounts_requests.models import AccountRequest, Platform
from portal import selectors
from portal.fields import DayField, person_choice_field, team_choice_field
from portal.models import Team
from portal.opened import showed
from portal.widgets import FastSelect

# The proposal's questions in the order a reviewer reads them; the form and the
# proposal page are both built from this.
SECTIONS = [
    ("1. The account", ["platform", "proposed_name", "proposed_handle"]),
    (
        "2. Why the account is needed",
        [
            "goals",
            "service_user_benefit",
            "service_benefit",
            "audience_demand",
            "why_not_existing",
        ],
    ),
    (
        "3. Your audience",
        ["audience", "audience_channels", "audience_discovery", "similar_accounts"],
    ),
    (
        "4. Keeping it going",
        [
            "posts_per_week",
            "who_posts",
            "who_monitors",
            "monitoring_frequency",
            "office_hours_commitment",
        ],
    ),
    ("5. Costs, risks and exit", ["costs", "risks", "exit_strategy"]),
    (
        "6. Planning",
        [
            "business_plan",
            "business_plan_url",
            "stakeholder_consultation",
            "timeframes",
            "proposed_launch",
        ],
    ),
]


def answered_sections(proposal):
    """The proposal's answers grouped as the form asks them, for reading."""
    result = []
    for title, names in SECTIONS:
        rows = []
        for name in names:
            field = AccountRequest._meta.get_field(name)
            value = getattr(proposal, name)
            if field.choices:
                value = getattr(proposal, f"get_{name}_display")()
            elif isinstance(value, bool):
                value = "Yes" if value else "No"
            elif isinstance(value, datetime.date):
                value = date_format(value, "j F Y")
            rows.append({"name": name, "label": field.verbose_name, "value": value})
        result.append({"title": title, "rows": rows})
    return result


class SecondarySubmit(Submit):
    """A submit button drawn in outline, beside the page's main one: crispy's Submit adds
    btn-primary to every button, which fills an outline button in its own text colour."""

    field_classes = "btn btn-outline-primary"


class ProposalForm(forms.ModelForm):
    """The proposal's content, in the sections a reviewer reads it in.

    Every field may be left blank while it is a draft; submitting checks completeness.
    """

    team = forms.ModelChoiceField(
        widget=FastSelect,
        queryset=Team.objects.none(),
        help_text="The team the account would belong to.",
    )

    class Meta:
        model = AccountRequest
        fields = AccountRequest.CONTENT_FIELDS
        field_classes = {"proposed_launch": DayField}
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in AccountRequest.CONTENT_FIELDS
            if isinstance(AccountRequest._meta.get_field(name), models.TextField)
        } | {"proposed_launch": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, teams=None, submit_label="Save and submit", opened=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.opened = opened  # the edit page's stamp (``portal.opened``), when it has one
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
            if len(teams) == 1:
                self.fields["team"].initial = teams[0]
        self.helper = FormHelper()
        self.helper.form_tag = False
        sections = [
            Fieldset(title, *(["team"] if i == 0 and teams is not None else []), *names)
            for i, (title, names) in enumerate(SECTIONS)
        ]
        self.helper.layout = Layout(
            *sections,
            Div(
                SecondarySubmit("intent", "Save draft", css_id="save-draft"),
                Submit("intent", submit_label, css_id="save-and-submit"),
                css_class="d-flex flex-wrap gap-2 mt-4",
            ),
        )
        self.fields["platform"].choices = [("", "Choose a platform"), *Platform.choices]
        self.fields["platform"].help_text = (
            "Public video normally goes on the trust's own YouTube and Vimeo channels. For a "
            "video channel of your own, say why under 'why the trust's own accounts won't do'."
        )

    def clean_proposed_launch(self):
        day = self.cleaned_data.get("proposed_launch")
        # A date already given may pass while the draft waits (as saved, or as the page
        # showed it before someone else changed it); a new one must be to come.
        if (
            day
            and day < timezone.localdate()
            and day != self.initial.get("proposed_launch")
            and not showed(self.opened, "proposed_launch", day)
        ):
            raise forms.ValidationError(
                "That day has passed. Choose a day from today on, or leave it blank.",
                code="past",
            )
        return day

    def content(self):
        return {name: self.cleaned_data[name] for name in AccountRequest.CONTENT_FIELDS}

    def add_missing(self, missing):
        """Show every missing answer next to its field, at once."""
        for name, message in missing.items():
            self.add_error(name, forms.ValidationError(message, code="required_to_submit"))


class ActionForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="The team will see this on the proposal's timeline.",
    )


class StartReviewForm(ActionForm):
    reviewer = person_choice_field(
        queryset=None,
        required=False,
        empty_label="You",
        help_text="Someone else in the communications team, or you.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = selectors.comms_users()


class ApproveForm(forms.Form):
    target_followers = forms.IntegerField(
        label="Followers within a year", min_value=0, max_value=10_000_000
    )
    target_posts_per_month = forms.IntegerField(label="Posts a month", min_value=1, max_value=1000)
    target_engagement_rate = forms.DecimalField(
        label="Engagement rate (%)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text="Engagements as a percentage of impressions.",
    )
    target_reply_hours = forms.IntegerField(
        label="Reply within (working hours)",
        min_value=1,
        max_value=80,
        initial=8,
        help_text="The trust tells the public it aims to reply on the same or the next "
        "working day. Working hours are the office hours in the organisation profile.",
    )
    comment = forms.CharField(
        label="Note to the team",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        if proposal.posts_per_week:
            self.fields["target_posts_per_month"].initial = proposal.posts_per_week * 4
        self.fields["target_followers"].initial = 250
        self.fields["target_engagement_rate"].initial = "2.00"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            HTML("<p>These are the targets the account will be reviewed against each year.</p>"),
            "target_followers",
            "target_posts_per_month",
            "target_engagement_rate",
            "target_reply_hours",
            "comment",
            Submit("approve", "Approve and open the account", css_class="btn-success"),
        )


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, widget=FastSelect)
    team = team_choice_field(queryset=Team.objects.order_by("name"), required=False)
    platform = forms.ChoiceField(
        required=False, choices=[("", "Any platform"), *Platform.choices], widget=FastSelect
    )
    reviewer = person_choice_field(queryset=None, required=False, empty_label="Anyone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", "Open (waiting on someone)"),
            ("all", "Any state"),
        ] + [(value, label) for value, label in AccountRequest.State.choices]
        self.fields["reviewer"].queryset = selectors.comms_users()
        self.fields["team"].empty_label = "Any team"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

"""Forms for figures, imports, targets, health rules, reviews and closures.

They validate and normalise; the services in this package make the changes.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms

from accounts_requests.kpi import importer
from accounts_requests.kpi.health import Health
from accounts_requests.kpi.services import TARGET_FIELDS, latest_allowed_month
from accounts_requests.models import (
    AccountClosure,
    HealthRules,
    ManagedAccount,
    Platform,
)
from accounts_requests.rules import LIVE_ACCOUNT_STATES
from portal.fields import DayField, team_choice_field
from portal.models import Team
from portal.widgets import FastSelect


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class MonthField(forms.CharField):
    """A month typed as 2025-03 (the browser's month picker) or as the CSV file accepts."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        month, error = importer.parse_month(value, latest_allowed=latest_allowed_month())
        if error:
            raise forms.ValidationError(error[0].upper() + error[1:] + ".", code="bad_month")
        return month


def _count(label, help_text, required=True):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=importer.MAX_INTEGER,
        required=required,
        help_text=help_text,
    )


class FiguresForm(forms.Form):
    month = MonthField(help_text="A month that has finished, for example 2025-03.")
    followers = _count("Followers", "At the end of the month.")
    posts = _count("Posts", "Published during the month.")
    engagements = _count("Engagements", "Likes, comments, shares, saves and clicks.")
    impressions = _count("Impressions", "How many times your posts were seen.")
    messages_received = _count(
        "Messages received", "Messages and comments that needed a reply. Optional.", False
    )
    median_reply_hours = forms.DecimalField(
        label="Median reply time (hours)",
        min_value=0,
        max_value=importer.MAX_REPLY_HOURS,
        decimal_places=1,
        required=False,
        help_text="Half of the messages had a reply within this many hours. Optional.",
    )
    last_post_on = DayField(
        label="Date of the last post",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The latest post up to the end of the month. Optional, but it makes the "
        "dormancy check exact.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "month",
            Div(
                Div("followers", css_class="col-sm-6"),
                Div("posts", css_class="col-sm-6"),
                Div("engagements", css_class="col-sm-6"),
                Div("impressions", css_class="col-sm-6"),
                Div("messages_received", css_class="col-sm-6"),
                Div("median_reply_hours", css_class="col-sm-6"),
                css_class="row",
            ),
            "last_post_on",
            Submit("save", "Save figures"),
        )

    def clean(self):
        cleaned = super().clean()
        month = cleaned.get("month")
        if month and not self.errors:
            values = {name: cleaned.get(name) for name in ("posts", "last_post_on")}
            named = "the " + self.fields["last_post_on"].label.lower()
            for message in importer.check_figures(values, month, last_post=named):
                self.add_error(
                    "last_post_on",
                    forms.ValidationError(message[0].upper() + message[1:] + ".", code="bad_date"),
                )
        if problem := importer.check_engagements(
            {name: cleaned.get(name) for name in ("engagements", "impressions")},
            engagements="The engagements",
            impressions="the impressions",
        ):
            self.add_error(
                "engagements", forms.ValidationError(f"{problem}.", code="more_than_seen")
            )
        return cleaned

    def figures(self):
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "month"}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A .csv file with the columns below. Save spreadsheets as 'CSV UTF-8'.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("file", Submit("upload", "Check and import"))


class TargetsForm(forms.Form):
    """The targets an account is reviewed against, with the same limits as at approval."""

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
        label="Reply within (working hours)", min_value=1, max_value=80
    )
    reason = forms.CharField(
        label="Why the targets are changing",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the account's history and sent to the team.",
    )

    def __init__(self, *args, account, **kwargs):
        kwargs.setdefault("initial", {name: getattr(account, name) for name in TARGET_FIELDS})
        super().__init__(*args, **kwargs)
        self.helper = _helper(*TARGET_FIELDS, "reason", Submit("save", "Change the targets"))

    def targets(self):
        return {name: self.cleaned_data[name] for name in TARGET_FIELDS}


class HealthRulesForm(forms.ModelForm):
    reason = forms.CharField(
        label="Why the rules are changing",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Kept in the rules' history.",
    )

    class Meta:
        model = HealthRules
        fields = ["below_target_months", "dormant_days", "missing_months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "below_target_months",
            "dormant_days",
            "missing_months",
            "reason",
            Submit("save", "Save the rules"),
        )

    def values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OverviewFilterForm(forms.Form):
    team = team_choice_field(
        queryset=Team.objects.order_by("name"), required=False, empty_label="Any team"
    )
    # Drawn in one pass each, like the team list: a page of the overview is otherwise
    # dominated by Django's one template per option.
    platform = forms.ChoiceField(
        required=False, choices=[("", "Any platform"), *Platform.choices], widget=FastSelect
    )
    health = forms.ChoiceField(
        required=False, choices=[("", "Any health"), *Health.choices], widget=FastSelect
    )
    state = forms.ChoiceField(
        required=False,
        widget=FastSelect,
        choices=[("", "Any state")]
        + [(v, label) for v, label in ManagedAccount.State.choices if v in LIVE_ACCOUNT_STATES],
    )
    review_due = forms.BooleanField(label="Review due", required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif name == "review_due":
                field.widget.attrs["class"] = "form-check-input"


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Note for the team (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class ContinueForm(forms.Form):
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text="What the figures show and why the account continues. The team sees this.",
    )


class ImprovementPlanForm(forms.Form):
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text="What the figures show. The team sees this.",
    )
    actions = forms.CharField(
        label="Actions the team will take",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text="For example: post three times a week; reply to messages within a day.",
    )
    re_review_on = DayField(
        label="Re-review date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Normally three months from now.",
    )


class ProposeClosureOutcomeForm(forms.Form):
    closure_reason = forms.ChoiceField(
        label="Reason for closing",
        choices=AccountClosure.Reason.choices,
        initial=AccountClosure.Reason.LOW_ENGAGEMENT,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Explanation",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text="What the figures show and why the account should close. The team sees this.",
    )


OUTCOME_FORMS = {
    "continue": ContinueForm,
    "improvement_plan": ImprovementPlanForm,
    "propose_closure": ProposeClosureOutcomeForm,
}


class ResponseForm(forms.Form):
    body = forms.CharField(
        label="Your response",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text="Everyone who can see this review can read it.",
    )


class ClosureProposeForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", widget=forms.RadioSelect)
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text="What has happened and why the account should close. The team, the "
        "communications team and the head of communications will see it.",
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (value, AccountClosure.Reason(value).label) for value in reasons
        ]
        if len(reasons) == 1:
            self.fields["reason"].initial = reasons[0]
        self.helper = _helper(
            "reason", "explanation", Submit("propose", "Propose closure", css_class="btn-danger")
        )


class ClosureStepForm(forms.Form):
    outcome = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    detail = forms.CharField(required=False, max_length=500)

    DETAIL_LABELS = {
        "final_post": ("Link to the final post", True),
        "content_archived": ("Where the content is archived", True),
        "login_details": ("Note (optional)", False),
        "platform_account": ("Note (optional)", False),
    }

    def __init__(self, *args, step, outcomes, **kwargs):
        kwargs.setdefault("prefix", step)
        super().__init__(*args, **kwargs)
        self.step = step
        label, required = self.DETAIL_LABELS[step]
        self.fields["detail"].label = label
        self.fields["detail"].required = required
        if step == "final_post":
            self.fields["detail"] = forms.URLField(
                label=label,
                max_length=500,
                assume_scheme="https",
                help_text="The post that points followers to the trust's main accounts.",
            )
        if outcomes:
            self.fields["outcome"].choices = outcomes
            self.fields["outcome"].required = True
            self.fields["outcome"].label = "What was done"
        else:
            del self.fields["outcome"]


class SignOffForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class CancelClosureForm(forms.Form):
    reason = forms.CharField(
        label="Why the account is staying open",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

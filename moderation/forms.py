import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts_requests.fields import account_choice_field
from accounts_requests.models import ManagedAccount, Platform
from moderation import evidence, services_rights
from moderation.models import (
    Action,
    AuthorTold,
    Category,
    Entry,
    HateCrimeStrand,
    ManagementPlan,
    Reconsideration,
    RightsRequest,
)
from moderation.models.rights import RIGHTS_REFERENCE
from portal import rules as portal_rules
from portal import selectors as portal_selectors
from portal.fields import (
    DayField,
    DescribedByMixin,
    RowsChoiceField,
    category_choice_field,
    person_choice_field,
    team_choice_field,
)
from portal.models import Team
from portal.numbers import is_row_id
from portal.services.errors import ActionError
from portal.widgets import FastSelect

WEB_ONLY = [URLValidator(schemes=["http", "https"])]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


# Browsers' date pickers read and send ISO dates, whatever the page's language.
def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The excerpt is the minimum that shows the breach, not a copy of the whole comment.
EXCERPT_LIMIT = 1000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class CategoryChoices(RowsChoiceField):
    def label_from_instance(self, obj):
        marks = ", ".join(
            mark
            for mark, on in (("zero tolerance", obj.zero_tolerance), ("retired", obj.is_retired))
            if on
        )
        return f"{obj.name} ({marks})" if marks else obj.name


class EntryForm(DescribedByMixin, forms.ModelForm):
    """One moderation entry, saved in one request with its evidence."""

    # What the excerpt check finds is shown beside the excerpt as it is typed.
    described_by = {"excerpt": "excerpt-findings"}

    account = account_choice_field(queryset=ManagedAccount.objects.none(), label="Account")
    handle = forms.CharField(
        label="Author's handle",
        max_length=100,
        help_text="As shown on the platform, for example @name. Their history is kept by "
        "platform and handle.",
    )
    categories = CategoryChoices(
        label="Guidelines breached",
        queryset=Category.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one guideline that was breached."},
    )
    actions = forms.MultipleChoiceField(
        label="What you did",
        choices=Action.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one action, even if it is 'recorded only'."},
    )
    evidence_files = MultipleFileField(
        label="Evidence files",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/png,image/jpeg,application/pdf"}),
    )

    class Meta:
        model = Entry
        fields = [
            "account",
            "occurred_at",
            "post_url",
            "comment_url",
            "excerpt",
            "author_told",
            "not_told_reason",
            "hate_crime_strand",
            "safeguarding",
            "incident_reference",
            "notes",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "author_told": forms.RadioSelect,
        }
        labels = {"safeguarding": "Flag as a safeguarding concern"}
        help_texts = {
            "safeguarding": "Tells the safeguarding lead and the head of communications at "
            "once, day or night.",
            "hate_crime_strand": "Only if the comment could be a hate crime.",
            "not_told_reason": "Only when the author will not be told, for example because "
            "the police are involved.",
            "notes": "Anything else the team should know, such as why a zero-tolerance "
            "breach was not taken down and blocked. Keep the author's personal details out.",
        }

    def __init__(self, *args, user, entry=None, **kwargs):
        super().__init__(*args, instance=entry, **kwargs)
        accounts = ManagedAccount.objects.visible_to(user).exclude(
            state=ManagedAccount.State.CLOSED
        )
        categories = Category.objects.live()
        if entry is not None:
            accounts = accounts | ManagedAccount.objects.filter(pk=entry.account_id)
            categories = categories | Category.objects.filter(entries=entry)
            self.initial.setdefault("handle", entry.commenter.handle)
            self.initial.setdefault("categories", [c.pk for c in entry.categories.all()])
            self.initial.setdefault("actions", entry.action_values)
        self.fields["account"].queryset = accounts.order_by("name", "platform").distinct()
        self.fields["account"].empty_label = "Choose the account"
        self.fields["categories"].queryset = categories.distinct().order_by("order", "name")
        self.fields["post_url"].validators = WEB_ONLY
        self.fields["comment_url"].validators = WEB_ONLY
        self.fields["occurred_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
        self.fields["hate_crime_strand"].choices = [("", "None"), *HateCrimeStrand.choices]
        self.fields["evidence_files"].help_text = (
            f"PNG, JPEG or PDF, up to {settings.MODERATION_EVIDENCE_MAX_FILES} files of at "
            f"most {settings.MODERATION_EVIDENCE_MAX_BYTES // (1024 * 1024)} MB each. "
            "Picture details such as location are removed. Only the communications team, "
            "auditors and, for safeguarding, the safeguarding lead can open them."
        )
        if entry is None:
            # Straight to the first thing that still needs typing.
            first = "handle" if self.initial.get("account") else "account"
            self.fields[first].widget.attrs["autofocus"] = True
        excerpt = self.fields["excerpt"]
        excerpt.widget.attrs.update(
            {
                "hx-post": reverse("moderation:detect"),
                "hx-trigger": "input changed delay:400ms"
                + (", load" if self["excerpt"].value() else ""),
                "hx-target": "#excerpt-findings",
                "hx-params": "excerpt",
            }
        )
        self.cleaned_files = []
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "The comment",
                "account",
                "handle",
                "occurred_at",
                "post_url",
                "comment_url",
                "excerpt",
                HTML(
                    '<div id="excerpt-findings" class="excerpt-findings mb-3" '
                    'aria-live="polite"></div>'
                ),
            ),
            Fieldset("What it breached", "categories", "hate_crime_strand", "safeguarding"),
            Fieldset(
                "What was done", "actions", "author_told", "not_told_reason", "incident_reference"
            ),
            Fieldset("Evidence and notes", "evidence_files", "notes"),
            HTML(
                '<div class="mt-4 d-flex flex-wrap gap-2">'
                '<button type="submit" name="intent" value="Save entry" '
                'class="btn btn-primary">Save entry</button>'
                '<button type="submit" name="intent" value="Save and log another" '
                'class="btn btn-outline-primary">Save and log another</button></div>'
            ),
        )

    def clean_occurred_at(self):
        when = self.cleaned_data["occurred_at"]
        if when and when > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError("This is in the future. Check the date and time.", code="future")
        return when

    def clean_excerpt(self):
        excerpt = (self.cleaned_data.get("excerpt") or "").strip()
        if len(excerpt) > EXCERPT_LIMIT:
            raise ValidationError(
                f"Keep the excerpt to the words that show the breach: at most {EXCERPT_LIMIT} "
                f"characters (this is {len(excerpt)}). A screenshot can hold the rest.",
                code="too_long",
            )
        return excerpt

    def clean_evidence_files(self):
        files = self.cleaned_data.get("evidence_files") or []
        limit = settings.MODERATION_EVIDENCE_MAX_FILES
        if len(files) > limit:
            raise ValidationError(
                f"Attach at most {limit} files to one entry.", code="too_many_files"
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(evidence.clean_upload(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            errors.append("Nothing was saved. Choose the files again after fixing this.")
            raise ValidationError(errors, code="bad_file")
        self.cleaned_files = cleaned
        return files

    def clean(self):
        data = super().clean()
        if data.get("author_told") == AuthorTold.NOT_TOLD and not data.get("not_told_reason"):
            self.add_error(
                "not_told_reason",
                ValidationError("Say why the author will not be told.", code="reason_needed"),
            )
        return data

    def service_data(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["handle"] = self.cleaned_data["handle"]
        data["categories"] = list(self.cleaned_data["categories"])
        data["actions"] = self.cleaned_data["actions"]
        return data


def _team_field():
    return team_choice_field(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="All teams"
    )


def _account_field(button):
    return account_choice_field(
        queryset=ManagedAccount.objects.none(),
        required=False,
        empty_label="All accounts",
        help_text=f"Choose a team and press '{button}' to list its accounts here.",
    )


class TeamThenAccountMixin:
    """A team, then one of its accounts, instead of one list of every account.

    A trust has thousands of accounts: one list of them all is long to send and to
    scroll. The account list holds the chosen team's accounts; a link with only
    ``?account=<id>`` chooses that account's team as well. An account left chosen when
    the team changes is dropped, so the list always shows what is filtered.
    """

    def narrow_accounts(self, user):
        visible = ManagedAccount.objects.visible_to(user)
        teams = Team.objects.all()
        if not portal_rules.sees_everything(user):
            teams = teams.filter(Exists(visible.filter(team=OuterRef("pk"))))
        # The chosen team and account are read with the columns their names need only.
        self.fields["team"].queryset = teams.only("pk", "name").order_by("name")
        team = self._team_of_chosen_account(visible)
        if team is None:
            team = self.data.get("team") if self.is_bound else None
        self.fields["account"].queryset = (
            visible.filter(team_id=team)
            .only("pk", "team_id", "name", "platform", "state")
            .order_by("name", "platform")
            if is_row_id(team)
            else visible.none()
        )

    def _team_of_chosen_account(self, visible):
        if not self.is_bound:
            return None
        account, team = self.data.get("account"), self.data.get("team")
        if not is_row_id(account):
            return None
        of_account = visible.filter(pk=account).values_list("team_id", flat=True).first()
        if of_account is None:
            return None  # the account field says the choice is not valid
        data = self.data.copy()
        if not team:
            data["team"] = str(of_account)
        elif team != str(of_account):
            data.pop("account")
            of_account = team
        self.data = data
        return of_account


class AuthorIdsField(forms.Field):
    """The authors a log is filtered to, as ids in hidden inputs. Ids that are not
    numbers are dropped; the log shows only entries its reader may read, whoever they are
    about."""

    widget = forms.MultipleHiddenInput
    LIMIT = 20

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if not isinstance(value, (list, tuple)):
            value = [value] if value else []
        return sorted({int(item) for item in value if is_row_id(str(item))})[: self.LIMIT]


class FindAuthorForm(forms.Form):
    """A handle to find in the log, sent in the body of a POST so that it is not written
    into an address; the page it leads to names the author by id."""

    handle = forms.CharField(
        label="Author's handle",
        max_length=100,
        error_messages={"required": "Enter the handle of the author to find."},
    )
    # The log's other filters, as they were, so that finding an author keeps them.
    keep = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handle"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "off", "spellcheck": "false"}
        )


class LogFilterForm(TeamThenAccountMixin, forms.Form):
    team = _team_field()
    account = _account_field("Show entries")
    # Short lists too are written in one pass: Django's template per option costs more
    # than the rest of the filter.
    platform = forms.ChoiceField(
        choices=[("", "All platforms"), *Platform.choices], required=False, widget=FastSelect
    )
    category = category_choice_field(
        queryset=Category.objects.all(),
        required=False,
        empty_label="All categories",
    )
    action = forms.ChoiceField(
        choices=[("", "All actions"), *Action.choices], required=False, widget=FastSelect
    )
    # Built once: the permission lookups behind it cost more to assemble than to run.
    moderator = person_choice_field(
        queryset=portal_selectors.comms_users().order_by("first_name", "last_name"),
        required=False,
        empty_label="Anyone",
    )
    # "Not yet" finds the authors still to be told why, to follow up.
    author_told = forms.ChoiceField(
        label="Author told why",
        choices=[("", "Any"), *AuthorTold.choices],
        required=False,
        widget=FastSelect,
    )
    date_from = DayField(label="From", required=False, widget=date_input())
    date_to = DayField(label="To", required=False, widget=date_input())
    # Chosen by id, never by handle: a handle in the address would be written to every
    # access log and browser history it passes. ``FindAuthorForm`` turns one into ids.
    commenter = AuthorIdsField()
    safeguarding = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("yes", "Safeguarding only"),
            ("waiting", "Safeguarding, not yet taken on"),
            ("no", "Not safeguarding"),
        ],
        required=False,
        widget=FastSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_accounts(user)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error(
                "date_to", ValidationError("This is before the 'From' date.", code="order")
            )
        return data


class ReportFilterForm(TeamThenAccountMixin, forms.Form):
    date_from = DayField(label="From", widget=date_input())
    date_to = DayField(label="To", widget=date_input())
    team = _team_field()
    account = _account_field("Show")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_accounts(user)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault(
                "class", "form-select" if name in ("team", "account") else "form-control"
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error(
                    "date_to", ValidationError("This is before the 'From' date.", code="order")
                )
            elif (end - start).days > 3 * 366:
                self.add_error(
                    "date_from",
                    ValidationError("Choose at most three years at a time.", code="too_long"),
                )
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "description",
            "public_wording",
            "sources",
            "raises_safeguarding",
            "zero_tolerance",
            "order",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "public_wording": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save category"))

    def save(self, commit=False):
        category = super().save(commit=False)
        if not category.slug:
            base = slugify(category.name)[:50] or "category"
            slug, n = base, 2
            while Category.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            category.slug = slug
        return category


class ReconsiderForm(forms.Form):
    outcome = forms.ChoiceField(
        label="After the author edited the comment",
        choices=Reconsideration.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label="Why the evidence must be kept",
        max_length=300,
        required=False,
        help_text="For example a police investigation or a legal claim, with its reference.",
    )


class KeepLegalHoldForm(forms.Form):
    reason = forms.CharField(
        label="Why the evidence must still be kept",
        max_length=300,
        help_text="For example: the police investigation is still open, with its reference.",
    )


def _received_in_the_past(day):
    """The service's rule for the day received (``services_rights.check_received``), said
    on the field with the form's other errors rather than once they are mended."""
    try:
        services_rights.check_received(day)
    except ActionError as error:
        raise ValidationError(error.message, code="received_on") from None


def _rights_reference_field():
    return forms.CharField(
        label="Information governance reference (optional)",
        max_length=40,
        required=False,
        validators=[RIGHTS_REFERENCE],
        help_text="The case number information governance gave it, if there is one. Not "
        "their name.",
    )


def _received_on_field(what):
    return DayField(
        label="When the request was received",
        widget=date_input(),
        validators=[_received_in_the_past],
        help_text=f"The day the {what} reached the trust. The law allows a calendar month "
        "from then to answer it.",
        error_messages={"required": "Give the day the request was received."},
    )


class SubjectAccessForm(forms.Form):
    received_on = _received_on_field("subject access request")


class CommenterEraseForm(forms.Form):
    received_on = _received_on_field("erasure request or objection")
    reason = forms.CharField(
        label="Why their details are being removed now",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example an erasure request upheld by information governance, with "
        "its reference. Do not write their name or contact details. Their handle, e-mail "
        "addresses, phone numbers and postcodes are taken out if you do.",
    )
    confirm = forms.BooleanField(
        label="I understand that what is removed cannot be brought back",
        error_messages={"required": "Tick the box to confirm."},
    )


class RightsRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What they asked for",
        choices=RightsRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what they asked for."},
    )
    received_on = _received_on_field("request")
    reference = _rights_reference_field()


class RightsRequestCorrectForm(forms.Form):
    received_on = _received_on_field("request")
    reference = _rights_reference_field()
    why = forms.ChoiceField(
        label="Why it is corrected",
        choices=RightsRequest.Correction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why it is corrected."},
    )


class RightsRequestCloseForm(forms.Form):
    closure = forms.ChoiceField(
        label="Why it is closed without an export or a removal",
        choices=RightsRequest.Closure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why it is closed."},
    )

    def __init__(self, *args, may_refuse=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_refuse:
            field = self.fields["closure"]
            field.choices = [
                choice for choice in field.choices if choice[0] != RightsRequest.Closure.REFUSED
            ]
            field.help_text = (
                "Only the head of communications can refuse an erasure request, as only "
                "they can grant one."
            )


def _comms_owner_field():
    return person_choice_field(
        label="Owner",
        queryset=portal_selectors.comms_users().order_by("first_name", "last_name"),
        help_text="Who in the communications team leads the plan.",
    )


class PlanForm(forms.Form):
    summary = forms.CharField(
        label="What the plan is for",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The issue it manages, in a sentence or two. Keep personal details out.",
    )
    owner = person_choice_field(queryset=portal_selectors.comms_users())
    review_on = DayField(label="Review date", widget=date_input())
    steps = forms.CharField(
        label="Steps, one on each line, in order",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example: message them privately to take it offline; signpost to PALS "
        "and complaints; hide further breaches; block; speak to the legal team.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _comms_owner_field()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Start the plan"))

    def clean_review_on(self):
        day = self.cleaned_data["review_on"]
        if day < timezone.localdate():
            raise ValidationError("The review date is in the past.", code="past")
        return day

    def clean_steps(self):
        steps = [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]
        if not steps:
            raise ValidationError("Add at least one step.", code="no_steps")
        if any(len(step) > 300 for step in steps):
            raise ValidationError("Keep each step under 300 characters.", code="too_long")
        return steps


class PlanUpdateForm(forms.Form):
    done_steps = RowsChoiceField(
        label="Steps done",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = person_choice_field(queryset=portal_selectors.comms_users())
    review_on = DayField(label="Review date", widget=date_input())
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    close = forms.BooleanField(
        label="Close the plan", required=False, help_text="Give the outcome when you close it."
    )

    def __init__(self, *args, plan: ManagementPlan, closing_forgets=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _comms_owner_field()
        if closing_forgets:
            self.fields["close"].help_text = (
                "Give the outcome when you close it. Every entry about them has passed its "
                "retention date, so closing the plan also removes their handle and what this "
                "plan says about them."
            )
        self.fields["done_steps"].queryset = plan.steps.all()
        self.fields["done_steps"].label_from_instance = lambda step: step.description
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save progress"))

    def clean(self):
        data = super().clean()
        if data.get("close") and not (data.get("outcome") or "").strip():
            self.add_error(
                "outcome", ValidationError("Say what the plan achieved.", code="outcome_needed")
            )
        # Progress on an open plan sets when it is next looked at: a date that has come
        # would leave it waiting, and its reminders would go on as if nobody had looked.
        day = data.get("review_on")
        if not data.get("close") and day is not None and day <= timezone.localdate():
            self.add_error(
                "review_on",
                ValidationError(
                    "Choose when the plan is next looked at: a date after today.",
                    code="review_due",
                ),
            )
        return data

"""Forms for the account register, set-up, the vault and credential-change notices.

Secret fields never render a value back: a form shown again after an error asks for the
secret again rather than echo it into the page.
"""

import datetime
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts_requests.models import (
    AccountModerator,
    CredentialChangeNotice,
    ManagedAccount,
    Platform,
)
from accounts_requests.models.platform import PLATFORM_DOMAINS, is_on
from portal.fields import person_choice_field, team_choice_field
from portal.models import Team
from portal.widgets import FastSelect


def check_platform_url(platform, url):
    """Raise ValidationError unless ``url`` is an https address on the platform's site."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise forms.ValidationError("Use the secure address, starting https://.", code="not_https")
    domains = PLATFORM_DOMAINS.get(platform)
    host = (parts.hostname or "").lower()
    if domains and not is_on(host, domains):
        raise forms.ValidationError(
            "This address is not on %(platform)s. Copy it from the account's page on %(site)s.",
            code="wrong_platform",
            params={"platform": Platform(platform).label, "site": domains[0]},
        )


class NoEchoTextInput(forms.TextInput):
    """A visible text box that never writes its value back into the page."""

    def format_value(self, value):
        return None


class NoEchoTextarea(forms.Textarea):
    def format_value(self, value):
        return None


def _secret_fields(required):
    hint = "" if required else " Leave blank to keep the one already lodged."
    return {
        "login": forms.CharField(
            label="Login (user name or e-mail address)",
            max_length=254,
            required=required,
            widget=NoEchoTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            help_text="What you type to sign in to the platform." + hint,
        ),
        "password": forms.CharField(
            label="Password",
            max_length=500,
            required=required,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text="Stored encrypted; only the communications team can reveal it." + hint,
        ),
        "notes": forms.CharField(
            label="Recovery notes (optional)",
            max_length=2000,
            required=False,
            widget=NoEchoTextarea(attrs={"rows": 3, "autocomplete": "off"}),
            help_text="Backup codes, the phone number for two-step verification, "
            "security answers. Stored encrypted like the password."
            + (" Leave blank to keep what is lodged." if not required else ""),
        ),
    }


class AccountRegisterForm(forms.ModelForm):
    """The communications team adds an account that did not come from a proposal."""

    class Meta:
        model = ManagedAccount
        fields = [
            "team",
            "platform",
            "name",
            "handle",
            "url",
            "target_followers",
            "target_posts_per_month",
            "target_engagement_rate",
            "target_reply_hours",
        ]
        help_texts = {
            "team": "Corporate accounts belong to the communications team.",
            "handle": "The @name, as it appears on the platform.",
            "url": "The account's page on the platform, starting https://.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True)
        comms_team = Team.objects.filter(is_communications=True, is_active=True).first()
        if comms_team and not self.is_bound:
            self.fields["team"].initial = comms_team.pk
        self.fields["platform"].choices = [("", "Choose a platform"), *Platform.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("The account", "team", "platform", "name", "handle", "url"),
            Fieldset(
                "KPI targets it will be reviewed against",
                "target_followers",
                "target_posts_per_month",
                "target_engagement_rate",
                "target_reply_hours",
            ),
            Submit("register", "Register the account"),
        )

    def clean(self):
        cleaned = super().clean()
        try:
            check_platform_url(cleaned.get("platform"), cleaned.get("url"))
        except forms.ValidationError as error:
            self.add_error("url", error)
        return cleaned


class SetupForm(forms.Form):
    handle = forms.CharField(
        max_length=100, required=False, help_text="The @name, as it appears on the platform."
    )
    url = forms.URLField(
        label="Web address",
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text="The account's page on the platform, starting https://.",
    )
    comms_admin = forms.BooleanField(
        label="The communications team has been given admin rights on the account",
        required=False,
        help_text="So the communications team can step in as back-up admin.",
    )
    verified_badge = forms.BooleanField(
        label="The account shows the platform's verified badge",
        required=False,
        help_text="Apply for it on the platform; tick this once the badge shows.",
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.address_locked = account.state != ManagedAccount.State.SETTING_UP
        if self.address_locked:
            for name in ("handle", "url"):
                self.fields[name].disabled = True
                self.fields[
                    name
                ].help_text = (
                    "To change it now the account is set up, file a credential-change notice."
                )
        if not Platform.offers_verification(account.platform):
            del self.fields["verified_badge"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *self.fields,
            Submit("save", "Save the set-up details"),
        )

    def clean(self):
        cleaned = super().clean()
        if not self.address_locked:
            try:
                check_platform_url(self.account.platform, cleaned.get("url"))
            except forms.ValidationError as error:
                self.add_error("url", error)
        return cleaned

    def values(self):
        data = self.cleaned_data
        return {
            "handle": None if self.address_locked else data["handle"].strip(),
            "url": None if self.address_locked else data["url"],
            "comms_admin": data["comms_admin"],
            "verified_badge": data.get("verified_badge", False),
        }


class ModeratorForm(forms.Form):
    user = person_choice_field(
        label="Person",
        queryset=get_user_model().objects.none(),
        help_text="Someone in the team who will watch the account and reply.",
    )
    role = forms.ChoiceField(choices=AccountModerator.Role.choices)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, memberships__team=account.team_id)
            .exclude(moderated_accounts__account=account)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["user"].empty_label = "Choose a person"
        # Drawn on every account page by includes/form_fields.html, not by crispy.
        self.fields["user"].widget.attrs["class"] = "fastselect form-select"
        self.fields["role"].widget.attrs["class"] = "form-select"


class CredentialsForm(forms.Form):
    def __init__(self, *args, first, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_secret_fields(required=first))
        fields = ["login", "password", "notes"]
        if not first:
            self.fields["clear_notes"] = forms.BooleanField(
                label="Remove the recovery notes lodged now",
                required=False,
                help_text="For notes no longer true, such as used backup codes. The login "
                "and password stay as they are unless you enter new ones.",
            )
            fields.append("clear_notes")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, Submit("lodge", "Lodge the login details"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_notes") and cleaned.get("notes"):
            self.add_error(
                "clear_notes",
                forms.ValidationError(
                    "You entered new notes and asked to remove the notes: choose one.",
                    code="notes_and_clear",
                ),
            )
        return cleaned

    def has_secret(self):
        data = self.cleaned_data
        return bool(
            data.get("login") or data.get("password") or data.get("notes") or self.clears_notes()
        )

    def clears_notes(self):
        return bool(self.cleaned_data.get("clear_notes"))

    def notes(self):
        """The notes to lodge: None keeps those lodged, "" removes them."""
        return "" if self.clears_notes() else (self.cleaned_data["notes"] or None)


class RevealForm(forms.Form):
    password = forms.CharField(
        label="Your own password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="The password you sign in to this portal with.",
    )
    reason = forms.CharField(
        label="Why you need them",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit with your name, for example 'Removing a post the team "
        "cannot reach while the manager is on leave'.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "password", "reason", Submit("reveal", "Reveal the login details")
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(
                "Say a little more about why: at least 10 characters.", code="too_short"
            )
        return reason


class NoticeForm(forms.Form):
    what_changed = forms.ChoiceField(
        label="What changed",
        choices=CredentialChangeNotice.What.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label="Why",
        choices=CredentialChangeNotice.Reason.choices,
        widget=forms.RadioSelect,
        help_text="A suspected compromise suspends the account at once and alerts the "
        "communications team, day or night.",
    )
    changed_at = forms.DateTimeField(
        label="When it changed",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Your best estimate is fine. Changes must be reported within one working day.",
    )
    details = forms.CharField(
        label="Anything else we should know (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never write a password here: use the fields below.",
    )
    new_handle = forms.CharField(
        label="New handle (optional)",
        required=False,
        max_length=100,
        help_text="Only when the handle or name changed.",
    )
    new_url = forms.URLField(
        label="New web address (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Only when the handle changed the address.",
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields.update(_secret_fields(required=False))
        for name in ("login", "password"):
            self.fields[name].label = f"New {self.fields[name].label.lower()}"
        self.fields["password"].help_text = (
            "Needed when your team changed the password, so the communications team keeps "
            "working details. Stored encrypted. Leave blank if the password did not change."
        )
        login = self.fields["login"]
        login.help_text = "Needed when your team changed the login; blank keeps the current one."
        if not self.is_bound:
            self.fields["changed_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("The change", "what_changed", "reason", "changed_at", "details"),
            Fieldset(
                "New login details",
                HTML(
                    '<p class="form-text">The communications team needs working login '
                    "details to act as back-up admin. After a suspected compromise or a reset "
                    "by the platform, send the notice now and lodge them once you have "
                    "them.</p>"
                ),
                "login",
                "password",
                "notes",
            ),
            Fieldset("A new handle", "new_handle", "new_url"),
            Div(Submit("file", "Send the notice"), css_class="mt-3"),
        )

    def clean_changed_at(self):
        changed_at = self.cleaned_data["changed_at"]
        if changed_at > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(
                "That is in the future. Give the date and time the change was made.",
                code="future",
            )
        return changed_at

    def clean(self):
        cleaned = super().clean()
        try:
            check_platform_url(self.account.platform, cleaned.get("new_url"))
        except forms.ValidationError as error:
            self.add_error("new_url", error)
        if (cleaned.get("new_handle") or cleaned.get("new_url")) and cleaned.get(
            "what_changed"
        ) != CredentialChangeNotice.What.HANDLE:
            self.add_error(
                "what_changed",
                forms.ValidationError(
                    "You gave a new handle: choose 'Handle or account name' as what changed.",
                    code="handle_without_handle_change",
                ),
            )
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveForm(forms.Form):
    comment = forms.CharField(
        label="How it was resolved",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done: password changed, posts removed, platform contacted. The "
        "team will see this.",
    )


# Closed accounts stay in the register, read-only, as its history.
CLOSED_LABEL = "Closed (the register's history)"


class RegisterFilterForm(forms.Form):
    search = forms.CharField(
        label="Name or handle",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    team = team_choice_field(queryset=Team.objects.none(), required=False)
    platform = forms.ChoiceField(
        required=False, choices=[("", "Any platform"), *Platform.choices], widget=FastSelect
    )
    state = forms.ChoiceField(required=False, widget=FastSelect)

    LIVE = "live"

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = "Any team"
        self.fields["state"].choices = [
            ("", "Any state"),
            (self.LIVE, "Live (on the public register)"),
            *(
                (value, CLOSED_LABEL if value == ManagedAccount.State.CLOSED else label)
                for value, label in ManagedAccount.State.choices
            ),
        ]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "search" else "form-select"

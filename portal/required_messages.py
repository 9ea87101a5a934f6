"""What a form says when an answer is left out, by the kind of answer it takes.

Django says "This field is required." whatever the field; people filling in a form do
better when told what to do ("Choose one.", "Enter a date."). Set once when the portal
starts (``portal.apps``) on Django's own field classes, so every form says it: the
portal's own, the sign-in and password forms, and the admin. A field that says something
of its own (``error_messages={"required": ...}``) keeps it.
"""

from django import forms
from django.core import validators

# Each class's own message; a subclass not named here says what its nearest base says
# (a decimal, like an integer, asks for a number).
MESSAGES = (
    (forms.Field, "Enter an answer."),
    (forms.EmailField, "Enter an e-mail address."),
    (forms.URLField, "Enter a web address."),
    (forms.IntegerField, "Enter a number."),
    (forms.DateField, "Enter a date."),
    (forms.TimeField, "Enter a time."),
    (forms.DateTimeField, "Enter a date and time."),
    (forms.SplitDateTimeField, "Enter a date and time."),
    (forms.BooleanField, "Tick the box to go on."),
    (forms.ChoiceField, "Choose one."),
    (forms.ModelChoiceField, "Choose one."),
    (forms.MultipleChoiceField, "Choose at least one."),
    (forms.ModelMultipleChoiceField, "Choose at least one."),
    (forms.FileField, "Choose a file."),
)


def install():
    # Limits on a number, said plainly rather than as Django's "Ensure this value...".
    validators.MinValueValidator.message = "Enter a value of at least %(limit_value)s."
    validators.MaxValueValidator.message = "Enter a value of at most %(limit_value)s."
    for field_class, message in MESSAGES:
        own = field_class.__dict__.get("default_error_messages", {})
        field_class.default_error_messages = {**own, "required": message}

"""Form fields that stay quick when they list thousands of rows, and a date field that
keeps to the years anyone would mean."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from portal.numbers import is_row_id
from portal.widgets import FastSelect


class ValuesChoiceIterator(ModelChoiceIterator):
    """Choices read as plain values, not model instances: two thousand accounts as tuples
    cost a fraction of two thousand model objects with their dates and state machines."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *values in self.queryset.values_list("pk", *self.field.label_fields):
            yield (pk, self.field.label_from_values(*values))

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class QuickModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose list is built from ``label_fields`` by ``label_from_values``.

    Validation still goes through the queryset, so scope and existence are checked as
    with any ModelChoiceField.
    """

    iterator = ValuesChoiceIterator
    widget = FastSelect

    def __init__(self, queryset, *, label_fields, label_from_values, **kwargs):
        self.label_fields = tuple(label_fields)
        self.label_from_values = label_from_values
        super().__init__(queryset, **kwargs)


def team_choice_field(**kwargs):
    """A choice among teams, listed by name from plain values."""
    return QuickModelChoiceField(label_fields=("name",), label_from_values=str, **kwargs)


def _person_label(first_name, last_name, username):
    """A person as ``User.__str__`` names them."""
    return f"{first_name} {last_name}".strip() or username


def person_choice_field(**kwargs):
    """A choice among people, listed by name from plain values."""
    return QuickModelChoiceField(
        label_fields=("first_name", "last_name", "username"),
        label_from_values=_person_label,
        **kwargs,
    )


def category_choice_field(**kwargs):
    """A choice among named rows (categories and the like), listed from plain values."""
    return QuickModelChoiceField(label_fields=("name",), label_from_values=str, **kwargs)


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows that refuses, before asking the database, any id no row
    could have.

    Django checks each id with an exact lookup, which takes any number, and then reads them
    all with ``IN``, which does not: SQLite fails the whole query on an id past 64 bits
    ("Python int too large") instead of the choice being refused.
    """

    def clean(self, value):
        if isinstance(value, list | tuple):
            for pk in value:
                text = str(pk)
                if not is_row_id(text):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": text[:20]},
                    )
        return super().clean(value)


EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)


class DayField(forms.DateField):
    """A date between 1900 and 2099. A date picker takes any year up to 9999, and a day
    that far on has no day after it: a filter's "to" date or a review date in the year
    9999 would fail every page that adds a day or a fortnight to it."""

    default_error_messages = {
        "out_of_range": "Enter a date between 1900 and 2099.",
    }

    def validate(self, value):
        super().validate(value)
        if value and not (EARLIEST_DAY <= value <= LATEST_DAY):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput):
            attrs.setdefault("min", EARLIEST_DAY.isoformat())
            attrs.setdefault("max", LATEST_DAY.isoformat())
        return attrs


class DescribedByMixin:
    """For a form whose fields are also described by something else on the page
    (``described_by``: field name to element id, such as a help box or a live region):
    their ``aria-describedby`` names that, their own help text and, once the form has been
    checked, their error. Setting the attribute by hand would drop the last two, which
    Django adds only when the widget has none."""

    described_by = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe()

    def full_clean(self):
        super().full_clean()
        self._describe()

    def _describe(self):
        for name, extra in self.described_by.items():
            if name not in self.fields:
                continue
            field = self[name]
            ids = [extra]
            if self.fields[name].help_text:
                ids.append(f"{field.auto_id}_helptext")
            if self.is_bound and self._errors is not None and name in self._errors:
                ids.append(f"{field.auto_id}_error")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

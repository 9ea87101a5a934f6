"""Form widgets that stay quick on long lists."""

from html import escape as _html_escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


def escape(value):
    """What ``django.utils.html.escape`` does, without its lazy-string wrapper, which
    costs more than the escaping itself over thousands of options."""
    return _html_escape(str(value), quote=True)


class FastSelect(forms.Select):
    """A single select rendered in one pass instead of one template per option.

    Filter forms list every account, team or person; with Django's per-option templates a
    list of two thousand accounts costs more than everything else on the page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.is_required and not self.allow_multiple_selected and "required" not in final:
            final["required"] = True
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        selected.discard("None")
        options = "".join(
            f'<option value="{escape(option_value)}"'
            f"{' selected' if str(option_value) in selected else ''}>{escape(label)}</option>"
            for option_value, label in self._flat_choices()
        )
        # Both the attributes and every value and label are escaped above.
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308

    def _flat_choices(self):
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup: list its options flat
                for inner_value, inner_label in label:
                    yield ("" if inner_value is None else inner_value), inner_label
            else:
                yield ("" if option_value is None else option_value), label

"""A field also described by a box elsewhere on the page keeps its own help text and
error in its description (``portal.fields.DescribedByMixin``)."""

import pytest

from moderation.forms import EXCERPT_LIMIT, EntryForm
from portal.forms import ContentForm


def _described(form, name):
    return form.fields[name].widget.attrs["aria-describedby"].split()


def test_the_playbooks_text_is_described_by_the_markdown_help_its_help_and_its_error():
    assert _described(ContentForm(), "body") == ["markdown-help", "id_body_helptext"]
    failed = ContentForm({"title": "Playbook", "body": "", "revision": "0"})
    assert not failed.is_valid()
    assert _described(failed, "body") == ["markdown-help", "id_body_helptext", "id_body_error"]
    assert 'aria-describedby="markdown-help id_body_helptext id_body_error"' in str(failed["body"])


@pytest.mark.django_db
def test_the_excerpt_is_described_by_its_findings_its_help_and_its_error(comms):
    assert _described(EntryForm(user=comms), "excerpt") == [
        "excerpt-findings",
        "id_excerpt_helptext",
    ]
    failed = EntryForm({"excerpt": "x" * (EXCERPT_LIMIT + 1)}, user=comms)
    assert not failed.is_valid()
    assert "excerpt" in failed.errors
    assert _described(failed, "excerpt")[-1] == "id_excerpt_error"

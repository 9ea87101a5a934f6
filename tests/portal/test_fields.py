"""A choice of several rows refuses an id no row could have without asking the database."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.fields import RowsChoiceField
from portal.models import Team
from portal.numbers import LARGEST_ID

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sent",
    [
        [str(LARGEST_ID + 1)],  # SQLite failed the whole query on this one
        ["1", "99999999999999999999999"],
        ["-1"],
        ["1.0"],
        ["²"],
        [" 1"],
    ],
)
def test_an_id_no_row_could_have_is_refused_before_any_query(sent):
    field = RowsChoiceField(queryset=Team.objects.all(), required=False)
    with CaptureQueriesContext(connection) as queries, pytest.raises(forms.ValidationError) as e:
        field.clean(sent)
    assert e.value.code == "invalid_choice"
    assert len(queries) == 0


def test_real_ids_are_still_checked_against_the_rows(team, other_team):
    field = RowsChoiceField(queryset=Team.objects.filter(pk=team.pk), required=False)
    assert list(field.clean([str(team.pk)])) == [team]
    assert list(field.clean([])) == []
    with pytest.raises(forms.ValidationError):
        field.clean([str(other_team.pk)])  # a row, but not one of the choices
    with pytest.raises(forms.ValidationError):
        field.clean([str(LARGEST_ID)])  # as large as an id can be: no such row

from django import forms

from portal.widgets import FastSelect


class PickForm(forms.Form):
    colour = forms.ChoiceField(
        choices=[("", "Any"), ("red", "Red & pink"), ("blue", "<b>Blue</b>")],
        widget=FastSelect,
        required=False,
    )
    size = forms.ChoiceField(choices=[("s", "Small"), ("l", "Large")], widget=FastSelect)


def test_it_renders_what_django_would_with_the_choice_selected_and_escaped():
    html = str(PickForm({"colour": "blue", "size": "l"})["colour"])
    assert html.startswith('<select id="id_colour" name="colour">')
    assert '<option value="">Any</option>' in html
    assert '<option value="red">Red &amp; pink</option>' in html
    assert '<option value="blue" selected>&lt;b&gt;Blue&lt;/b&gt;</option>' in html


def test_a_required_select_says_so():
    assert "required" in str(PickForm()["size"])
    assert "required" not in str(PickForm()["colour"])


def test_a_model_choice_field_lists_its_rows(team, other_team):
    from portal.models import Team

    class TeamForm(forms.Form):
        team = forms.ModelChoiceField(Team.objects.order_by("name"), widget=FastSelect)

    html = str(TeamForm({"team": other_team.pk})["team"])
    assert f'<option value="{other_team.pk}" selected>Community Nursing</option>' in html
    assert f'<option value="{team.pk}">Perinatal Mental Health</option>' in html

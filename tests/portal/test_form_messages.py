"""What forms say about a number out of range and a wrong sign-in, in the portal's words."""

from django import forms
from django.urls import reverse

from accounts_requests.forms import StartReviewForm


class Limits(forms.Form):
    count = forms.IntegerField(min_value=0, max_value=10)


def test_a_number_out_of_range_is_told_its_limit_plainly():
    assert Limits({"count": "-1"}).errors["count"] == ["Enter a value of at least 0."]
    assert Limits({"count": "11"}).errors["count"] == ["Enter a value of at most 10."]


def test_the_reviewer_list_offers_you_rather_than_dashes(comms):
    choices = [label for _, label in StartReviewForm().fields["reviewer"].choices]
    assert choices[0] == "You" and "---------" not in choices


def test_a_wrong_password_is_said_in_the_portal_s_words(client, member):
    response = client.post(
        reverse("portal:login"), {"username": member.username, "password": "wrong"}
    )
    page = response.content.decode()
    assert "That user name and password do not match." in page
    assert "Please enter a correct" not in page

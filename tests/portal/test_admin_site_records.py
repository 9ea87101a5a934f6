"""The Django admin shows the site's records but changes none of them."""

import pytest
from django.urls import reverse

from portal.models import Concern
from portal.services import concerns
from tests import factories


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", ["documentversion", "trainingrequest", "concern"])
def test_the_admin_lists_them_read_only(model, as_user, superuser, staff, published):
    concerns.concern_report(
        actor=staff,
        kind=Concern.Kind.POST,
        link="https://x.com/p/1",
        what_worries="Names a nurse.",
    )
    client = as_user(superuser)
    response = client.get(reverse(f"admin:portal_{model}_changelist"))
    assert response.status_code == 200
    assert "Names a nurse." not in response.content.decode()
    assert client.get(reverse(f"admin:portal_{model}_add")).status_code == 403

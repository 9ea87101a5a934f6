"""A staff report that one of the trust's accounts may have been hacked: the concern page
offers comms the way to suspend that account, a notice of a suspected compromise with the
reason chosen; filing it suspends the account and opens a security incident."""

import pytest
from django.urls import reverse

from accounts_requests.models import CredentialChangeNotice, ManagedAccount, SecurityIncident
from portal.models import Concern
from portal.services import concerns as concern_services
from tests import factories

pytestmark = pytest.mark.django_db

LINK = "https://www.facebook.com/PerinatalPeers/posts/99"
BUTTON = "Suspend Perinatal Peers: report a suspected compromise"


@pytest.fixture
def account(team):
    return factories.managed_account(
        team=team, name="Perinatal Peers", url="https://facebook.com/perinatalpeers"
    )


def report(member, kind=Concern.Kind.COMPROMISED, link=LINK):
    return concern_services.concern_report(
        actor=member,
        kind=kind,
        link=link,
        what_worries="Posts went out overnight that none of us wrote.",
    )


def page(client, concern):
    return client.get(concern.get_absolute_url()).content.decode()


def test_comms_are_offered_the_notice_that_suspends_the_account_the_link_is_on(
    as_user, member, comms, account
):
    concern = report(member)
    notice_url = reverse("accounts_requests:notice_create", args=[account.pk])
    client = as_user(comms)
    text = page(client, concern)
    assert BUTTON in text
    assert f"{notice_url}?reason=compromise" in text
    assert "Make a moderation entry" not in text

    # The form opens with the reason chosen; filing it suspends the account.
    form = client.get(f"{notice_url}?reason=compromise")
    assert form.context["form"].initial["reason"] == CredentialChangeNotice.Reason.COMPROMISE
    response = client.post(
        notice_url,
        {
            "what_changed": [CredentialChangeNotice.What.PASSWORD],
            "reason": CredentialChangeNotice.Reason.COMPROMISE,
            "changed_at": "2026-11-30T08:00",
            "details": "Unknown posts overnight; password reset by the platform.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.state == ManagedAccount.State.SUSPENDED
    assert SecurityIncident.objects.filter(account=account, resolved_at__isnull=True).exists()


def test_a_link_on_none_of_the_trust_s_accounts_points_to_the_register(as_user, member, comms):
    concern = report(member, link="https://www.facebook.com/somewhere-else")
    text = page(as_user(comms), concern)
    assert "Find the account in the register to suspend it" in text
    assert reverse("accounts_requests:account_list") in text
    assert "report a suspected compromise" not in text


@pytest.mark.parametrize("kind", [Concern.Kind.POST, Concern.Kind.IMITATION, Concern.Kind.OTHER])
def test_other_kinds_of_report_are_not_offered_it(as_user, member, comms, account, kind):
    assert BUTTON not in page(as_user(comms), report(member, kind=kind))


def test_a_closed_report_is_not_offered_it(as_user, member, comms, account):
    concern = report(member)
    concern_services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome="dealt_with"
    )
    assert BUTTON not in page(as_user(comms), concern)


@pytest.mark.parametrize(
    ("role", "offered"), [("member", False), ("auditor", False), ("head", True)]
)
def test_only_the_communications_team_is_offered_it(
    as_user, member, account, role, offered, request
):
    # The reporter works on the account but triaging reports is for comms (the head too).
    concern = report(member)
    viewer = request.getfixturevalue(role)
    assert (BUTTON in page(as_user(viewer), concern)) is offered


def test_the_demo_s_report_of_a_hacked_account_offers_its_notice(as_user):
    from io import StringIO

    from django.core.management import call_command

    from portal.models import User
    from tests.portal.content import ensure_published

    ensure_published()
    call_command("load_demo", stdout=StringIO())
    concern = Concern.objects.get(kind=Concern.Kind.COMPROMISED)
    comms = User.objects.get(username="comms")
    assert "Suspend Riverside NHS: report a suspected compromise" in page(as_user(comms), concern)

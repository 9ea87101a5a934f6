"""Revealing login details: comms only, by POST, with their password and a reason, audited."""

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import reverse

from accounts_requests import services_vault
from accounts_requests.models import Credential, CredentialReveal
from portal.models import Notification
from tests.accounts_requests.fixtures_accounts import live, ready, vault_key
from tests.factories import PASSWORD

__all__ = ["live", "ready", "vault_key"]

Outcome = CredentialReveal.Outcome
SECRET = "s3cret-Pass"  # what account_ready_to_verify lodges


def _reveal(client, account, password=PASSWORD, reason="Removing a post while the team is away"):
    return client.post(
        reverse("accounts_requests:reveal", args=[account.pk]),
        {"password": password, "reason": reason},
    )


def test_comms_see_the_secret_after_re_entering_their_password(live, comms, as_user):
    response = _reveal(as_user(comms), live)
    page = response.content.decode()
    assert response.status_code == 200
    assert SECRET in page
    assert "team@example.nhs.uk" in page
    assert "no-store" in response["Cache-Control"]
    audit = CredentialReveal.objects.get()
    assert (audit.actor, audit.account, audit.outcome) == (comms, live, Outcome.REVEALED)
    assert audit.reason == "Removing a post while the team is away"


def test_the_form_page_is_not_cached_either_and_holds_no_secret(live, comms, as_user):
    response = as_user(comms).get(reverse("accounts_requests:reveal", args=[live.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert SECRET not in response.content.decode()
    assert not CredentialReveal.objects.exists()


def test_a_wrong_password_reveals_nothing_and_is_recorded(live, comms, as_user):
    response = _reveal(as_user(comms), live, password="not-my-password")
    page = response.content.decode()
    assert response.status_code == 400
    assert SECRET not in page
    assert "not-my-password" not in page
    assert "That is not the password you sign in with" in page
    assert CredentialReveal.objects.get().outcome == Outcome.WRONG_PASSWORD


def test_a_reason_is_required(live, comms, as_user):
    response = _reveal(as_user(comms), live, reason=" ")
    assert response.status_code == 400
    assert SECRET not in response.content.decode()
    assert not CredentialReveal.objects.exists()


def test_repeated_wrong_passwords_pause_revealing_and_tell_the_head(live, comms, head, as_user):
    client = as_user(comms)
    for _ in range(services_vault.MAX_WRONG_PASSWORDS):
        assert _reveal(client, live, password="guess").status_code == 400
    response = _reveal(client, live)  # now even the right password is refused
    assert response.status_code == 429
    assert SECRET not in response.content.decode()
    outcomes = list(CredentialReveal.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == [Outcome.WRONG_PASSWORD] * 5 + [Outcome.THROTTLED]
    assert (
        Notification.objects.filter(recipient=head, kind="account.reveal_throttled").count() == 1
    )


@pytest.mark.parametrize("role", ["auditor", "member", "manager"])
def test_auditors_and_the_team_cannot_reveal(live, people, role, as_user):
    client = as_user(people[role])
    assert client.get(reverse("accounts_requests:reveal", args=[live.pk])).status_code == 403
    response = _reveal(client, live)
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    assert not CredentialReveal.objects.exists()


def test_another_team_gets_404(live, outsider, as_user):
    assert _reveal(as_user(outsider), live).status_code == 404


def test_revealing_needs_the_csrf_token(live, comms):
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    response = _reveal(client, live)
    assert response.status_code == 403
    assert SECRET not in response.content.decode()


def test_the_audit_is_append_only(live, comms, as_user):
    _reveal(as_user(comms), live)
    audit = CredentialReveal.objects.get()
    with pytest.raises(PermissionError):
        audit.delete()
    with pytest.raises(PermissionError):
        CredentialReveal.objects.all().delete()
    with pytest.raises(PermissionError):
        CredentialReveal.objects.update(reason="nothing to see")
    audit.reason = "changed"
    with pytest.raises(PermissionError):
        audit.save()


def test_the_account_page_lists_reveals_for_auditors_and_the_team(
    live, comms, auditor, member, as_user
):
    _reveal(as_user(comms), live)
    _reveal(as_user(comms), live, password="wrong")
    auditor_page = as_user(auditor).get(live.get_absolute_url()).content.decode()
    assert "Removing a post while the team is away" in auditor_page
    assert "Refused: wrong password" in auditor_page
    assert "Reveal the login details" not in auditor_page
    assert SECRET not in auditor_page
    team_page = as_user(member).get(live.get_absolute_url()).content.decode()
    assert "Removing a post while the team is away" in team_page
    assert "Refused: wrong password" not in team_page  # failed attempts are for readers
    comms_page = as_user(comms).get(live.get_absolute_url()).content.decode()
    assert "Reveal the login details" in comms_page
    assert SECRET not in comms_page


def test_a_secret_that_will_not_decrypt_is_refused_loudly_and_audited(
    live, comms, as_user, settings, caplog
):
    stored = Credential.objects.get(account=live).ciphertext
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    response = _reveal(as_user(comms), live)
    page = response.content.decode()
    assert response.status_code == 500
    assert "cannot be decrypted" in page
    assert stored not in page
    assert SECRET not in page
    assert CredentialReveal.objects.get().outcome == Outcome.UNREADABLE
    assert any("could not be decrypted" in r.getMessage() for r in caplog.records)
    assert all(stored not in r.getMessage() for r in caplog.records)


def test_nothing_to_reveal_before_details_are_lodged(team, comms, as_user, vault_key):
    from tests import factories

    account = factories.managed_account(team=team)
    page = as_user(comms).get(reverse("accounts_requests:reveal", args=[account.pk]))
    assert "nothing to reveal" in page.content.decode()
    response = _reveal(as_user(comms), account)
    assert response.status_code == 409


def test_lodging_page_never_echoes_what_was_typed(ready, member, as_user):
    response = as_user(member).post(
        reverse("accounts_requests:credentials", args=[ready.pk]),
        {"login": "echo-login-123", "password": "echo-password-123", "notes": "x" * 2001},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "echo-login-123" not in page
    assert "echo-password-123" not in page
    assert "no-store" in response["Cache-Control"]


def test_the_team_lodges_new_details_on_the_page(ready, member, as_user):
    response = as_user(member).post(
        reverse("accounts_requests:credentials", args=[ready.pk]),
        {"login": "", "password": "brand-new-password", "notes": ""},
    )
    assert response.status_code == 302
    from accounts_requests import vault

    stored = vault.decrypt(Credential.objects.get(account=ready).ciphertext)
    assert stored["password"] == "brand-new-password"
    assert stored["login"] == "team@example.nhs.uk"


def test_even_a_debug_error_page_never_shows_the_secret(live, comms, settings, monkeypatch):
    """``make run`` turns DEBUG on; the technical error page must still hide the secret."""
    from accounts_requests import views_vault

    settings.DEBUG = True
    real_render = views_vault.render

    def failing_render(request, template, context=None, **kwargs):
        if context and "secret" in context:
            raise RuntimeError("Forced failure while showing the page")
        return real_render(request, template, context, **kwargs)

    monkeypatch.setattr(views_vault, "render", failing_render)
    client = Client(raise_request_exception=False)
    client.force_login(comms)
    response = _reveal(client, live)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Forced failure while showing the page" in page  # the technical page
    assert SECRET not in page
    assert PASSWORD not in page

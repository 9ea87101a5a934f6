"""One family of domain errors: every app's services raise the classes the views catch."""

from accounts_requests import services as proposal_services
from accounts_requests import services_accounts, services_notices
from accounts_requests.kpi import reviews
from moderation import services as moderation_services
from portal.services import errors


def test_every_service_module_raises_the_portal_errors():
    for module in (
        proposal_services,
        services_accounts,
        services_notices,
        reviews,
        moderation_services,
    ):
        assert module.ActionError is errors.ActionError
        assert module.ActionRefused is errors.ActionRefused
        assert module.ActionConflict is errors.ActionConflict


def test_a_refusal_and_a_conflict_are_action_errors_with_their_status():
    assert issubclass(errors.ActionRefused, errors.ActionError)
    assert issubclass(errors.ActionConflict, errors.ActionError)
    assert (errors.ActionError("x").status, errors.ActionRefused("x").status) == (400, 403)
    assert errors.ActionConflict("x").status == 409

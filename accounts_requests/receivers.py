"""The leaver rule, hung on the portal's ``user_deactivated`` signal so it holds however
a user is deactivated: the Django admin, the communications team's page, or a script.

A signal here decouples: the portal's people code knows nothing of accounts.
"""

from django.dispatch import receiver

from portal.receivers import user_deactivated


@receiver(user_deactivated, dispatch_uid="accounts_leaver_rule")
def raise_rotation_tasks(sender, user, **kwargs):
    from accounts_requests.services_notices import rotation_tasks_raise_for_leaver

    rotation_tasks_raise_for_leaver(user=user)


@receiver(user_deactivated, dispatch_uid="accounts_setup_recheck")
def recheck_setups(sender, user, **kwargs):
    """A named moderator who leaves may leave a set-up short: comms' "ready" goes, to be
    announced again once it is complete."""
    from accounts_requests.services_accounts import setups_recheck

    setups_recheck(user=user)

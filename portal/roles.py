"""The roles of the portal as Django groups, each with the permissions it grants.

Team member and service manager are not groups: they come from a ``Membership``. The
groups are kept in step with this table after every ``migrate``.
"""

COMMS = "Communications team"
HEAD_OF_COMMS = "Head of communications"
AUDITOR = "Auditor"
SAFEGUARDING_LEAD = "Safeguarding lead"

GROUP_PERMISSIONS = {
    COMMS: ["portal.act_as_comms"],
    HEAD_OF_COMMS: ["portal.act_as_comms", "portal.act_as_head_of_comms"],
    AUDITOR: ["portal.audit_everything"],
    SAFEGUARDING_LEAD: ["portal.receive_safeguarding"],
}


def sync_groups(app_config=None, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Our handler may run before auth's, so make sure the permissions exist first.
    for label in {perm.split(".")[0] for perms in GROUP_PERMISSIONS.values() for perm in perms}:
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)

    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)

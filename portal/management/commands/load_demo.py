"""Demo data for trying the portal on a laptop: teams, a user for every role, proposals.

Safe to run again: what exists is left alone. Refuses to run in production.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from portal import roles
from portal.models import Membership, OrganisationProfile, Team, User

DEMO_PASSWORD = "portal-demo-2026"  # noqa: S105 - printed for people trying the demo

TEAMS = [
    ("Communications", "Corporate services", True),
    ("Perinatal Mental Health", "Specialist mental health", False),
    ("Community Nursing", "Community health services", False),
    ("Child and Adolescent Mental Health", "Children's services", False),
    ("Recovery College", "Specialist mental health", False),
]

# username, first name, last name, group, (team, role)
PEOPLE = [
    ("comms", "Casey", "Morgan", roles.COMMS, ("Communications", "member")),
    ("head", "Harriet", "Okafor", roles.HEAD_OF_COMMS, ("Communications", "manager")),
    ("auditor", "Arun", "Patel", roles.AUDITOR, None),
    ("safeguarding", "Sam", "Reid", roles.SAFEGUARDING_LEAD, None),
    ("manager", "Maya", "Hughes", None, ("Perinatal Mental Health", "manager")),
    ("member", "Tom", "Bennett", None, ("Perinatal Mental Health", "member")),
    ("nurse.manager", "Grace", "Adeyemi", None, ("Community Nursing", "manager")),
    ("nurse", "Leo", "Fischer", None, ("Community Nursing", "member")),
    ("camhs.manager", "Priya", "Shah", None, ("Child and Adolescent Mental Health", "manager")),
    ("camhs", "Jack", "Doyle", None, ("Child and Adolescent Mental Health", "member")),
    ("recovery", "Ella", "Novak", None, ("Recovery College", "manager")),
    ("staff", "Sofia", "Lopez", None, None),
]

# Other apps add their demo data here: each a callable taking the command's stdout.
EXTRA_DEMO_LOADERS = [
    "accounts_requests.demo.load",
    "accounts_requests.demo_accounts.load",
    "accounts_requests.kpi.demo.load",
    "moderation.demo.load",
    "portal.demo.load",
    # Last: the reminder sweep sees everything the loaders above made.
    "portal.demo.load_reminders",
]


class Command(BaseCommand):
    help = "Load demo teams, users and records (local use only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        profile = OrganisationProfile.load()
        if profile.trust_name == OrganisationProfile._meta.get_field("trust_name").default:
            profile = OrganisationProfile.objects.get(pk=1)
            profile.trust_name = "Riverside NHS Foundation Trust (demo)"
            profile.short_name = "Riverside"
            profile.comms_email = "communications@riverside.example.nhs.uk"
            profile.comms_phone = "020 7946 0000"
            profile.pals_contact = "pals@riverside.example.nhs.uk, 020 7946 0001"
            profile.complaints_contact = "complaints@riverside.example.nhs.uk"
            profile.website = "https://riverside.example.nhs.uk"
            profile.privacy_url = "https://riverside.example.nhs.uk/privacy"
            profile.save()

        teams = {}
        for name, directorate, is_comms in TEAMS:
            teams[name], _ = Team.objects.get_or_create(
                name=name, defaults={"directorate": directorate, "is_communications": is_comms}
            )
        for username, first, last, group, membership in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@riverside.example.nhs.uk",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            if membership:
                team_name, role = membership
                Membership.objects.get_or_create(
                    team=teams[team_name], user=user, defaults={"role": role}
                )
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={
                "first_name": "Portal",
                "last_name": "Administrator",
                "email": "admin@riverside.example.nhs.uk",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()

        for path in EXTRA_DEMO_LOADERS:
            import_string(path)(self.stdout)

        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Every demo user's password is: {DEMO_PASSWORD}")
        self.stdout.write("Users: " + ", ".join([p[0] for p in PEOPLE] + ["admin"]))
        self.stdout.write(
            "  comms: communications team · head: head of communications · auditor · "
            "safeguarding: safeguarding lead · manager/member: Perinatal Mental Health · "
            "staff: no team · admin: the Django admin"
        )

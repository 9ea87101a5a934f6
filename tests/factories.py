"""Factories for the records tests need; standing users are built in conftest.py."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts_requests.models import AccountRequest, ManagedAccount, Platform
from accounts_requests.models.account import annual_review_due
from portal import roles
from portal.models import Membership, Team, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    directorate = "Community health services"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


def member_of(team, role=Membership.Role.MEMBER, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(team=team, user=user, role=role)
    return user


def with_role(group_name, **user_fields):
    return UserFactory(groups=[group_name], **user_fields)


COMPLETE_ANSWERS = {
    "platform": Platform.INSTAGRAM,
    "proposed_name": "Perinatal Peer Support",
    "proposed_handle": "@perinatal_peers",
    "goals": "Share groups and tips.",
    "service_user_benefit": "Parents find groups.",
    "service_benefit": "Fewer calls.",
    "audience_demand": "Survey: 64% use Instagram daily.",
    "why_not_existing": "Main accounts post rarely about us.",
    "audience": "Parents of babies under one.",
    "audience_channels": "Instagram, Facebook groups.",
    "audience_discovery": "Clinic posters.",
    "similar_accounts": "None found.",
    "posts_per_week": 3,
    "who_posts": "Peer support workers.",
    "who_monitors": "Administrator and deputy manager.",
    "monitoring_frequency": "Twice a day.",
    "office_hours_commitment": True,
    "costs": "Three hours a week.",
    "risks": "Negative comments.",
    "exit_strategy": "Final post, then close.",
    "business_plan": "Early support aim.",
    "stakeholder_consultation": "Service user forum.",
    "timeframes": "Within two months.",
}


class ProposalFactory(factory.django.DjangoModelFactory):
    """A complete draft; use ``proposal_in_state`` to move it through the workflow."""

    class Meta:
        model = AccountRequest

    team = factory.SubFactory(TeamFactory)
    applicant = factory.LazyAttribute(lambda o: member_of(o.team))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        for name, value in COMPLETE_ANSWERS.items():
            kwargs.setdefault(name, value)
        return super()._create(model_class, *args, **kwargs)


def proposal_in_state(state, *, team=None, applicant=None, reviewer=None, **fields):
    """A proposal put straight into ``state`` (bypassing the services) for tests."""
    team = team or TeamFactory()
    applicant = applicant or member_of(team)
    proposal = ProposalFactory(team=team, applicant=applicant, state=state, **fields)
    if reviewer is not None:
        AccountRequest.objects.filter(pk=proposal.pk).update(reviewer=reviewer)
        proposal.refresh_from_db()
    return proposal


def managed_account(team=None, state=ManagedAccount.State.ACTIVE, **fields):
    team = team or TeamFactory()
    defaults = {
        "platform": Platform.FACEBOOK,
        "name": "Team page",
        "handle": "teampage",
        "target_followers": 300,
        "target_posts_per_month": 12,
        "target_engagement_rate": Decimal("2.00"),
        "target_reply_hours": 8,
    }
    defaults.update(fields)
    if defaults.get("activated_at") and "review_due_on" not in defaults:
        # As verifying the set-up would: the first annual review a year after going live.
        defaults["review_due_on"] = annual_review_due(defaults["activated_at"])
    return ManagedAccount.objects.create(team=team, state=state, **defaults)


ROLES = roles


# Set-up and security


def named_moderator(account, user, role="moderator"):
    from django.utils import timezone

    from accounts_requests.models import AccountModerator

    return AccountModerator.objects.create(
        account=account, user=user, role=role, added_by=user, added_at=timezone.now()
    )


def notice(account, filed_by, **fields):
    """A credential-change notice written straight to the table (bypassing the services)."""
    from django.utils import timezone

    from accounts_requests.models import CredentialChangeNotice

    now = timezone.now()
    values = {
        "what_changed": CredentialChangeNotice.What.PASSWORD,
        "reason": CredentialChangeNotice.Reason.ROUTINE,
        "changed_at": now,
        "reported_at": now,
        "report_due_by": now,
    }
    values.update(fields)
    return CredentialChangeNotice.objects.create(account=account, filed_by=filed_by, **values)


def account_ready_to_verify(team, people, *, platform=Platform.FACEBOOK, **fields):
    """An account in set-up whose checklist is complete, made through the services."""
    from accounts_requests import services_accounts, services_vault

    account = managed_account(
        team=team,
        state=ManagedAccount.State.SETTING_UP,
        **{
            "platform": platform,
            "handle": "@teampage",
            "url": "https://www.facebook.com/teampage",
            **fields,
        },
    )
    actor = people[0]
    for person in people[:2]:
        services_accounts.account_moderator_add(
            actor=actor, account_id=account.pk, user=person, role="moderator"
        )
    services_accounts.account_setup_update(
        actor=actor,
        account_id=account.pk,
        handle=None,
        url=None,
        comms_admin=True,
        verified_badge=True,
    )
    services_vault.credential_lodge(
        actor=actor, account_id=account.pk, login="team@example.nhs.uk", password="s3cret-Pass"
    )
    account.refresh_from_db()
    return account

"""Demo proposals in several states, made through the services as a user would."""

from decimal import Decimal

from accounts_requests import services
from accounts_requests.models import AccountRequest, Platform
from portal.models import Team, User


def _answers(name, platform, handle):
    return {
        "platform": platform,
        "proposed_name": name,
        "proposed_handle": handle,
        "goals": "Share clinic news, wellbeing tips and how to get referred.",
        "service_user_benefit": "Families find out about groups and changes without phoning.",
        "service_benefit": "Fewer calls asking for the same information; better attendance.",
        "audience_demand": "In our last survey 64% of parents said they use this platform daily.",
        "why_not_existing": "The trust's main accounts post a few times a month about us.",
        "audience": "Parents and carers of people who use the service in the borough.",
        "audience_channels": "Mostly Instagram and Facebook groups.",
        "audience_discovery": "Posters in clinics, leaflets and the trust website.",
        "similar_accounts": "Two other trusts run similar accounts; we like their tone.",
        "posts_per_week": 3,
        "who_posts": "The team's two peer support workers.",
        "who_monitors": "The team administrator and the deputy manager.",
        "monitoring_frequency": "Twice a day, morning and afternoon.",
        "office_hours_commitment": True,
        "costs": "About three hours a week of staff time; no money.",
        "risks": "Negative comments, confidentiality slips; we will follow the trust's guidance.",
        "exit_strategy": "A final post pointing to the trust accounts, then close it.",
        "business_plan": "Supports our aim to reach families earlier.",
        "stakeholder_consultation": "Our service user forum supported the idea.",
        "timeframes": "Start within two months of approval.",
    }


def load(stdout):
    if AccountRequest.objects.exists():
        return
    member = User.objects.get(username="member")
    manager = User.objects.get(username="manager")
    nurse = User.objects.get(username="nurse")
    camhs = User.objects.get(username="camhs")
    comms = User.objects.get(username="comms")
    perinatal = Team.objects.get(name="Perinatal Mental Health")
    nursing = Team.objects.get(name="Community Nursing")
    camhs_team = Team.objects.get(name="Child and Adolescent Mental Health")

    services.account_request_create(
        actor=member,
        team=perinatal,
        data={"platform": Platform.TIKTOK, "proposed_name": "Perinatal short videos"},
    )
    waiting = services.account_request_create(
        actor=member,
        team=perinatal,
        data=_answers("Perinatal Mental Health", Platform.INSTAGRAM, "@riverside_perinatal"),
    )
    services.account_request_act(actor=member, proposal_id=waiting.pk, action="submit")

    submitted = services.account_request_create(
        actor=nurse,
        team=nursing,
        data=_answers("Community Nursing News", Platform.FACEBOOK, "RiversideCommunityNursing"),
    )
    services.account_request_act(actor=nurse, proposal_id=submitted.pk, action="submit")
    nursing_manager = User.objects.get(username="nurse.manager")
    services.account_request_act(actor=nursing_manager, proposal_id=submitted.pk, action="endorse")

    review = services.account_request_create(
        actor=camhs,
        team=camhs_team,
        data=_answers("CAMHS Young People", Platform.YOUTUBE, "@riversidecamhs"),
    )
    services.account_request_act(actor=camhs, proposal_id=review.pk, action="submit")
    services.account_request_act(
        actor=User.objects.get(username="camhs.manager"), proposal_id=review.pk, action="endorse"
    )
    services.account_request_start_review(actor=comms, proposal_id=review.pk)
    services.account_request_act(
        actor=comms,
        proposal_id=review.pk,
        action="request_changes",
        comment="Please say who covers the account when the administrator is on leave.",
    )

    approved = services.account_request_create(
        actor=manager,
        team=perinatal,
        data=_answers("Perinatal Peer Support", Platform.FACEBOOK, "RiversidePerinatalPeers"),
    )
    services.account_request_act(actor=manager, proposal_id=approved.pk, action="submit")
    services.account_request_start_review(actor=comms, proposal_id=approved.pk)
    services.account_request_approve(
        actor=comms,
        proposal_id=approved.pk,
        targets=services.Targets(
            followers=400, posts_per_month=12, engagement_rate=Decimal("2.50"), reply_hours=8
        ),
        comment="A well-evidenced plan. Please lodge the login details once it is set up.",
    )
    stdout.write(
        "Demo proposals created: a draft, one waiting for endorsement, one submitted, "
        "one with changes requested, one approved."
    )

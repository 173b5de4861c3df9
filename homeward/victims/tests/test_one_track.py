"""Issue 12's victim-services dead ends: the legal-aid referral and the green-channel
application are one track; the lawyer sees what the application is about; placement
decisions and legal-aid steps say what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.core.errors import DomainError
from homeward.core.models import Agency, Division, User
from homeward.core.roles import Role
from homeward.testing.factories import PersonFactory
from homeward.victims import services
from homeward.victims.models import Institution, LegalAidApplication, ServiceReferral, Victim

pytestmark = pytest.mark.django_db

YUZHONG = "500103"
MATTER = "追索被拐期间的劳动报酬，请求民事赔偿"


@pytest.fixture
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "police": make_user(roles=[Role.INVESTIGATOR], username="police"),
        "caseworker": make_user(
            roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
            agency_code=f"{YUZHONG}-civil_affairs",
            username="caseworker",
        ),
        "lawyer": make_user(
            roles=[Role.LEGAL_AID_OFFICER], agency_code=f"{YUZHONG}-justice", username="lawyer"
        ),
    }


def _adult(police: User) -> Victim:
    division = Division.objects.get(code=YUZHONG)
    return services.victim_register(
        actor=police,
        person=PersonFactory(division=division, full_name="刘某"),
        identity_status="identified",
        age_at_rescue=24,
        origin="chongqing",
        rescued_at=timezone.now() - timedelta(days=2),
        how_rescued="从工地解救",
        division=division,
    )


def test_referring_legal_aid_files_the_green_channel_application_and_follows_it(
    staff: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    caseworker, lawyer = staff["caseworker"], staff["lawyer"]
    victim = _adult(staff["police"])
    # when civil affairs refer legal aid as a service, saying what is needed
    referral = services.service_refer(
        actor=caseworker,
        victim=victim,
        kind="legal_aid",
        due_on=timezone.localdate() + timedelta(days=10),
        note=MATTER,
    )
    # then the application is in the green channel, with that matter, and one referral
    application = LegalAidApplication.objects.get(victim=victim)
    assert application.matter == MATTER
    assert ServiceReferral.objects.filter(victim=victim, kind="legal_aid").count() == 1
    # and the lawyer sees what it is about, and each step says what happened
    client = client_for(lawyer)
    page = client.get("/victims/legal-aid/").content.decode()
    assert MATTER in page
    response = client.post(
        "/victims/legal-aid/", {"application": application.pk, "step": "accept"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["申请已受理，下一步请指派律师。"]
    referral.refresh_from_db()
    assert referral.status == ServiceReferral.Status.ACCEPTED
    client.post(
        "/victims/legal-aid/",
        {"application": application.pk, "step": "assign", "lawyer": lawyer.pk},
        follow=True,
    )
    response = client.post(
        "/victims/legal-aid/",
        {"application": application.pk, "step": "close", "note": "调解结案，获赔三万元"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["案件已办结，对应的转介服务同时办结。"]
    referral.refresh_from_db()
    assert referral.status == ServiceReferral.Status.DONE
    assert referral.outcome == "调解结案，获赔三万元"
    # and the referral is not moved by hand outside the channel
    with pytest.raises(DomainError):
        services.service_update(actor=lawyer, referral=referral, status="done", outcome="x")


def test_a_legal_aid_referral_needs_the_matter(staff: dict[str, User]) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.service_refer(
            actor=staff["caseworker"],
            victim=_adult(staff["police"]),
            kind="legal_aid",
            due_on=timezone.localdate(),
        )
    assert "note" in error.value.message_dict
    assert not LegalAidApplication.objects.exists()


def test_an_application_filed_directly_appears_as_the_units_referral(
    staff: dict[str, User],
) -> None:
    victim = _adult(staff["police"])
    services.legal_aid_apply(actor=staff["caseworker"], victim=victim, matter=MATTER)
    referral = ServiceReferral.objects.get(victim=victim, kind="legal_aid")
    assert referral.owner_agency.code == f"{YUZHONG}-justice"


def test_accepting_a_placement_says_so(
    staff: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    caseworker = staff["caseworker"]
    welfare = Institution.objects.create(
        name="渝中区救助管理站",
        kind=Institution.Kind.RESCUE_MANAGEMENT,
        division=Division.objects.get(code=YUZHONG),
        operating_agency=Agency.objects.get(code=f"{YUZHONG}-civil_affairs"),
        capacity=5,
    )
    placement = services.placement_propose(
        actor=caseworker, victim=_adult(staff["police"]), institution=welfare
    )
    response = client_for(caseworker).post(
        f"/victims/institutions/{welfare.pk}/",
        {"placement": placement.pk, "decision": "accept"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages and "接收" in messages[0]

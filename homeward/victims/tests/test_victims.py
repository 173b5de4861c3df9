"""Victims end to end (issue 6): a rescued child of unknown identity handed over, placed,
served, given the household-registration task after three months, matched by DNA and
returned with follow-ups; an adult with vocational training and a priority lawyer; the
buyer's family stopped; a victim from another province transferred; each department
seeing its part."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, Division, User
from homeward.core.roles import Role
from homeward.core.tick import tick
from homeward.people.models import Person
from homeward.victims import services
from homeward.victims.models import (
    FollowUp,
    Institution,
    LegalAidApplication,
    RegistrationTask,
    ServiceReferral,
    Victim,
)
from homeward.victims.selectors import display_name, victims_visible_to

pytestmark = pytest.mark.django_db

YUZHONG = "500103"


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "police": make_user(roles=[Role.INVESTIGATOR], username="police"),
        "caseworker": make_user(
            roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
            agency_code=f"{YUZHONG}-civil_affairs",
            username="caseworker",
        ),
        "doctor": make_user(
            roles=[Role.HEALTH_OFFICER], agency_code=f"{YUZHONG}-health", username="doctor"
        ),
        "teacher": make_user(
            roles=[Role.EDUCATION_OFFICER], agency_code=f"{YUZHONG}-education", username="edu"
        ),
        "hr": make_user(
            roles=[Role.SERVICE_OFFICER], agency_code=f"{YUZHONG}-human_resources", username="hr"
        ),
        "lawyer": make_user(
            roles=[Role.LEGAL_AID_OFFICER], agency_code=f"{YUZHONG}-justice", username="lawyer"
        ),
        "justice_head": make_user(
            roles=[Role.LEGAL_AID_OFFICER],
            agency_code=f"{YUZHONG}-justice",
            username="justice_head",
            leader_post="head",
        ),
        "other_district": make_user(
            roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
            agency_code="500101-civil_affairs",
            username="wanzhou",
        ),
    }


@pytest.fixture
def welfare() -> Institution:
    from homeward.core.models import Agency

    return Institution.objects.create(
        name="渝中区儿童福利院",
        kind=Institution.Kind.CHILD_WELFARE,
        division=Division.objects.get(code=YUZHONG),
        operating_agency=Agency.objects.get(code=f"{YUZHONG}-civil_affairs"),
        capacity=2,
    )


def _person(name: str, **fields: Any) -> Person:
    from homeward.core.models import Agency

    return Person.objects.create(
        full_name=name,
        division=Division.objects.get(code=YUZHONG),
        owning_agency=Agency.objects.get(code=f"{YUZHONG}-public_security"),
        **fields,
    )


def _rescued_child(police: User, **fields: Any) -> Victim:
    values: dict[str, Any] = {
        "identity_status": "unknown",
        "age_at_rescue": 6,
        "origin": "chongqing",
        "rescued_at": timezone.now() - timedelta(days=1),
        "how_rescued": "在某地解救",
        "division": Division.objects.get(code=YUZHONG),
    }
    values.update(fields)
    return services.victim_register(
        actor=police, person=_person("无名氏（女童）", sex="female"), **values
    )


def _confirm_dna_match(
    child: Person, settings: Any, tmp_path: Any, make_user: Callable[..., User], capture: Any
) -> None:
    """The real DNA pipeline: import, link the child's specimen, search, confirm by re-test."""
    from homeward.dna.models import MatchCandidate, ReferenceFamily, Specimen
    from homeward.dna.services import match_run_start, specimen_link_person
    from homeward.dna.tests.test_dna_module import (
        _import_population,
        _population,
        confirm_by_retest,
        import_retest,
    )

    settings.DNA_INDEX_DIR = tmp_path / "dna-index"
    analyst = make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna")
    with capture(execute=True):
        _import_population(analyst, _population(n=2, unrelated=0))
    ReferenceFamily.objects.filter(code="FAM0001").update(missing_child=_person("李小花"))
    specimen = Specimen.objects.get(specimen_id="C0001")
    specimen_link_person(
        actor=analyst, specimen=specimen, person_id=child.pk, purpose="寻亲2026-21"
    )
    with capture(execute=True):  # the search runs after commit, as in production
        run = match_run_start(actor=analyst, specimen=specimen, purpose="寻亲2026-21")
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    # a second analyst confirms, on a re-test specimen of the child (issue 18)
    second = make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna2")
    retest = import_retest(analyst, "C0001", "C0001-R")
    confirm_by_retest(candidate, first=analyst, second=second, retest=retest)


def test_a_rescued_child_is_placed_served_registered_matched_and_returned(
    people: dict[str, User],
    welfare: Institution,
    settings: Any,
    tmp_path: Any,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    police, caseworker, doctor = people["police"], people["caseworker"], people["doctor"]
    victim = _rescued_child(police)
    assert victim.owning_agency.code == f"{YUZHONG}-civil_affairs"
    assert victim.age_group == "child"
    placement = services.placement_propose(actor=caseworker, victim=victim, institution=welfare)
    services.placement_decide(actor=caseworker, placement=placement, accept=True)
    victim.refresh_from_db()
    assert victim.status == "in_care" and victim.admitted_at == timezone.localdate()

    for kind in ("medical", "counselling"):
        services.service_refer(
            actor=caseworker,
            victim=victim,
            kind=kind,
            due_on=timezone.localdate() + timedelta(days=7),
        )
    medical = ServiceReferral.objects.get(kind="medical")
    services.service_update(actor=doctor, referral=medical, status="accepted")
    services.service_update(actor=doctor, referral=medical, status="done", outcome="体检正常")
    assert victim in victims_visible_to(doctor)
    assert display_name(doctor, victim) == "无名氏（女童）"  # medical care needs the identity

    # Day 92: identity still unknown three months after admission.
    admitted = timezone.now()
    with time_machine.travel(admitted + timedelta(days=92)):
        run = tick()
        assert run.results["victims.registration_tasks"] == 1
        tick()
    task = RegistrationTask.objects.get(victim=victim)
    assert task.police_agency.code == f"{YUZHONG}-public_security"
    with time_machine.travel(admitted + timedelta(days=92 + 31)):
        tick()
    task.refresh_from_db()
    assert task.overdue
    services.registration_task_complete(actor=police, task=task, note="已办理落户")
    task.refresh_from_db()
    assert task.done_at is not None and not task.overdue

    parents = [_person("李建国", sex="male"), _person("王芳", sex="female")]
    with pytest.raises(DomainError) as not_yet:
        services.victim_return(
            actor=caseworker,
            victim=victim,
            kind="parents",
            people=parents,
            address="渝中区解放碑民族路1号",
            returned_on=timezone.localdate(),
        )
    assert "DNA" in not_yet.value.message
    _confirm_dna_match(
        victim.person, settings, tmp_path, make_user, django_capture_on_commit_callbacks
    )
    guardian = services.victim_return(
        actor=caseworker,
        victim=victim,
        kind="parents",
        people=parents,
        address="渝中区解放碑民族路1号",
        returned_on=timezone.localdate(),
    )
    assert guardian.dna_confirmed
    victim.refresh_from_db()
    assert victim.status == "returned" and victim.identity_status == "identified"
    assert FollowUp.objects.filter(victim=victim).count() == len(settings.VICTIMS_FOLLOW_UP_DAYS)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert services.follow_ups_flag_overdue() == 1


def test_an_adult_gets_vocational_training_and_a_priority_lawyer(
    people: dict[str, User],
) -> None:
    police, caseworker, hr = people["police"], people["caseworker"], people["hr"]
    lawyer, head = people["lawyer"], people["justice_head"]
    adult = services.victim_register(
        actor=police,
        person=_person("刘某", sex="female"),
        identity_status="identified",
        age_at_rescue=19,
        origin="chongqing",
        rescued_at=timezone.now(),
        how_rescued="从KTV解救",
        division=Division.objects.get(code=YUZHONG),
    )
    child = _rescued_child(police)
    with pytest.raises(DomainError):
        services.service_refer(
            actor=caseworker, victim=child, kind="vocational", due_on=timezone.localdate()
        )
    training = services.service_refer(
        actor=caseworker, victim=adult, kind="vocational", due_on=timezone.localdate()
    )
    assert training.owner_agency.kind == "human_resources"
    services.service_update(actor=hr, referral=training, status="accepted")
    assert display_name(hr, adult) != "刘某"  # training does not need the identity
    assert adult in victims_visible_to(hr) and child not in victims_visible_to(hr)

    application = services.legal_aid_apply(actor=caseworker, victim=adult, matter="民事赔偿")
    assert application.green_channel
    application = services.legal_aid_review(actor=lawyer, application=application, accept=True)
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        assert services.legal_aid_escalate_overdue() == 1  # assignment is late
        application.refresh_from_db()
        assert application.escalated_to == head
        application = services.legal_aid_assign(
            actor=lawyer, application=application, lawyer=lawyer
        )
    assert application.status == LegalAidApplication.Status.ASSIGNED
    assert application.escalated_at is None  # a new step, a new deadline
    assert AuditEvent.objects.filter(action="legal_aid_escalate").count() == 1


def test_the_buyers_family_is_stopped_by_identity_and_by_address(
    people: dict[str, User],
) -> None:
    from homeward.cases.models import Case, CaseParty
    from homeward.cases.services import case_open

    police, caseworker = people["police"], people["caseworker"]
    head = people["police"]
    head.leader_post = "head"
    head.save()
    case = case_open(
        actor=police,
        title="拐卖儿童案",
        crimes=["art240"],
        source="other",
        leader=head,
        division=Division.objects.get(code=YUZHONG),
    )
    buyer = _person("张某（买方）", address="渝中区 大坪 正街 88 号")
    CaseParty.objects.create(case=case, person=buyer, role="buyer", added_by=police)
    victim = _rescued_child(police, identity_status="identified", case=Case.objects.get(pk=case.pk))
    with pytest.raises(DomainError) as by_identity:
        services.victim_return(
            actor=caseworker,
            victim=victim,
            kind="foster",
            people=[buyer],
            address="别处",
            returned_on=timezone.localdate(),
        )
    assert "买" in by_identity.value.message or "bought" in by_identity.value.message
    relative = _person("张某之妻")
    with pytest.raises(DomainError) as by_address:
        services.victim_return(
            actor=caseworker,
            victim=victim,
            kind="relatives",
            people=[relative],
            address="渝中区大坪正街88号",
            returned_on=timezone.localdate(),
        )
    assert by_address.value.code == "victim_buyer_family"
    assert Victim.objects.get(pk=victim.pk).status == "rescued"


def test_a_victim_from_another_province_is_transferred_with_escort(
    people: dict[str, User],
) -> None:
    from django.core.exceptions import ValidationError

    police, caseworker = people["police"], people["caseworker"]
    victim = services.victim_register(
        actor=police,
        person=_person("外省女孩"),
        identity_status="identified",
        age_at_rescue=15,
        origin="other_province",
        origin_detail="云南省",
        rescued_at=timezone.now(),
        how_rescued="解救",
        division=Division.objects.get(code=YUZHONG),
    )
    with pytest.raises(DomainError) as refused:
        services.victim_return(
            actor=caseworker,
            victim=victim,
            kind="parents",
            people=[_person("父亲")],
            address="云南省某地",
            returned_on=timezone.localdate(),
        )
    assert refused.value.code == "victim_needs_transfer"
    with pytest.raises(ValidationError):
        services.transfer_start(
            actor=caseworker,
            victim=victim,
            kind="transfer",
            destination="云南省昆明市",
            receiving_agency="",
            escort="",
            departed_on=timezone.localdate(),
        )
    transfer = services.transfer_start(
        actor=caseworker,
        victim=victim,
        kind="transfer",
        destination="云南省昆明市",
        receiving_agency="province_rescue_station",
        escort="民警两名、社工一名",
        departed_on=timezone.localdate(),
    )
    services.transfer_handover(
        actor=caseworker, transfer=transfer, handed_over_to="昆明市救助管理站李站长"
    )
    victim.refresh_from_db()
    assert victim.status == "transferred"


def test_each_department_sees_only_its_part(
    people: dict[str, User],
    welfare: Institution,
    client_for: Callable[[User], Client],
) -> None:
    police, caseworker = people["police"], people["caseworker"]
    victim = _rescued_child(police)
    services.service_refer(
        actor=caseworker, victim=victim, kind="counselling", due_on=timezone.localdate()
    )
    doctor = people["doctor"]
    assert (
        display_name(doctor, victim).startswith("无")
        and display_name(doctor, victim) != "无名氏（女童）"
    )
    assert victim not in victims_visible_to(people["teacher"])
    assert victim not in victims_visible_to(people["other_district"])
    assert client_for(people["teacher"]).get(f"/victims/{victim.pk}/").status_code == 404
    assert client_for(people["other_district"]).get(f"/victims/{victim.pk}/").status_code == 404
    page = client_for(doctor).get(f"/victims/{victim.pk}/")
    assert page.status_code == 200 and "无名氏（女童）" not in page.content.decode()
    assert "在某地解救" not in page.content.decode()
    assert (
        client_for(doctor)
        .post(f"/victims/{victim.pk}/", {"action": "goal", "goal-goal": "x"})
        .status_code
        == 403
    )
    # Once the counselling is done, the minor leaves the doctor's view.
    referral = ServiceReferral.objects.get()
    services.service_update(actor=doctor, referral=referral, status="accepted")
    services.service_update(actor=doctor, referral=referral, status="done", outcome="完成评估")
    assert victim not in victims_visible_to(doctor)
    assert AuditEvent.objects.filter(action="read", object_type="victims.victim").exists()


def test_an_institution_cannot_take_more_than_its_capacity(
    people: dict[str, User], welfare: Institution
) -> None:
    police, caseworker = people["police"], people["caseworker"]
    for _ in range(2):
        victim = _rescued_child(police)
        placement = services.placement_propose(actor=caseworker, victim=victim, institution=welfare)
        services.placement_decide(actor=caseworker, placement=placement, accept=True)
    third = _rescued_child(police)
    placement = services.placement_propose(actor=caseworker, victim=third, institution=welfare)
    with pytest.raises(DomainError) as full:
        services.placement_decide(actor=caseworker, placement=placement, accept=True)
    assert full.value.code == "institution_full"


def test_the_special_file_is_a_chinese_pdf(
    people: dict[str, User], welfare: Institution, client_for: Callable[[User], Client]
) -> None:
    from pypdf import PdfReader

    victim = _rescued_child(people["police"])
    services.plan_goal_add(actor=people["caseworker"], victim=victim, goal="查明身份，尽快团聚")
    response = client_for(people["caseworker"]).get(f"/victims/{victim.pk}/file.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "查明身份" in text and "专门档案" in text
    assert AuditEvent.objects.filter(action="print", object_id=str(victim.pk)).exists()

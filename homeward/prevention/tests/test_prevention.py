"""Prevention end to end (issue 8): a left-behind girl visited monthly whose visit raises
a clue; a dropout followed until back in school (and a silent one reported as possibly
missing); a street child placed with a DNA check requested; registration checks held
until the police clear them; released offenders reviewed; each user seeing their part."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, Township, User
from homeward.core.tick import tick
from homeward.dna.models import CheckRequest
from homeward.people.models import Person
from homeward.prevention import services
from homeward.prevention.models import (
    Category,
    DropoutFile,
    FoundChild,
    LedgerEntry,
    RegistrationCheck,
    School,
)
from homeward.prevention.selectors import (
    dropouts_visible_to,
    ledger_visible_to,
    overdue_by_division,
)
from homeward.tips.models import Tip

pytestmark = pytest.mark.django_db


def _left_behind_girl(director: User, town: Township, child: Callable[..., Person]) -> LedgerEntry:
    return services.ledger_entry_create(
        actor=director,
        person=child(),
        category=Category.LEFT_BEHIND_CHILD,
        township=town,
        responsible_worker=director,
        risk_level="high",
        risk_reasons=["no_guardian", "strangers"],
        village="龙河村",
        guardian_name="谭建国",
        guardian_relation="父亲",
        guardian_whereabouts="父母均在广东省东莞市务工",
        guardian_phone="13900001111",
        carer="祖母（72岁）",
    )


def test_a_left_behind_girl_is_visited_monthly_and_a_concern_becomes_a_clue(
    director: User, towns: tuple[Township, Township], child: Callable[..., Person]
) -> None:
    entry = _left_behind_girl(director, towns[0], child)
    today = timezone.localdate()
    assert entry.next_visit_due == today  # the first visit is due at once
    services.visit_record(
        actor=director, entry=entry, visited_on=today, kind="home", observations="祖母照顾尚可"
    )
    entry.refresh_from_db()
    assert entry.next_visit_due == today + timedelta(days=30)  # high risk: monthly
    assert not Tip.objects.exists()

    # A month later: overdue without a visit, flagged by the sweep.
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        run = tick()
        assert run.results["prevention.overdue_visits"] == 1
        entry.refresh_from_db()
        assert entry.overdue
        visit = services.visit_record(
            actor=director,
            entry=entry,
            visited_on=timezone.localdate(),
            kind="home",
            observations="孩子说有陌生男子在校门口多次搭讪，要带她去“城里打工”",
            concern="有陌生成年男子多次接近该女童并许诺带其外出，请公安核查。",
        )
    entry.refresh_from_db()
    assert not entry.overdue
    tip = Tip.objects.get(pk=visit.tip_id)
    assert tip.channel == Tip.Channel.MANDATORY and tip.division.code == "500240"
    assert tip.mandatory.institution_kind == "village_committee"
    assert tip.mandatory.reporter == director
    assert "陌生成年男子" in tip.narrative
    assert AuditEvent.objects.filter(action="visit_record").count() == 2


def test_the_visit_interval_depends_on_category_and_risk(settings: Any) -> None:
    assert services.visit_interval("left_behind_child", "high").days == 30
    assert services.visit_interval("left_behind_woman", "low").days == 90
    settings.PREVENTION_VISIT_DAYS = {"default": {"high": 10, "medium": 20, "low": 40}}
    assert services.visit_interval("left_behind_child", "high").days == 10


def test_workers_see_their_township_only(
    director: User,
    other_town_worker: User,
    caseworker: User,
    towns: tuple[Township, Township],
    child: Callable[..., Person],
    client_for: Callable[[User], Client],
    outsider: User,
) -> None:
    entry = _left_behind_girl(director, towns[0], child)
    assert list(ledger_visible_to(director)) == [entry]
    assert list(ledger_visible_to(other_town_worker)) == []
    assert list(ledger_visible_to(caseworker)) == [entry]  # the county's civil affairs
    assert client_for(other_town_worker).get(f"/prevention/ledger/{entry.pk}/").status_code == 404
    assert client_for(outsider).get(f"/prevention/ledger/{entry.pk}/").status_code == 403
    page = client_for(director).get(f"/prevention/ledger/{entry.pk}/")
    assert page.status_code == 200 and "东莞" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="read", object_id=str(entry.pk), outcome="success"
    ).exists()
    with pytest.raises(DomainError) as refused:
        services.ledger_entry_create(
            actor=other_town_worker,
            person=child("另一个孩子"),
            category=Category.LEFT_BEHIND_CHILD,
            township=towns[0],
            responsible_worker=other_town_worker,
        )
    assert refused.value.code == "out_of_area"


def test_a_person_is_in_the_ledger_once_per_category(
    director: User, towns: tuple[Township, Township], child: Callable[..., Person]
) -> None:
    entry = _left_behind_girl(director, towns[0], child)
    with pytest.raises(DomainError) as refused:
        services.ledger_entry_create(
            actor=director,
            person=entry.person,
            category=Category.LEFT_BEHIND_CHILD,
            township=towns[0],
            responsible_worker=director,
        )
    assert refused.value.code == "prevention_duplicate"


def test_a_dropout_is_followed_until_back_in_school(
    teacher: User,
    director: User,
    education_officer: User,
    school: School,
    child: Callable[..., Person],
    other_town_worker: User,
) -> None:
    boy = child("冉小军", "male", 13)
    today = timezone.localdate()
    file = services.dropout_open(
        actor=teacher,
        person=boy,
        school=school,
        grade="初二",
        left_on=today - timedelta(days=3),
        reason="work",
    )
    assert file.township == school.township
    services.dropout_action_add(
        actor=teacher,
        file=file,
        taken_on=today,
        action="电话联系家长，称孩子随亲戚外出打工",
        contact_made=True,
    )
    services.dropout_action_add(
        actor=director,
        file=file,
        taken_on=today,
        action="上门劝返，家长同意下周返校",
        contact_made=True,
    )
    services.dropout_action_add(
        actor=education_officer, file=file, taken_on=today, action="教育局督办", contact_made=False
    )
    assert [a.by for a in file.actions.order_by("pk")] == ["school", "township", "education_bureau"]
    assert file in dropouts_visible_to(teacher)
    assert file in dropouts_visible_to(director)
    assert file in dropouts_visible_to(education_officer)
    assert file not in dropouts_visible_to(other_town_worker)
    file.refresh_from_db()
    file = services.dropout_resolve(
        actor=teacher, file=file, version=file.version, status="returned", resolved_on=today
    )
    assert file.status == DropoutFile.Status.RETURNED
    with pytest.raises(DomainError) as refused:
        services.dropout_action_add(
            actor=teacher, file=file, taken_on=today, action="x", contact_made=False
        )
    assert refused.value.code == "prevention_closed"


def test_a_school_sees_only_its_own_students(
    teacher: User, in_area: Callable[..., User], school: School, child: Callable[..., Person]
) -> None:
    from homeward.core.roles import Role

    other_school = School.objects.create(
        name="石柱县第一中学", division=school.division, township=school.township
    )
    other_teacher = in_area(Role.EDUCATION_OFFICER, kind="education", school=other_school)
    file = services.dropout_open(
        actor=teacher,
        person=child("马小兵", "male", 12),
        school=school,
        grade="初一",
        left_on=timezone.localdate(),
        reason="family",
    )
    assert list(dropouts_visible_to(other_teacher)) == []
    with pytest.raises(DomainError) as refused:
        services.dropout_open(
            actor=other_teacher,
            person=child("冉二", "male", 12),
            school=school,
            grade="初一",
            left_on=timezone.localdate(),
            reason="family",
        )
    assert refused.value.code == "out_of_area"
    assert file.pk


def test_a_dropout_nobody_can_reach_is_reported_as_possibly_missing_once(
    teacher: User, school: School, child: Callable[..., Person], settings: Any
) -> None:
    settings.PREVENTION_DROPOUT_NO_CONTACT_DAYS = 7
    file = services.dropout_open(
        actor=teacher,
        person=child("冉小军", "male", 13),
        school=school,
        grade="初二",
        left_on=timezone.localdate() - timedelta(days=2),
        reason="unknown",
    )
    assert services.dropouts_raise_concerns() == 0
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert services.dropouts_raise_concerns() == 1
        assert services.dropouts_raise_concerns() == 0
    file.refresh_from_db()
    tip = Tip.objects.get(pk=file.concern_tip_id)
    assert tip.category == Tip.Category.MISSING_CHILD
    assert tip.priority == Tip.Priority.HIGHEST
    assert school.name in tip.narrative


def test_a_street_child_is_placed_and_a_dna_check_is_requested(
    caseworker: User, county_police: User, child: Callable[..., Person]
) -> None:
    from homeward.core.models import Division
    from homeward.dna.services import check_request_handle

    found = services.found_child_record(
        actor=caseworker,
        person=child("无名氏（火车站男孩）", "male", 8),
        kind=FoundChild.Kind.STREET_MINOR,
        found_at=timezone.now() - timedelta(hours=3),
        found_place="石柱县火车站候车室",
        found_by="车站派出所民警",
        placement=FoundChild.Placement.PROTECTION,
        institution="石柱县未成年人救助保护中心",
        division=Division.objects.get(code="500240"),
    )
    services.tracing_step_add(
        actor=caseworker, child=found, taken_on=timezone.localdate(), step="在寻亲网站发布信息"
    )
    found = services.found_child_request_dna(
        actor=caseworker, child=found, reason="身份不明，监护人未找到"
    )
    request = CheckRequest.objects.get(pk=found.dna_request_id)
    assert request.status == CheckRequest.Status.REQUESTED
    assert request.requesting_agency == caseworker.agency
    with pytest.raises(DomainError) as refused:  # only the police handle DNA
        check_request_handle(actor=caseworker, request=request, status="sampled")
    assert refused.value.code == "not_public_security"
    check_request_handle(actor=county_police, request=request, status="sampled", note="已采样比对")
    found.refresh_from_db()
    assert found.dna_request.status == CheckRequest.Status.SAMPLED  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        services.found_child_record(
            actor=caseworker,
            person=child("x"),
            kind=FoundChild.Kind.ABANDONED_INFANT,
            found_at=timezone.now(),
            found_place="",
            found_by="群众",
            placement=FoundChild.Placement.WELFARE,
            institution="",
            division=Division.objects.get(code="500240"),
        )


def test_a_registration_stays_pending_until_the_police_decide_and_a_purchase_is_a_clue(
    caseworker: User, county_police: User, child: Callable[..., Person]
) -> None:
    from homeward.core.models import Division

    check = services.registration_check_open(
        actor=caseworker,
        kind=RegistrationCheck.Kind.ADOPTION,
        child=child("小宝", "male", 1),
        applicant="李某某夫妇",
        account="称孩子是远房亲戚所生，无出生医学证明",
        division=Division.objects.get(code="500240"),
    )
    assert check.status == RegistrationCheck.Status.PENDING
    assert check.dna_request is not None and check.dna_request.source == "registration"
    with pytest.raises(DomainError) as refused:
        services.registration_check_decide(actor=caseworker, check=check, clear=True, note="")
    assert refused.value.code == "not_public_security"
    with pytest.raises(ValidationError):
        services.registration_check_decide(actor=county_police, check=check, clear=False, note="")
    check = services.registration_check_decide(
        actor=county_police,
        check=check,
        clear=False,
        note="收养人无法说明来源，疑似买卖",
        suspected_purchase=True,
    )
    assert check.status == RegistrationCheck.Status.REJECTED
    tip = Tip.objects.get(pk=check.tip_id)
    assert tip.category == Tip.Category.BUYING and "疑似买卖" in tip.narrative


def test_released_offenders_are_reviewed_on_schedule(
    county_police: User, in_area: Callable[..., User], child: Callable[..., Person]
) -> None:
    from homeward.core.models import Division
    from homeward.core.roles import Role

    justice = in_area(Role.LEGAL_AID_OFFICER, kind="justice")
    follow_up = services.offender_follow_up_open(
        actor=county_police,
        person=child("周某", "male", 45),
        released_on=timezone.localdate() - timedelta(days=10),
        offence="拐卖儿童罪",
        review_interval_days=30,
        division=Division.objects.get(code="500240"),
    )
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert services.offenders_flag_overdue() == 1
        services.offender_review_record(
            actor=justice,
            follow_up=follow_up,
            reviewed_on=timezone.localdate(),
            notes="社区矫正正常",
        )
    follow_up.refresh_from_db()
    assert not follow_up.overdue and follow_up.reviews.count() == 1


def test_the_township_head_sees_overdue_visits_on_the_map(
    director: User,
    township_head: User,
    towns: tuple[Township, Township],
    child: Callable[..., Person],
    client_for: Callable[[User], Client],
) -> None:
    _left_behind_girl(director, towns[0], child)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        tick()
        assert overdue_by_division(township_head) == {"500240": 1}
        page = client_for(township_head).get("/prevention/overview/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-code="500240"' in text and "band-1" in text
    assert page.context["totals"]["overdue"] == 1
    assert "谭小花" not in text  # numbers only on the overview


def test_the_ledger_exports_to_excel_for_its_unit(
    director: User,
    towns: tuple[Township, Township],
    child: Callable[..., Person],
    client_for: Callable[[User], Client],
) -> None:
    import io

    from openpyxl import load_workbook

    _left_behind_girl(director, towns[0], child)
    response = client_for(director).get("/prevention/ledger/", {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "director" in sheet.cell(row=1, column=1).value
    assert sheet.cell(row=3, column=2).value == "谭小花"
    assert AuditEvent.objects.filter(action="export", object_type="prevention.ledgerentry").exists()

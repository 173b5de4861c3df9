"""Demo victim work in 渝中区: two institutions, a rescued girl of unknown identity in
care with services under way, and an adult victim with training and legal aid."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from homeward.core.models import Agency, Division, User
from homeward.people.services import person_create
from homeward.victims import services
from homeward.victims.models import Institution, Victim

DISTRICT = "500103"


@transaction.atomic
def seed_victims() -> int:
    if Victim.objects.exists():
        return 0
    division = Division.objects.get(code=DISTRICT)
    civil_affairs = Agency.objects.get(code=f"{DISTRICT}-civil_affairs")
    welfare = Institution.objects.create(
        name="渝中区儿童福利院（演示）",
        kind=Institution.Kind.CHILD_WELFARE,
        division=division,
        operating_agency=civil_affairs,
        capacity=30,
    )
    Institution.objects.create(
        name="渝中区救助管理站（演示）",
        kind=Institution.Kind.RESCUE_MANAGEMENT,
        division=division,
        operating_agency=civil_affairs,
        capacity=60,
    )
    police = User.objects.get(username="demo.investigator")
    caseworker = User.objects.filter(agency=civil_affairs, is_active=True).first()
    if caseworker is None:
        caseworker = User.objects.create(
            username="demo.registrar.victims",
            full_name=civil_affairs.name_zh,
            agency=civil_affairs,
            is_demo=True,
            is_active=False,
        )
    girl = services.victim_register(
        actor=police,
        person=person_create(actor=police, full_name="无名氏（演示女童）", sex="female"),
        identity_status="unknown",
        age_at_rescue=6,
        origin="chongqing",
        rescued_at=timezone.now() - timedelta(days=80),
        how_rescued="演示数据：在长途汽车站从犯罪嫌疑人手中解救。",
        division=division,
    )
    placement = services.placement_propose(actor=caseworker, victim=girl, institution=welfare)
    placement = services.placement_decide(actor=caseworker, placement=placement, accept=True)
    Victim.objects.filter(pk=girl.pk).update(admitted_at=timezone.localdate() - timedelta(days=80))
    for kind, days in (("medical", 3), ("counselling", 10), ("family_search", 30)):
        services.service_refer(
            actor=caseworker,
            victim=girl,
            kind=kind,
            due_on=timezone.localdate() + timedelta(days=days),
            placement=placement,
        )
    services.plan_goal_add(actor=caseworker, victim=girl, goal="查明身份，帮助寻亲团聚")
    adult = services.victim_register(
        actor=police,
        person=person_create(actor=police, full_name="刘某（演示）", sex="female"),
        identity_status="identified",
        age_at_rescue=19,
        origin="chongqing",
        rescued_at=timezone.now() - timedelta(days=20),
        how_rescued="演示数据：从娱乐场所解救。",
        division=division,
    )
    services.service_refer(
        actor=caseworker,
        victim=adult,
        kind="vocational",
        due_on=timezone.localdate() + timedelta(days=14),
    )
    services.legal_aid_apply(
        actor=caseworker, victim=adult, matter="演示数据：申请刑事附带民事赔偿。"
    )
    return 2

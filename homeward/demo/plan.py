"""Demo plan work: 渝中区民政局's plan of the year with a task whose figure the
platform computes, and a meeting of 万州区's joint conference."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from homeward.coordination import services
from homeward.coordination.models import Duty, Meeting, UnitPlan
from homeward.core.models import User


@transaction.atomic
def seed_plan() -> int:
    if UnitPlan.objects.exists():
        return 0
    year = timezone.localdate().year
    welfare = User.objects.get(username="demo.welfare")
    duty = Duty.objects.filter(agency__kind="civil_affairs").select_related("measure").first()
    if duty is None:
        return 0
    plan = services.unit_plan_get_or_create(actor=welfare, year=year)
    task = services.plan_task_add(
        actor=welfare,
        plan=plan,
        measure=duty.measure,
        title="被拐卖受害人救助安置和帮扶",
        owner="社会救助科",
        indicator="victims_placed",
        deadline=date(year, 12, 31),
    )
    services.progress_record(
        actor=welfare,
        task=task,
        recorded_on=timezone.localdate(),
        text="儿童福利院接收安置被解救儿童，落实医疗和心理服务。",
    )
    coordinator = User.objects.get(username="demo.coordinator")
    if not Meeting.objects.filter(agency=coordinator.agency).exists():
        services.meeting_record(
            actor=coordinator,
            held_on=timezone.localdate(),
            title="万州区反拐联席会议全体会议（演示）",
            minutes="通报上半年工作，部署下半年重点任务。",
            decisions="各成员单位12月15日前报送年度工作总结。",
        )
    return 1

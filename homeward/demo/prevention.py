"""Demo prevention work in 石柱县: a child director's village ledger with visits (one
overdue, one concern sent to the police), a school's dropout file, a street child found at
the station with a DNA check requested."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from homeward.core.models import Division, Township, User
from homeward.people.services import person_create
from homeward.prevention import services
from homeward.prevention.models import Category, LedgerEntry, School, WorkArea

COUNTY = "500240"

CHILDREN = (
    (
        "谭小花",
        "female",
        9,
        Category.LEFT_BEHIND_CHILD,
        "high",
        "父母均在广东省东莞市务工",
        "祖母（72岁）",
    ),
    (
        "冉浩宇",
        "male",
        7,
        Category.LEFT_BEHIND_CHILD,
        "medium",
        "父亲在浙江宁波务工，母亲离家",
        "祖父母",
    ),
    ("马欣怡", "female", 14, Category.CHILD_IN_DIFFICULTY, "high", "父亲服刑，母亲重病", "姑姑"),
    ("向丽", "female", 35, Category.LEFT_BEHIND_WOMAN, "low", "丈夫在新疆务工", ""),
)


@transaction.atomic
def seed_prevention() -> int:
    """Returns the number of ledger entries created (0 when the ledger exists)."""
    if LedgerEntry.objects.exists():
        return 0
    county = Division.objects.get(code=COUNTY)
    town = Township.objects.filter(division=county, type="town").order_by("code").first()
    if town is None:
        return 0
    director = User.objects.get(username="demo.director")
    teacher = User.objects.get(username="demo.teacher")
    WorkArea.objects.get_or_create(user=director, defaults={"township": town, "post": "儿童主任"})
    school, _ = School.objects.get_or_create(
        name="石柱县民族中学", division=county, defaults={"township": town}
    )
    WorkArea.objects.get_or_create(user=teacher, defaults={"school": school, "post": "班主任"})
    today = timezone.localdate()
    created = 0
    for name, sex, age, category, risk, whereabouts, carer in CHILDREN:
        person = person_create(
            actor=director,
            full_name=name,
            sex=sex,
            date_of_birth=today.replace(year=today.year - age, day=min(today.day, 28)),
        )
        entry = services.ledger_entry_create(
            actor=director,
            person=person,
            category=category,
            township=town,
            responsible_worker=director,
            risk_level=risk,
            village="龙河村",
            guardian_whereabouts=whereabouts,
            carer=carer,
        )
        created += 1
        if name == "冉浩宇":
            continue  # never visited: overdue on the map after the sweep
        services.visit_record(
            actor=director,
            entry=entry,
            visited_on=today - timedelta(days=3),
            kind="home",
            observations="生活基本正常，学习成绩一般。",
            concern=(
                "孩子反映网上有人以“介绍工作”为由约她单独见面，请核查。" if name == "马欣怡" else ""
            ),
        )
    LedgerEntry.objects.filter(person__full_name="冉浩宇").update(
        next_visit_due=today - timedelta(days=5), overdue=True
    )
    student = person_create(actor=teacher, full_name="秦小军", sex="male")
    file = services.dropout_open(
        actor=teacher,
        person=student,
        school=school,
        grade="初二",
        left_on=today - timedelta(days=4),
        reason="work",
    )
    services.dropout_action_add(
        actor=teacher,
        file=file,
        taken_on=today - timedelta(days=2),
        action="电话联系家长：孩子随亲戚去外地，家长答应劝返。",
        contact_made=True,
    )
    return created

"""Synthetic clues and a case for the demo, submitted through the same services a
member of the public, a teacher and the police would use."""

from __future__ import annotations

import uuid

from homeward.cases.services import case_open
from homeward.core.models import Division, User
from homeward.tips.models import Tip
from homeward.tips.services import mandatory_report_submit, tip_submit, tip_transition

CLUES = (
    (
        "500103",
        "child_selling",
        "有人在菜园坝火车站附近出价八万元出售一名约一岁的男婴，称孩子是“亲戚家的”。",
    ),
    (
        "500101",
        "forced_begging",
        "万达广场附近连续几天有两名约七八岁的孩子乞讨，旁边一名成年男子一直盯着并收钱。",
    ),
    (
        "500240",
        "forced_labour",
        "某砖厂有几名说外地口音的年轻人，干活时间很长，被限制外出，手机被收走。",
    ),
    ("500103", "online", "某社交群里有人发帖“送养”新生儿，要求付“营养费”，留了私信联系方式。"),
    (
        "500233",
        "trafficking",
        "邻村一名年轻女子说不清自己从哪里来，家人不让她单独出门，也不让她和外人说话。",
    ),
)


def seed_casework() -> int:
    """Five public clues, one mandatory report, and a case opened from a clue."""
    if Tip.objects.exists():
        return 0
    submitted = []
    for code, category, narrative in CLUES:
        submitted.append(
            tip_submit(
                channel=Tip.Channel.PUBLIC,
                category=category,
                narrative=narrative,
                division=Division.objects.get(code=code),
                idempotency_key=uuid.uuid4().hex,
            ).tip
        )
    teacher = User.objects.get(username="demo.education")
    mandatory_report_submit(
        actor=teacher,
        institution_name="万州区第二实验小学",
        institution_kind="school",
        reporter_role="班主任",
        idempotency_key=uuid.uuid4().hex,
        category="trafficking",
        narrative="五年级学生已连续四天未到校，电话联系不上监护人，邻居说孩子被一名陌生男子带走。",
        division=Division.objects.get(code="500101"),
    )
    investigator = User.objects.get(username="demo.investigator")
    head = User.objects.get(username="demo.head")
    tip = submitted[0]
    tip = tip_transition(actor=investigator, tip=tip, to="triaged", version=tip.version, priority=3)
    tip = tip_transition(
        actor=investigator, tip=tip, to="assigned", version=tip.version, assigned_to=investigator
    )
    tip = tip_transition(actor=investigator, tip=tip, to="verifying", version=tip.version)
    tip = tip_transition(
        actor=investigator,
        tip=tip,
        to="substantiated",
        version=tip.version,
        note="经查属实，已立案侦查",
    )
    case_open(
        actor=investigator,
        title="菜园坝火车站出售男婴案",
        crimes=["art240"],
        source="clue",
        source_reference=tip.pk,
        priority="highest",
        leader=head,
        members=[investigator],
    )
    return len(submitted) + 1

"""Issue 5, end to end through the pages and the API: a member of the public reports a
clue from a phone and checks it later; a teacher files a mandatory report; the district
police triage both, turn one into a case with a qualified leader and cannot close it
unsolved; the municipal office lists it for supervision; a reward is approved and paid.
Outsiders are denied at every step."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from homeward.cases.models import Case
from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.tips.models import Reward, Tip

pytestmark = pytest.mark.django_db


def _key(client: Client, path: str) -> str:
    found = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', client.get(path).content)
    assert found is not None
    return found.group(1).decode()


def _step(client: Client, tip: Tip, to: str, **extra: object) -> None:
    tip.refresh_from_db()
    response = client.post(f"/tips/{tip.pk}/", {"to": to, "version": tip.version, **extra})
    assert response.status_code == 302, response.content[:3000]


def test_from_an_anonymous_clue_to_a_supervised_case_and_a_paid_reward(
    owner: User,
    outsider: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    cache.clear()
    yuzhong = Division.objects.get(code="500103")
    # 1. A member of the public, on a phone, reports anonymously.
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)")
    received = phone.post(
        "/public/report/",
        {
            "category": "child_selling",
            "narrative": "有人在菜园坝火车站附近出价八万元出售一名男婴。",
            "division": yuzhong.pk,
            "idempotency_key": _key(phone, "/public/report/"),
        },
    ).content.decode()
    code, secret = re.findall(r'<span class="secret">([A-Z2-7]+)</span>', received)
    public_tip = Tip.objects.get(tracking_code=code)
    # 2. A teacher files a mandatory report.
    teacher = make_user(
        roles=[Role.EDUCATION_OFFICER], agency_code="500103-education", username="teacher9"
    )
    teacher_client = client_for(teacher)
    assert (
        teacher_client.post(
            "/tips/mandatory/new/",
            {
                "institution_name": "渝中区实验小学",
                "institution_kind": "school",
                "reporter_role": "班主任",
                "category": "trafficking",
                "narrative": "学生连续三天未到校，家长称孩子被亲戚带走，电话无法接通。",
                "division": yuzhong.pk,
                "idempotency_key": _key(teacher_client, "/tips/mandatory/new/"),
            },
        ).status_code
        == 302
    )
    mandatory_tip = Tip.objects.get(channel="mandatory")
    # 3. The district police triage both; the outsider from 万州 sees neither.
    police = client_for(owner)
    queue = police.get("/tips/").content.decode()
    assert queue.index(mandatory_tip.tracking_code) < queue.index(public_tip.tracking_code)
    outsider_client = client_for(outsider)
    assert outsider_client.get(f"/tips/{public_tip.pk}/").status_code == 404
    _step(police, mandatory_tip, "triaged")
    _step(police, mandatory_tip, "unsubstantiated", note="学生随父母外出，已联系上")
    assert "学生随父母外出" in teacher_client.get("/tips/mandatory/").content.decode()
    _step(police, public_tip, "triaged")
    _step(police, public_tip, "assigned", assigned_to=owner.pk)
    _step(police, public_tip, "verifying")
    _step(police, public_tip, "substantiated", note="查证属实")
    # 4. The clue becomes a case; an ordinary officer cannot lead it, the bureau head can.
    form = {
        "title": "菜园坝出售男婴案",
        "crimes": ["art240"],
        "source": "clue",
        "source_reference": public_tip.pk,
        "priority": "highest",
    }
    refused = police.post("/cases/new/", {**form, "leader": owner.pk})
    assert refused.status_code == 200 and not Case.objects.exists()
    head = make_user(
        roles=[Role.INVESTIGATOR],
        agency_code="500103-public_security",
        username="head7",
        leader_post="head",
    )
    assert police.post("/cases/new/", {**form, "leader": head.pk}).status_code == 302
    case = Case.objects.get()
    # 5. It cannot be closed unsolved.
    closing = police.post(
        f"/cases/{case.pk}/status/",
        {"version": case.version, "to_status": "closed", "note": "结案"},
    )
    case.refresh_from_db()
    assert closing.status_code == 200 and case.status == "opened"
    assert outsider_client.get(f"/cases/{case.pk}/").status_code == 404
    assert f'href="/tips/{public_tip.pk}/"' in police.get(f"/cases/{case.pk}/").content.decode()
    # 6. The municipal joint-conference office lists it for supervision.
    office = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER],
        agency_code="cq-joint_conference_office",
        username="office1",
    )
    office_client = client_for(office)
    listed = office_client.post(
        f"/cases/supervision/new/?number={case.number}",
        {
            "level": "municipal",
            "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "requirements": "30日内报告进展",
        },
    )
    assert listed.status_code == 302, listed.content[:2000]
    assert case.supervision_listings.count() == 1
    # 7. A reward is applied for, approved by the unit and the municipal bureau, and paid.
    assert (
        police.post(
            f"/tips/{public_tip.pk}/reward/", {"amount": "10000", "grounds": "线索促成立案侦查"}
        ).status_code
        == 302
    )
    reward = Reward.objects.get()
    colleague = make_user(
        roles=[Role.INVESTIGATOR], agency_code="500103-public_security", username="col7"
    )
    assert (
        client_for(colleague)
        .post(f"/tips/{public_tip.pk}/reward/", {"to": "unit_approved"})
        .status_code
        == 302
    )
    city = make_user(roles=[Role.INVESTIGATOR], agency_code="cq-public_security", username="city7")
    assert (
        client_for(city)
        .post(f"/tips/{public_tip.pk}/reward/", {"to": "municipal_approved"})
        .status_code
        == 302
    )
    assert (
        outsider_client.post(f"/tips/{public_tip.pk}/reward/", {"to": "rejected"}).status_code
        == 404
    )
    police.post(
        f"/tips/{public_tip.pk}/reward/",
        {"to": "paid", "tracking_code": code, "secret": secret, "payment_reference": "财-2026-7"},
    )
    reward.refresh_from_db()
    assert reward.status == "paid"
    # 8. The reporter checks the status later: examined, nothing else.
    status = (
        Client()
        .post("/public/report/status/", {"tracking_code": code, "secret": secret})
        .content.decode()
    )
    assert 'role="status"' in status and "菜园坝" not in status

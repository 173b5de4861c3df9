"""Clues: anonymous public reports with a tracking code, mandatory reports, triage,
SLA flags and related-clue suggestions (issue 5); anonymity and throttling (DP-08)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, Division, User
from homeward.core.roles import Role
from homeward.core.tick import tick
from homeward.tips.models import Tip
from homeward.tips.services import Submission, tip_submit, tip_transition

pytestmark = pytest.mark.django_db

NARRATIVE = "有人在车站附近出价八万元出售一名男婴，联系电话13912345678，车牌渝A12345。"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _public_tip(
    idempotency_key: str, *, category: str, division_code: str = "500103", priority: int = 1
) -> Submission:
    """A clue from the public website, submitted through the service."""
    return tip_submit(
        channel="public",
        category=category,
        narrative=NARRATIVE,
        division=Division.objects.get(code=division_code),
        idempotency_key=idempotency_key,
        priority=priority,
    )


def _submit(client: Client, **overrides: object) -> object:
    page = client.get("/public/report/")
    key = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', page.content)
    assert key is not None
    data = {
        "category": "child_selling",
        "narrative": NARRATIVE,
        "division": Division.objects.get(code="500103").pk,
        "address": "菜园坝火车站",
        "idempotency_key": key.group(1).decode(),
    }
    data.update(overrides)
    return client.post(
        "/public/report/", data, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="CanaryBrowser/9.9"
    )


def test_an_anonymous_reporter_gets_a_code_and_checks_the_status_later() -> None:
    # given a member of the public on a phone
    client = Client()
    # when they report a clue
    response = _submit(client)
    html = response.content.decode()
    code = re.search(r'<span class="secret">(HJ[A-Z2-7]+)</span>', html)
    secret = re.findall(r'<span class="secret">([A-Z2-7]+)</span>', html)
    assert response.status_code == 200 and code and len(secret) == 2
    tip = Tip.objects.get(tracking_code=code.group(1))
    assert tip.owning_agency.code == "500103-public_security"
    # then the status page tells them the stage, nothing else
    status = Client().post(
        "/public/report/status/", {"tracking_code": code.group(1), "secret": secret[1]}
    )
    assert status.status_code == 200
    assert "13912345678" not in status.content.decode() and "菜园坝" not in status.content.decode()
    wrong = Client().post(
        "/public/report/status/", {"tracking_code": code.group(1), "secret": "WRONGSECRET"}
    )
    assert b'role="status"' not in wrong.content


def test_the_clue_row_keeps_no_address_agent_or_exact_time_and_encrypts_the_text() -> None:
    with time_machine.travel(timezone.now().replace(minute=37, second=12), tick=False):
        _submit(Client())
    tip = Tip.objects.get()
    assert tip.received_hour.minute == 0 and tip.received_hour.second == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_tip")
        row = " ".join(str(value) for value in cursor.fetchone())
        cursor.execute("SELECT * FROM tips_tipidentifier")
        identifiers = " ".join(str(v) for r in cursor.fetchall() for v in r)
    for canary in ("203.0.113.7", "CanaryBrowser", "13912345678", "渝A12345", "八万元"):
        assert canary not in row and canary not in identifiers
    # The audit event of an anonymous clue names no user and keeps no address either.
    received = AuditEvent.objects.get(action="tip_received")
    assert received.actor is None and received.source_ip is None


def test_an_anonymous_clue_keeps_no_exact_time_in_its_event_deadline_or_audit() -> None:
    # given a reporter who sends a clue at 14:37:12.345678
    moment = timezone.now().replace(minute=37, second=12, microsecond=345678)
    with time_machine.travel(moment, tick=False):
        _submit(Client())
    tip = Tip.objects.get()
    hour = moment.replace(minute=0, second=0, microsecond=0)
    # then the received event, the triage deadline and the audit event keep the hour only
    assert tip.events.get(kind="received").at == hour
    assert tip.sla_due_at == hour + timedelta(hours=72)
    assert AuditEvent.objects.get(action="tip_received").created_at == hour
    # and no datetime column of the clue, its events or its audit row holds the minute
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_tipevent")
        rows = [str(v) for r in cursor.fetchall() for v in r]
    assert not any(":37:12" in value for value in rows)
    from homeward.core.audit import audit_verify

    assert audit_verify() == []


def test_a_mandatory_report_names_its_reporter_and_keeps_exact_times(
    make_user: Callable[..., User],
) -> None:
    from homeward.tips.services import mandatory_report_submit

    teacher = make_user(
        roles=[Role.EDUCATION_OFFICER], agency_code="500101-education", username="teacher"
    )
    moment = timezone.now().replace(minute=37, second=12)
    with time_machine.travel(moment, tick=False):
        submission = mandatory_report_submit(
            actor=teacher,
            institution_name="万州区第一中学",
            institution_kind="school",
            reporter_role="班主任",
            idempotency_key="m" * 12,
            category="missing_child",
            narrative=NARRATIVE,
            division=Division.objects.get(code="500101"),
        )
    assert submission.tip.events.get(kind="received").at.minute == 37


def test_a_retried_submission_is_stored_once_with_the_same_answer() -> None:
    division = Division.objects.get(code="500101")
    first = tip_submit(
        channel="public",
        category="trafficking",
        narrative=NARRATIVE,
        division=division,
        idempotency_key="k" * 20,
    )
    again = tip_submit(
        channel="public",
        category="trafficking",
        narrative=NARRATIVE,
        division=division,
        idempotency_key="k" * 20,
    )
    assert Tip.objects.count() == 1
    assert (again.tip.pk, again.secret, again.created) == (first.tip.pk, first.secret, False)


def test_the_reporter_secret_is_random_not_derived_from_the_idempotency_key() -> None:
    division = Division.objects.get(code="500101")
    first = tip_submit(
        channel="public",
        category="trafficking",
        narrative=NARRATIVE,
        division=division,
        idempotency_key="same-key-on-two-servers",
    )
    Tip.objects.all().delete()
    # the same key on a fresh database (or another server) makes a different secret
    second = tip_submit(
        channel="public",
        category="trafficking",
        narrative=NARRATIVE,
        division=division,
        idempotency_key="same-key-on-two-servers",
    )
    assert first.secret != second.secret and len(second.secret) == 16
    # and the row keeps neither the secret nor the raw key
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_tip")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert second.secret not in row and "same-key-on-two-servers" not in row


def test_a_replayed_key_with_another_payload_is_refused_and_reveals_nothing() -> None:
    division = Division.objects.get(code="500101")
    victim = tip_submit(
        channel="public",
        category="trafficking",
        narrative=NARRATIVE,
        division=division,
        idempotency_key="k" * 20,
    )
    with pytest.raises(DomainError) as refused:
        tip_submit(
            channel="public",
            category="other",
            narrative="攻击者的另一条线索，内容完全不同。",
            division=division,
            idempotency_key="k" * 20,
        )
    assert refused.value.code == "idempotency_key_reused" and refused.value.status == 409
    assert victim.secret not in str(refused.value) and victim.tip.tracking_code not in str(
        refused.value
    )
    assert Tip.objects.count() == 1


def test_the_api_answers_409_to_a_replayed_key_with_another_payload() -> None:
    payload = {"category": "forced_begging", "narrative": NARRATIVE, "division_code": "500240"}
    first = Client().post(
        "/api/v1/tips/",
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="replay-key-1",
    )
    replay = Client().post(
        "/api/v1/tips/",
        dict(payload, narrative="另一个人写的完全不同的线索内容。"),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="replay-key-1",
    )
    assert first.status_code == 201
    assert replay.status_code == 409 and replay.json()["code"] == "idempotency_key_reused"
    body = replay.content.decode()
    assert first.json()["secret"] not in body and first.json()["tracking_code"] not in body


def test_the_web_form_refuses_a_replayed_key_with_another_payload() -> None:
    client = Client()
    page = client.get("/public/report/")
    key = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', page.content)
    assert key is not None
    data = {
        "category": "child_selling",
        "narrative": NARRATIVE,
        "division": Division.objects.get(code="500103").pk,
        "idempotency_key": key.group(1).decode(),
    }
    first = client.post("/public/report/", data)
    replay = Client().post("/public/report/", dict(data, narrative="另一个人写的完全不同的线索。"))
    assert first.status_code == 200 and replay.status_code == 409
    code = re.search(r'<span class="secret">(HJ[A-Z2-7]+)</span>', first.content.decode())
    assert code is not None and code.group(1) not in replay.content.decode()
    # the form comes back with a fresh key, so the second reporter can send theirs
    fresh = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', replay.content)
    assert fresh is not None and fresh.group(1) != key.group(1)


def test_past_the_hourly_share_a_report_goes_through_after_a_light_challenge() -> None:
    """Issue 12: only accepted reports count, and the eleventh in an hour from one
    address is not refused but asks a small sum first."""
    client = Client()
    # Forms sent back for correction do not count towards the limit.
    for _ in range(5):
        assert b'class="errorlist"' in _submit(client, narrative="太短").content  # type: ignore[attr-defined]
    statuses = [_submit(client).status_code for _ in range(10)]  # type: ignore[attr-defined]
    assert statuses == [200] * 10 and Tip.objects.count() == 10
    # The eleventh: the report is kept on the form with a sum to answer.
    asked = _submit(client).content.decode()  # type: ignore[attr-defined]
    assert 'data-testid="report-challenge"' in asked and Tip.objects.count() == 10
    assert "菜园坝火车站" in asked  # nothing typed is lost
    token = re.search(r'name="challenge_token" value="([^"]+)"', asked)
    numbers = re.search(r"(\d+)\s*加\s*(\d+)", asked)
    assert token is not None and numbers is not None
    wrong = _submit(  # type: ignore[attr-defined]
        client, challenge_token=token.group(1), challenge_answer="99"
    ).content.decode()
    assert "challenge-error" in wrong and Tip.objects.count() == 10
    token = re.search(r'name="challenge_token" value="([^"]+)"', wrong)
    numbers = re.search(r"(\d+)\s*加\s*(\d+)", wrong)
    assert token is not None and numbers is not None
    answer = str(int(numbers.group(1)) + int(numbers.group(2)))
    sent = _submit(client, challenge_token=token.group(1), challenge_answer=answer)
    assert sent.status_code == 200 and Tip.objects.count() == 11  # type: ignore[attr-defined]
    # A solved challenge is good once.
    again = _submit(client, challenge_token=token.group(1), challenge_answer=answer)
    assert Tip.objects.count() == 11 and b"report-challenge" in again.content  # type: ignore[attr-defined]


def test_bad_input_gets_field_errors_and_stores_nothing() -> None:
    response = _submit(Client(), narrative="太短", category="nonsense")
    assert response.status_code == 200
    assert response.content.count(b'class="errorlist"') >= 2
    assert not Tip.objects.exists()


def test_the_api_takes_an_anonymous_report_and_a_retry_is_not_stored_twice() -> None:
    payload = {"category": "forced_begging", "narrative": NARRATIVE, "division_code": "500240"}
    first = Client().post(
        "/api/v1/tips/",
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc12345xyz",
    )
    second = Client().post(
        "/api/v1/tips/",
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc12345xyz",
    )
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    assert Tip.objects.count() == 1
    missing = Client().post("/api/v1/tips/", payload, content_type="application/json")
    assert missing.status_code == 422 and "Idempotency-Key" in missing.json()["fields"]
    status = Client().post(
        "/api/v1/tips/status",
        {"tracking_code": first.json()["tracking_code"], "secret": first.json()["secret"]},
        content_type="application/json",
    )
    assert status.status_code == 200 and set(status.json()) == {
        "tracking_code",
        "stage",
        "received_on",
    }


def test_a_teacher_files_a_mandatory_report_at_the_highest_priority_and_sees_the_outcome(
    make_user: Callable[..., User], owner: User, client_for: Callable[[User], Client]
) -> None:
    teacher = make_user(
        roles=[Role.EDUCATION_OFFICER], agency_code="500103-education", username="teacher1"
    )
    client = client_for(teacher)
    page = client.get("/tips/mandatory/new/")
    key = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', page.content)
    assert key is not None
    response = client.post(
        "/tips/mandatory/new/",
        {
            "institution_name": "渝中区实验小学",
            "institution_kind": "school",
            "reporter_role": "班主任",
            "category": "trafficking",
            "narrative": "学生连续三天未到校，家长称孩子被亲戚带往外省，电话无法接通。",
            "division": Division.objects.get(code="500103").pk,
            "idempotency_key": key.group(1).decode(),
        },
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.priority == Tip.Priority.HIGHEST and tip.channel == "mandatory"
    tip_transition(
        actor=owner,
        tip=tip,
        to="unsubstantiated",
        version=tip.version,
        note="已核实：学生随父母外出务工",
    )
    listing = client.get("/tips/mandatory/").content.decode()
    assert "已核实：学生随父母外出务工" in listing


def test_triage_moves_along_the_map_and_refuses_shortcuts_and_stale_versions(
    owner: User, colleague: User
) -> None:
    tip = _public_tip("x" * 12, category="trafficking").tip
    with pytest.raises(DomainError) as error:
        tip_transition(actor=owner, tip=tip, to="substantiated", version=tip.version)
    assert error.value.code == "tip_bad_transition"
    tip = tip_transition(actor=owner, tip=tip, to="triaged", version=1)
    with pytest.raises(DomainError) as stale:
        tip_transition(actor=colleague, tip=tip, to="assigned", version=1, assigned_to=colleague)
    assert stale.value.status == 409
    tip = tip_transition(
        actor=owner, tip=tip, to="assigned", version=tip.version, assigned_to=colleague
    )
    tip = tip_transition(actor=colleague, tip=tip, to="verifying", version=tip.version)
    tip = tip_transition(
        actor=colleague, tip=tip, to="substantiated", version=tip.version, note="转立案"
    )
    assert [e.kind for e in tip.events.all()] == [
        "received",
        "triaged",
        "assigned",
        "verifying",
        "substantiated",
    ]


def test_the_queue_is_ordered_by_priority_and_age_and_scoped_to_the_district(
    owner: User, outsider: User, client_for: Callable[[User], Client]
) -> None:
    normal = _public_tip("n" * 12, category="other").tip
    urgent = _public_tip("u" * 12, category="other", priority=3).tip
    html = client_for(owner).get("/tips/").content.decode()
    assert html.index(urgent.tracking_code) < html.index(normal.tracking_code)
    outsider_client = client_for(outsider)
    assert urgent.tracking_code not in outsider_client.get("/tips/").content.decode()
    assert outsider_client.get(f"/tips/{urgent.pk}/").status_code == 404


def test_an_untriaged_clue_is_flagged_overdue_once_by_the_tick() -> None:
    tip = _public_tip("o" * 12, category="other", priority=3).tip
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        first, second = tick(), tick()
    tip.refresh_from_db()
    assert tip.overdue
    assert first.results["tips.sla_overdue"] == 1 and second.results["tips.sla_overdue"] == 0


def test_related_clues_are_suggested_by_shared_phone(
    owner: User, municipal_investigator: User, client_for: Callable[[User], Client]
) -> None:
    first = _public_tip("r" * 12, category="trafficking").tip
    other = tip_submit(
        channel="public",
        category="online",
        narrative="网上有人发帖收养孩子，留的电话是13912345678，要价很高。",
        division=Division.objects.get(code="500101"),
        idempotency_key="s" * 12,
    ).tip
    # 渝中's investigator does not see 万州's clue; the municipal officer is shown the link.
    assert other.tracking_code not in client_for(owner).get(f"/tips/{first.pk}/").content.decode()
    html = client_for(municipal_investigator).get(f"/tips/{first.pk}/").content.decode()
    assert other.tracking_code in html


@pytest.mark.parametrize(
    "role,agency",
    [
        (Role.CIVIL_AFFAIRS_CASEWORKER, "500103-civil_affairs"),
        (Role.EDUCATION_OFFICER, "500103-education"),
    ],
)
def test_non_police_cannot_see_the_queue_or_a_clue(
    role: Role, agency: str, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    tip = _public_tip("p" * 12, category="other").tip
    client = client_for(make_user(roles=[role], agency_code=agency))
    assert client.get("/tips/").status_code == 403
    assert client.get(f"/tips/{tip.pk}/").status_code == 403


def _substantiated(owner: User, *, key: str) -> tuple[Tip, str]:
    submission = _public_tip(key, category="trafficking")
    tip = tip_transition(
        actor=owner, tip=submission.tip, to="triaged", version=submission.tip.version
    )
    tip = tip_transition(
        actor=owner, tip=tip, to="assigned", version=tip.version, assigned_to=owner
    )
    tip = tip_transition(actor=owner, tip=tip, to="verifying", version=tip.version)
    tip = tip_transition(actor=owner, tip=tip, to="substantiated", version=tip.version)
    return tip, submission.secret


def test_a_large_reward_needs_the_municipal_bureau_and_is_paid_against_the_secret(
    owner: User, colleague: User, municipal_investigator: User
) -> None:
    from decimal import Decimal

    from homeward.tips.rewards import reward_apply, reward_step

    tip, secret = _substantiated(owner, key="w" * 12)
    reward = reward_apply(
        actor=owner, tip=tip, amount=Decimal("20000"), grounds="线索直接促成解救两名儿童"
    )
    reward = reward_step(actor=colleague, reward=reward, to="unit_approved")
    with pytest.raises(DomainError) as district:
        reward_step(actor=colleague, reward=reward, to="municipal_approved")
    assert district.value.status == 403
    with pytest.raises(DomainError):
        reward_step(
            actor=colleague,
            reward=reward,
            to="paid",
            tracking_code=tip.tracking_code,
            secret=secret,
        )
    reward = reward_step(actor=municipal_investigator, reward=reward, to="municipal_approved")
    with pytest.raises(DomainError) as wrong:
        reward_step(
            actor=owner,
            reward=reward,
            to="paid",
            tracking_code=tip.tracking_code,
            secret="NOTTHESECRET",
        )
    assert wrong.value.code == "reward_wrong_secret"
    reward = reward_step(
        actor=owner,
        reward=reward,
        to="paid",
        tracking_code=tip.tracking_code,
        secret=secret,
        payment_reference="财-2026-118",
    )
    assert reward.status == "paid" and reward.paid_at is not None
    actions = set(
        AuditEvent.objects.filter(object_type="tips.reward").values_list("action", flat=True)
    )
    assert {
        "reward_applied",
        "reward_unit_approved",
        "reward_municipal_approved",
        "reward_paid",
        "reward_payment_refused",
    } <= actions


def test_a_small_reward_is_paid_after_the_unit_approves_and_only_for_substantiated_clues(
    owner: User,
) -> None:
    from decimal import Decimal

    from homeward.tips.rewards import reward_apply, reward_step

    open_tip = _public_tip("v" * 12, category="other").tip
    with pytest.raises(DomainError):
        reward_apply(actor=owner, tip=open_tip, amount=Decimal("500"), grounds="x")
    tip, secret = _substantiated(owner, key="y" * 12)
    reward = reward_apply(actor=owner, tip=tip, amount=Decimal("500"), grounds="线索属实")
    reward = reward_step(actor=owner, reward=reward, to="unit_approved")
    reward = reward_step(
        actor=owner, reward=reward, to="paid", tracking_code=tip.tracking_code, secret=secret
    )
    assert reward.status == "paid"


def test_a_substantiated_clue_opens_a_case_with_a_qualified_leader(
    owner: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from homeward.cases.models import Case

    head = make_user(
        roles=[Role.INVESTIGATOR],
        agency_code="500103-public_security",
        username="head1",
        leader_post="head",
    )
    tip, _secret = _substantiated(owner, key="z" * 12)
    client = client_for(owner)
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert f"/cases/new/?source=clue&amp;ref={tip.pk}" in page
    form = client.get(f"/cases/new/?source=clue&ref={tip.pk}").content.decode()
    assert f'value="{tip.pk}"' in form
    response = client.post(
        f"/cases/new/?source=clue&ref={tip.pk}",
        {
            "title": "菜园坝出售男婴案",
            "crimes": ["art240"],
            "source": "clue",
            "source_reference": tip.pk,
            "priority": "highest",
            "leader": head.pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    case = Case.objects.get(source="clue", source_reference=tip.pk)
    assert case.number.startswith("渝中-")
    assert case.number in client.get(f"/tips/{tip.pk}/").content.decode()
    # The case names its clue by the tracking code people quote, not a database id.
    page = client.get(f"/cases/{case.pk}/").content.decode()
    source = page[page.index('data-testid="case-source"') :]
    assert source[: source.index("</a>")].endswith(tip.tracking_code)


def test_a_substantiated_clue_joins_an_existing_case(
    owner: User,
    outsider: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    from homeward.cases.services import case_open

    head = make_user(
        roles=[Role.INVESTIGATOR],
        agency_code="500103-public_security",
        username="head3",
        leader_post="head",
    )
    case = case_open(actor=owner, title="已立案件", crimes=["art240"], source="other", leader=head)
    tip, _secret = _substantiated(owner, key="j" * 12)
    client = client_for(owner)
    assert client.post(f"/tips/{tip.pk}/join/", {"case_number": case.number}).status_code == 302
    tip.refresh_from_db()
    assert tip.joined_case == case
    assert case.number in client.get(f"/tips/{tip.pk}/").content.decode()
    other, _ = _substantiated(owner, key="q" * 12)
    client_for(outsider).post(f"/tips/{other.pk}/join/", {"case_number": case.number})
    other.refresh_from_db()
    assert other.joined_case is None

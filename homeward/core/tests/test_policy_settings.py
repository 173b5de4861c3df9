"""Policy in the database with the settings as defaults (issue 13): the radius schedule
and the legal-aid deadlines are changed by the municipal administrator on a page,
audited, refused with a reason when malformed, and used by the services at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from homeward.alerts.services import radius_schedule
from homeward.core.errors import ActorError, DomainError
from homeward.core.models import AuditEvent, PolicySetting, User
from homeward.core.policy import policy_setting_save, policy_value
from homeward.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_fresh_installation_follows_its_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALERT_RADIUS_SCHEDULE = "0:50,30:150"
    settings.VICTIMS_LEGAL_AID_SLA_DAYS = {"review": 2, "assign": 3, "handle": 20}
    assert radius_schedule().format() == "0:50,30:150"
    assert policy_value("legal_aid_sla_days") == {"review": 2, "assign": 3, "handle": 20}


def test_the_administrator_changes_the_radius_schedule_on_the_page(
    sysadmin: User, sysadmin_client: Client
) -> None:
    listing = sysadmin_client.get("/reference/policy/").content.decode()
    assert "0:100,60:200,120:300,180:500" in listing and "审查:1,指派:2,办理:30" in listing
    from homeward.testing.language import assert_no_english

    assert_no_english(listing, where="/reference/policy/")
    for key in ("alert_radius_schedule", "legal_aid_sla_days", "victims_follow_up_days"):
        page = sysadmin_client.get(f"/reference/policy/{key}/").content.decode()
        assert_no_english(page, where=key)
    # a malformed schedule is refused with the reason, nothing saved
    bad = sysadmin_client.post("/reference/policy/alert_radius_schedule/", {"value": "0:100,60:50"})
    assert bad.status_code == 200 and "value" in bad.context["form"].errors
    assert not PolicySetting.objects.exists()
    # when
    response = sysadmin_client.post(
        "/reference/policy/alert_radius_schedule/", {"value": "0:80,45:160,90:320"}
    )
    # then new alerts take it
    assert response.status_code == 302
    assert radius_schedule().format() == "0:80,45:160,90:320"
    event = AuditEvent.objects.get(action="policy_setting_save")
    assert event.detail["before"] == "0:100,60:200,120:300,180:500"
    # and an empty value returns to the default
    sysadmin_client.post("/reference/policy/alert_radius_schedule/", {"value": ""})
    assert radius_schedule().format() == "0:100,60:200,120:300,180:500"


def test_the_legal_aid_deadlines_need_every_step(sysadmin: User) -> None:
    with pytest.raises(ValidationError):
        policy_setting_save(actor=sysadmin, key="legal_aid_sla_days", value="review:1,assign:2")
    policy_setting_save(
        actor=sysadmin, key="legal_aid_sla_days", value="review:2,assign:2,handle:15"
    )
    assert policy_value("legal_aid_sla_days")["handle"] == 15


def test_only_a_municipal_administrator_sets_policy(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    district_admin = make_user(
        roles=[Role.SYSTEM_ADMIN], agency_code="500103-civil_affairs", username="d.admin"
    )
    with pytest.raises(DomainError) as refused:
        policy_setting_save(actor=district_admin, key="alert_radius_schedule", value="0:10")
    assert refused.value.code == ActorError.OUT_OF_AREA
    commander = make_user(roles=[Role.ALERT_COMMANDER], username="cmd")
    with pytest.raises(DomainError) as refused:
        policy_setting_save(actor=commander, key="alert_radius_schedule", value="0:10")
    assert refused.value.code == ActorError.MISSING_PERMISSION
    assert client_for(commander).get("/reference/policy/").status_code == 403
    assert not PolicySetting.objects.exists()

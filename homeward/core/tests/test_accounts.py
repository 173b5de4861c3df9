"""Accounts and roles: 三权分立, no self-granted roles, police-only roles (issue 2 §8)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from homeward.core.errors import AccountError, DomainError
from homeward.core.models import AuditEvent, RoleAssignment, User
from homeward.core.roles import ROLE_PERMISSIONS, Role
from homeward.core.services.accounts import role_request_decide, user_create, user_set_roles
from homeward.core.stepup import stepped_up
from homeward.testing.factories import agency

pytestmark = pytest.mark.django_db

STRONG = "Vd8#kq2Lm!xZ7p"


def test_every_role_is_a_group_with_exactly_its_permissions() -> None:
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=str(role))
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(perms), role


@pytest.mark.parametrize(
    "pair",
    [
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        (Role.SYSTEM_ADMIN, Role.AUDITOR),
        (Role.SECURITY_ADMIN, Role.AUDITOR),
    ],
)
def test_no_user_holds_two_administrator_roles(pair: tuple[str, str]) -> None:
    with pytest.raises(DomainError) as error:
        user_create(
            actor=None,
            username="x",
            full_name="x",
            agency=agency("cq-big_data"),
            password=STRONG,
            roles=list(pair),
        )
    assert error.value.code == AccountError.SEPARATION_OF_DUTIES
    assert not User.objects.filter(username="x").exists()


def test_the_database_also_refuses_a_second_administrator_role(
    make_user: Callable[..., User],
) -> None:
    user = make_user(roles=[Role.AUDITOR], agency_code="cq-big_data")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, group=Group.objects.get(name=Role.SYSTEM_ADMIN), role=Role.SYSTEM_ADMIN
        )


def test_nobody_changes_their_own_roles_and_the_attempt_is_audited(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data")
    with pytest.raises(DomainError) as error:
        user_set_roles(actor=admin, user=admin, roles=[Role.SYSTEM_ADMIN, Role.ANALYST])
    assert error.value.code == AccountError.SELF_ROLE_CHANGE
    assert AuditEvent.objects.filter(action="role_change", outcome="denied").count() == 1
    assert admin.role_assignments.count() == 1


def test_the_database_refuses_a_self_granted_role(make_user: Callable[..., User]) -> None:
    user = make_user(roles=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user,
            group=Group.objects.get(name=Role.ANALYST),
            role=Role.ANALYST,
            granted_by=user,
        )


def test_a_role_asked_for_by_the_system_administrator_is_granted_by_the_security_administrator(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data")
    security = make_user(roles=[Role.SECURITY_ADMIN], agency_code="cq-big_data")
    worker = make_user(roles=[Role.ANALYST], agency_code="cq-political_legal")
    # (outside a request: the caller states it is trusted with the step-up, AUTH-08)
    with stepped_up():
        request = user_set_roles(actor=admin, user=worker, roles=[Role.JOINT_CONFERENCE_OFFICER])
    assert request is not None
    assert set(worker.role_assignments.values_list("role", flat=True)) == {Role.ANALYST}
    with pytest.raises(DomainError) as refused, stepped_up():
        role_request_decide(actor=admin, request=request, approve=True)
    assert refused.value.code == "missing_permission"
    with stepped_up():
        role_request_decide(actor=security, request=request, approve=True)
    assert set(worker.role_assignments.values_list("role", flat=True)) == {
        Role.JOINT_CONFERENCE_OFFICER
    }
    event = AuditEvent.objects.get(action="role_change", outcome="success")
    assert event.detail == {"before": ["analyst"], "after": ["joint_conference_officer"]}
    assert event.actor == security


def test_an_administrator_created_account_has_no_password_and_no_role(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data")
    user = user_create(
        actor=admin,
        username="dna.new",
        full_name="x",
        agency=agency("cq-public_security"),
        password=STRONG,
        roles=[Role.DNA_ANALYST],
    )
    # a password the administrator chose is ignored: only the user sets one
    assert not user.check_password(STRONG) and not user.has_usable_password()
    assert user.role_codes == frozenset()


def test_police_roles_are_only_for_public_security_agencies() -> None:
    with pytest.raises(DomainError) as error:
        user_create(
            actor=None,
            username="dna-at-hospital",
            full_name="x",
            agency=agency("cq-health"),
            password=STRONG,
            roles=[Role.DNA_ANALYST],
        )
    assert error.value.code == AccountError.AGENCY_REQUIRED


def test_user_create_validates_the_password_and_audits() -> None:
    user = user_create(
        actor=None,
        username="liu.fang",
        full_name="刘芳",
        agency=agency("500101-civil_affairs"),
        password=STRONG,
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
    )
    assert user.check_password(STRONG)
    assert AuditEvent.objects.filter(action="user_create", object_id=str(user.pk)).exists()

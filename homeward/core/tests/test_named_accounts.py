"""AUTH-01: `manage.py check` (tag security) refuses default or shared account names
and superusers in daily use."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.checks import run_checks

from homeward.core.models import User

pytestmark = pytest.mark.django_db


def _security_errors() -> set[str]:
    return {m.id or "" for m in run_checks(tags=["security"], include_deployment_checks=True)}


def test_a_default_account_name_and_a_superuser_fail_the_check(
    make_user: Callable[..., User],
) -> None:
    make_user(roles=[], username="named.person")
    assert not {"homeward.E001", "homeward.E002"} & _security_errors()
    make_user(roles=[], username="admin")
    assert "homeward.E001" in _security_errors()
    boss = make_user(roles=[], username="boss")
    boss.is_superuser = True
    boss.save(update_fields=["is_superuser"])
    assert "homeward.E002" in _security_errors()
    # a disabled one is not in daily use
    User.objects.filter(username__in=["admin", "boss"]).update(is_active=False)
    assert not {"homeward.E001", "homeward.E002"} & _security_errors()

"""The administrators' pages name accounts by their login names, which are Latin letters:
each is marked as no language (lang="zxx"), so a Chinese page reads as Chinese to a
screen reader and to the language check (issue 12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.models import User
from homeward.core.roles import Role
from homeward.testing.factories import agency
from homeward.testing.language import english_on_page

pytestmark = pytest.mark.django_db


def test_a_new_account_and_its_role_request_show_the_login_name_as_no_language(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    make_user(roles=[Role.INVESTIGATOR], username="head", leader_post="head")
    sysadmin = make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data", username="sa")
    security = make_user(roles=[Role.SECURITY_ADMIN], agency_code="cq-big_data", username="so")
    issued = client_for(sysadmin).post(
        "/users/new/",
        {
            "username": "newcomer.field",
            "full_name": "熊新民",
            "agency": agency("500103-public_security").pk,
            "roles": [Role.INVESTIGATOR],
        },
    )
    assert issued.status_code == 200
    html = issued.content.decode()
    assert '<span lang="zxx">newcomer.field</span>' in html
    assert english_on_page(html) == []
    home = client_for(security).get("/security/").content.decode()
    assert '<span lang="zxx">newcomer.field</span>' in home
    assert english_on_page(home) == []

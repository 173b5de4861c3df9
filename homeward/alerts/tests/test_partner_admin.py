"""Partner platforms administered through pages (issue 13): registered with credentials
shown once, changed, paused, and given a new token that voids the old one at once."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from homeward.alerts.models import Partner
from homeward.alerts.services import partner_for_token, partner_rotate_credentials
from homeward.core.errors import ActorError, DomainError
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role

pytestmark = pytest.mark.django_db

FEED = "/api/v1/partner/alerts.atom"


def _secret_codes(html: str) -> list[str]:
    return re.findall(r'<p class="secret"><code lang="en">([^<]+)</code></p>', html)


def test_the_commander_registers_a_partner_and_rotates_its_token(
    commander: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(commander)
    # when a partner is registered
    page = client.post(
        "/alerts/partners/new/",
        {
            "code": "amap",
            "name": "高德地图",
            "webhook_url": "https://hooks.example.cn/cap",
            "active": "on",
        },
    )
    assert page.status_code == 200
    token, secret = _secret_codes(page.content.decode())
    partner = Partner.objects.get(code="amap")
    assert partner.signing_secret == secret
    assert Client().get(FEED, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    # when its credentials are rotated
    page = client.post(f"/alerts/partners/{partner.pk}/rotate/")
    new_token, new_secret = _secret_codes(page.content.decode())
    # then the old token is refused at once, the new one works
    assert Client().get(FEED, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert Client().get(FEED, HTTP_AUTHORIZATION=f"Bearer {new_token}").status_code == 200
    partner.refresh_from_db()
    assert partner.signing_secret == new_secret != secret
    assert AuditEvent.objects.filter(action="partner_token_rotate", actor=commander).exists()
    # when it is paused its token no longer opens the feed
    response = client.post(
        f"/alerts/partners/{partner.pk}/",
        {"name": "高德地图", "webhook_url": "https://hooks.example.cn/cap"},
    )
    assert response.status_code == 302
    assert partner_for_token(new_token) is None
    assert Client().get(FEED, HTTP_AUTHORIZATION=f"Bearer {new_token}").status_code == 401
    assert Partner.objects.get(pk=partner.pk).code == "amap"


def test_a_bad_webhook_is_a_field_error(
    commander: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(commander).post(
        "/alerts/partners/new/", {"code": "x1", "name": "某平台", "webhook_url": "not a url"}
    )
    assert response.status_code == 200 and "webhook_url" in response.context["form"].errors
    assert not Partner.objects.exists()


def test_an_investigator_cannot_manage_partners(
    make_user: Callable[..., User], client_for: Callable[[User], Client], commander: User
) -> None:
    investigator = make_user(roles=[Role.INVESTIGATOR], username="inv")
    client = client_for(investigator)
    assert client.get("/alerts/partners/").status_code == 403
    assert client.post("/alerts/partners/new/", {"code": "a", "name": "b"}).status_code == 403
    partner = Partner.objects.create(code="p", name="平台", signing_secret="s", token_digest="d")
    assert client.post(f"/alerts/partners/{partner.pk}/rotate/").status_code == 403
    with pytest.raises(DomainError) as refused:
        partner_rotate_credentials(actor=investigator, partner=partner)
    assert refused.value.code == ActorError.MISSING_PERMISSION
    assert Partner.objects.get(pk=partner.pk).token_digest == "d"

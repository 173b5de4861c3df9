"""The public site (issue 12): the home page leads to the missing children, and every
public page has a way back home and to the other public pages."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = (
    "/public/",
    "/public/missing-child/",
    "/public/alerts/",
    "/public/alerts/subscribe/",
    "/public/report/",
    "/public/report/status/",
)


def test_the_public_home_page_links_to_the_missing_children() -> None:
    html = Client().get("/public/").content.decode()
    card = html[html.index('data-testid="public-alerts-link"') :]
    assert 'href="/public/alerts/"' in card[: card.index("</section>")]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_way_back(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    nav = html[html.index('data-testid="public-nav"') :]
    nav = nav[: nav.index("</nav>")]
    for target in ("/public/", "/public/alerts/", "/public/report/", "/public/report/status/"):
        assert f'href="{target}"' in nav

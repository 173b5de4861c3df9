"""The commander's place picker (issue 12): a township search gives a place and an
approximate position; the district map's inverse projection turns a tap into latitude
and longitude."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.maps import PICKER_PADDING, division_geometries, place_picker
from homeward.core.models import Division, User
from homeward.geotarget import bbox, bbox_union, project_equirectangular

pytestmark = pytest.mark.django_db


def test_a_township_search_finds_the_place_and_its_districts_centre(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    results = client_for(owner).get("/places/townships/", {"q": "石柱 西沱"}).json()["results"]
    assert results and all("西沱" in r["label"] and "石柱" in r["label"] for r in results)
    shizhu = Division.objects.get(code="500240")
    assert (results[0]["lat"], results[0]["lon"]) == (
        round(shizhu.centroid_lat, 5),
        round(shizhu.centroid_lon, 5),
    )
    assert client_for(owner).get("/places/townships/", {"q": ""}).json() == {"results": []}


def test_the_search_is_for_signed_in_staff_only() -> None:
    assert Client().get("/places/townships/", {"q": "解放碑"}).status_code in (302, 403)


def test_a_tap_on_the_map_gives_back_the_position_drawn_there() -> None:
    picker = place_picker()
    a, b, c, d = (float(picker[k]) for k in "abcd")
    geometries = division_geometries()
    box = bbox_union(bbox(g) for g in geometries.values())
    inner = (640 - 2 * PICKER_PADDING, 520 - 2 * PICKER_PADDING)
    # 解放碑, and a point in 石柱县
    for lat, lon in ((29.5579, 106.5772), (30.0, 108.1)):
        x, y = project_equirectangular(lon, lat, box, *inner)
        x, y = x + PICKER_PADDING, y + PICKER_PADDING
        assert a * x + b == pytest.approx(lon, abs=1e-9)
        assert c * y + d == pytest.approx(lat, abs=1e-9)


def test_the_alert_form_carries_the_picker(make_user: Callable[..., User]) -> None:
    from homeward.core.roles import Role
    from homeward.testing.fixtures import signed_in

    commander = make_user(
        roles=[Role.ALERT_COMMANDER], agency_code="500103-public_security", leader_post="head"
    )
    html = signed_in(commander).get("/alerts/new/").content.decode()
    assert "data-place-picker" in html
    assert re.search(r'data-a="-?[0-9.e-]+"', html)
    assert html.count("data-code=") == 38

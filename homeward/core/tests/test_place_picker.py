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
    assert client_for(owner).get("/places/townships/", {"q": ""}).json()["results"] == []


def test_a_township_position_is_marked_as_its_districts_centre_in_gcj02(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    """The reference data has no township positions (townships.csv: codes and names): the
    search says the point is the district's centre, in the user's language, and that it is
    GCJ-02 like the map it is drawn on."""
    from homeward.core.models import Township

    assert not any(
        field.name in ("lat", "lon", "latitude", "longitude", "centroid_lat")
        for field in Township._meta.get_fields()
    )
    answer = client_for(owner).get("/places/townships/", {"q": "西沱"}).json()
    assert answer["datum"] == "gcj02"
    assert answer["results"]
    for result in answer["results"]:
        assert result["approximate"] is True
        assert result["position"] == "（区县中心）"
        # The label stays the place's name: it may fill the public last-seen place.
        assert "区县中心" not in result["label"]
    client = client_for(owner)
    client.cookies["django_language"] = "en"
    english = client.get("/places/townships/", {"q": "西沱"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][0]["position"] == "(district centre)"


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
    # The picker says its datum, and the script it runs sets the form's datum field.
    assert "data-place-datum-note" in html and "GCJ-02" in html
    assert "data-place-text-datum" in html
    assert 'name="datum"' in html
    assert "区县中心" in html  # the note on the township positions


def test_the_picker_script_sets_the_datum_and_marks_the_district_centre() -> None:
    """The browser walk (tests/browser/test_roles.py, the commander) runs this script;
    here, that the shipped file is the one that does it."""
    from pathlib import Path

    script = (
        Path(__file__).resolve().parents[2] / "static" / "homeward" / "js" / "app.js"
    ).read_text(encoding="utf-8")
    assert 'form.elements.datum.value = "gcj02"' in script
    assert "place.approximate" in script

"""The analysis pages: scoped per level, refused to outsiders, small counts suppressed
beyond the police, the listing form's field errors, query counts pinned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from homeward.analysis.models import Warning, WarningNotice
from homeward.analysis.rollups import rollups_refresh
from homeward.coordination.models import RegionListing
from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.tips.models import Tip

from .conftest import TODAY
from .helpers import at, clues

pytestmark = pytest.mark.django_db


def _get(client: Client, url: str) -> object:
    with time_machine.travel(TODAY):
        return client.get(url)


def test_the_office_sees_the_city_with_the_spike_on_the_map(
    office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    response = _get(client_for(office), "/analysis/?figure=clues_received&year=2026")
    assert response.status_code == 200
    html = response.content.decode()
    assert "重庆市（全市）" in html or "全市" in html
    # the 38 districts are on the map; 万州区 is outlined for its warning
    assert html.count('class="region ') >= 38
    assert "has-warning" in html and "万州区" in html
    # on the page the office sees exact counts (small counts are suppressed in exports)
    assert {r.code: r.count for r in response.context["d"].districts}["500103"] == 3


def test_a_district_sees_its_district_and_not_the_city_or_another(
    wanzhou_office: User, yuzhong_office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    client = client_for(wanzhou_office)
    own = _get(client, "/analysis/")
    assert own.status_code == 200 and "万州区" in own.content.decode()
    assert _get(client, "/analysis/?area=city").status_code == 404
    assert _get(client, "/analysis/?area=500103").status_code == 404
    assert _get(client, f"/analysis/warnings/{spike.pk}/").status_code == 200
    other = client_for(yuzhong_office)
    assert _get(other, f"/analysis/warnings/{spike.pk}/").status_code == 404
    assert spike.pk not in [
        row["warning"].pk for row in _get(other, "/analysis/warnings/").context["rows"]
    ]


def test_outsiders_are_refused(
    make_user: Callable[..., User], spike: Warning, client_for: Callable[[User], Client]
) -> None:
    anonymous = Client()
    for url in (
        "/analysis/",
        "/analysis/warnings/",
        f"/analysis/warnings/{spike.pk}/",
        "/analysis/report/",
    ):
        response = _get(anonymous, url)
        assert (
            response.status_code in (302, 403)
            and "/analysis" not in response.get("Location", "")[:9]
        )
    # a caseworker and an investigator who heads nothing see no situation figures
    caseworker = make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500101-civil_affairs"
    )
    investigator = make_user(roles=[Role.INVESTIGATOR], agency_code="500101-public_security")
    for user in (caseworker, investigator):
        client = client_for(user)
        for url in ("/analysis/", "/analysis/warnings/", f"/analysis/warnings/{spike.pk}/"):
            assert _get(client, url).status_code == 403


def test_a_police_head_sees_the_figures_of_their_district(
    make_user: Callable[..., User], spike: Warning, client_for: Callable[[User], Client]
) -> None:
    head = make_user(
        roles=[Role.INVESTIGATOR], agency_code="500103-public_security", leader_post="head"
    )
    response = _get(client_for(head), "/analysis/?figure=clues_received&year=2026")
    assert response.status_code == 200
    districts = {row.code: row.count for row in response.context["d"].districts}
    assert districts == {"500103": 3}


def test_the_warning_reaches_the_inbox_and_reading_it_clears_it(
    wanzhou_office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    client = client_for(wanzhou_office)
    home = _get(client, "/")
    assert "预警" in home.content.decode()
    _get(client, f"/analysis/warnings/{spike.pk}/")
    assert not WarningNotice.objects.filter(
        warning=spike, agency=wanzhou_office.agency, read_at__isnull=True
    ).exists()


def test_the_listing_form_gives_field_errors_and_only_the_municipal_office_lists(
    office: User, wanzhou_office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    url = f"/analysis/warnings/{spike.pk}/list/"
    with time_machine.travel(TODAY):
        refused = client_for(wanzhou_office).post(url, {"deadline": "2027-01-31", "reason": "x"})
        bad = client_for(office).post(url, {"deadline": "2026-10-01", "reason": ""})
        assert refused.status_code == 403
        assert bad.status_code == 400
        html = bad.content.decode()
        assert "请填写“挂牌督办理由”" in html and "整改时限须晚于今天" in html
        assert not RegionListing.objects.exists()
        done = client_for(office).post(
            url,
            {"deadline": "2027-01-31", "reason": "强迫劳动招工线索突增", "warning_text": "请整改"},
        )
    assert done.status_code == 302
    spike.refresh_from_db()
    assert spike.status == Warning.Status.LISTED and spike.listing.deadline == date(2027, 1, 31)


def test_the_dashboard_reads_a_fixed_number_of_queries(
    office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    client = client_for(office)
    _get(client, "/analysis/")  # warm the map's geometry cache
    with CaptureQueriesContext(connection) as first:
        _get(client, "/analysis/?year=2026")
    # more data does not add queries
    clues(Division.objects.get(code="500104"), date(2026, 5, 1), 7)
    with time_machine.travel(TODAY):
        rollups_refresh(full=True)
    with CaptureQueriesContext(connection) as second:
        _get(client, "/analysis/?year=2026")
    assert len(second) == len(first) <= 30


def test_the_warning_list_reads_a_fixed_number_of_queries(
    office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    client = client_for(office)
    with CaptureQueriesContext(connection) as queries:
        _get(client, "/analysis/warnings/")
    assert len(queries) <= 15


def test_each_role_home_shows_figures_of_its_own_work(
    office: User,
    spike: Warning,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    head = make_user(
        roles=[Role.INVESTIGATOR], agency_code="500101-public_security", leader_post="head"
    )
    with time_machine.travel(TODAY):
        office_home = client_for(office).get("/")
        police_home = client_for(head).get("/")
    office_figures = {f.label: f.value for f in office_home.context["my_figures"]}
    police_figures = {f.label: f.value for f in police_home.context["my_figures"]}
    # one warning for the spike: forced-labour clues in 万州区 (the clues' total is in it)
    assert office_figures["未处理的预警"] == "1"
    # the year's clues from the rollups equal the clue rows of 2026
    received = Tip.objects.filter(received_hour__gte=at(date(2026, 1, 1), 0)).count()
    assert office_figures["本年受理线索"] == str(received) and received > 23
    assert police_figures.get("已过督办期限的挂牌督办案件") == "0", police_figures
    assert police_figures["本年预警：平安找回 / 发布数"] == "0 / 0"
    assert 'data-testid="my-figures"' in police_home.content.decode()

"""Province flows (issue 16): victims rescued here by province of origin (their free-text
"province or nationality" normalised), children lost from here found elsewhere by the
province where they were found; on the dashboard and in the yearly report, small counts
suppressed beyond the police."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client

from homeward.analysis.early_warning import watched_figures
from homeward.analysis.models import MonthlyCount
from homeward.analysis.rollups import rollups_refresh
from homeward.core.models import Agency, Division, User
from homeward.core.roles import Role
from homeward.demo.analysis import flow_reunions, flow_victims
from homeward.reunion.models import Candidate

from .conftest import TODAY
from .helpers import at, police_of

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture
def flows(make_user: Callable[..., User]) -> Division:
    """万州区 in March 2026: 7 victims from 贵州 written three ways, 2 Vietnamese, one of
    unknown province and one from Chongqing; 6 children lost from 万州区 found in 福建, 1
    in 广东, and a search not confirmed. 渝中区: 2 victims from 四川."""
    wanzhou = Division.objects.get(code="500101")
    yuzhong = Division.objects.get(code="500103")
    actor = make_user(roles=[Role.INVESTIGATOR], agency_code="500101-public_security")
    when = at(date(2026, 3, 12))
    rows = (
        [(when, "other_province", "贵州省")] * 3
        + [(when, "other_province", "贵州遵义")] * 3
        + [(when, "other_province", " 黔 ")]
        + [(when, "foreign", "越南籍"), (when, "foreign", "Vietnam")]
        + [(when, "other_province", "")]
        + [(when, "chongqing", "")]
    )
    flow_victims(wanzhou, rows, actor=actor, police=police_of(wanzhou))
    flow_victims(
        yuzhong, [(when, "other_province", "四川")] * 2, actor=actor, police=police_of(yuzhong)
    )
    flow_reunions(
        wanzhou,
        [(when, "福建省莆田市")] * 4 + [(when, "福建")] * 2 + [(when, "广东")],
        actor=actor,
        police=police_of(wanzhou),
    )
    # a candidate not (yet) confirmed counts nowhere
    flow_reunions(wanzhou, [(when, "河南")], actor=actor, police=police_of(wanzhou))
    Candidate.objects.filter(found__found_province="河南").update(state=Candidate.State.OPEN)
    with time_machine.travel(TODAY):
        rollups_refresh(full=True)
    return wanzhou


def _cells(figure: str, division: Division) -> dict[str, int]:
    return dict(
        MonthlyCount.objects.filter(figure=figure, division=division, month=MARCH).values_list(
            "category", "count"
        )
    )


def test_the_rollup_counts_victims_by_normalised_province_of_origin(flows: Division) -> None:
    assert _cells("victims_by_province", flows) == {
        "52": 7,
        "abroad-VN": 2,
        "unknown": 1,
        "50": 1,
    }
    assert _cells("victims_by_province", Division.objects.get(code="500103")) == {"51": 2}
    # the same victims as the figure by origin: only the breakdown differs
    assert sum(_cells("victims_rescued", flows).values()) == 11


def test_the_rollup_counts_confirmed_family_searches_by_province_where_found(
    flows: Division,
) -> None:
    assert _cells("found_by_province", flows) == {"35": 6, "44": 1}


def test_the_early_warning_assesses_each_count_once() -> None:
    keys = [f.key for f in watched_figures()]
    # victims by province, age and sex count the victims rescued again
    assert "victims_rescued" in keys
    assert not {"victims_by_province", "victims_by_age", "victims_by_sex"} & set(keys)
    # the clues' categories are still watched one by one (their own series)
    assert "clues_received" in keys and "found_by_province" in keys


def test_the_dashboard_shows_both_flows_for_the_area(
    flows: Division, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    office = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="cq-joint_conference_office"
    )
    with time_machine.travel(TODAY):
        city = client_for(office).get("/analysis/?year=2026")
        wanzhou = client_for(office).get("/analysis/?year=2026&area=500101")
    assert city.status_code == 200
    data = city.context["d"]
    assert data.flows_in[0] == ("贵州", 7)
    assert ("四川", 2) in data.flows_in and ("境外·越南", 2) in data.flows_in
    assert ("不详", 1) in data.flows_in
    assert data.flows_out == [("福建", 6), ("广东", 1)]
    html = city.content.decode()
    assert 'data-testid="flows"' in html and "chart-flows-in" in html
    assert "chart-flows-out" in html
    # the district's view has its own victims only
    assert ("四川", 2) not in wanzhou.context["d"].flows_in


def test_a_district_sees_its_own_flows_only(
    flows: Division, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    yuzhong = make_user(
        roles=[Role.DISTRICT_COORDINATOR], agency_code="500103-joint_conference_office"
    )
    with time_machine.travel(TODAY):
        own = client_for(yuzhong).get("/analysis/?year=2026")
        other = client_for(yuzhong).get("/analysis/?year=2026&area=500101")
    assert own.context["d"].flows_in == [("四川", 2)]
    assert own.context["d"].flows_out == []
    assert other.status_code == 404


def _flow_rows(content: bytes) -> dict[str, list[str]]:
    from docx import Document

    for table in Document(io.BytesIO(content)).tables:
        header = [cell.text.strip() for cell in table.rows[0].cells]
        if header[0] == "省份或国家":
            return {
                row.cells[0].text.strip(): [cell.text.strip() for cell in row.cells[1:]]
                for row in table.rows[1:]
            }
    raise AssertionError("no province flow table")


def test_the_yearly_report_has_the_flows_with_small_counts_suppressed_beyond_the_police(
    flows: Division, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    office = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="cq-joint_conference_office"
    )
    head = make_user(
        roles=[Role.ALERT_COMMANDER], agency_code="500101-public_security", leader_post="head"
    )
    form = {"area": "500101", "year": "2026", "format": "docx"}
    with time_machine.travel(TODAY):
        beyond = client_for(office).post("/analysis/report/", form)
        police = client_for(head).post("/analysis/report/", form)
        pdf = client_for(office).post("/analysis/report/", {**form, "format": "pdf"})
    assert beyond.status_code == police.status_code == pdf.status_code == 200
    rows = _flow_rows(beyond.content)
    assert rows["贵州"] == ["7", "0"]
    assert rows["福建"] == ["0", "6"]
    assert rows["境外·越南"] == ["<5", "0"]
    assert rows["广东"] == ["0", "<5"]
    exact = _flow_rows(police.content)
    assert exact["境外·越南"] == ["2", "0"] and exact["广东"] == ["0", "1"]
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "省份流向" in text.replace("\n", "") and "福建" in text


def test_an_outsider_sees_no_flows(
    flows: Division, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    clerk = make_user(roles=[], agency_code="500101-civil_affairs")
    with time_machine.travel(TODAY):
        assert client_for(clerk).get("/analysis/?year=2026").status_code in (403, 404)
        assert client_for(clerk).post("/analysis/report/", {"area": "500101"}).status_code in (
            403,
            404,
        )
    assert Agency.objects.filter(code="500101-civil_affairs").exists()

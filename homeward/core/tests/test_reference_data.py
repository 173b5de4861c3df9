"""Places and agencies loaded by the data migration (issue 2 §5, §6)."""

from __future__ import annotations

import pytest

from homeward.core.models import Agency, Division, Township
from homeward.geotarget import multipolygon_from_geojson, point_in_multipolygon
from homeward.rules.units import load_rules_text, municipal_units

pytestmark = pytest.mark.django_db


def test_the_38_divisions_are_loaded_with_codes_names_and_types() -> None:
    assert Division.objects.count() == 38
    yuzhong = Division.objects.get(code="500103")
    assert (yuzhong.name_zh, yuzhong.name_en, yuzhong.type) == (
        "渝中区",
        "Yuzhong District",
        "district",
    )
    assert Division.objects.filter(type="autonomous_county").count() == 4
    assert Division.objects.filter(type="county").count() == 8
    assert Division.objects.filter(population_2020__isnull=True).count() == 4


def test_every_division_centroid_lies_in_its_own_boundary() -> None:
    for division in Division.objects.all():
        shape = multipolygon_from_geojson(division.boundary)
        assert point_in_multipolygon(division.centroid_lon, division.centroid_lat, shape), division


def test_townships_are_the_second_level() -> None:
    assert Township.objects.count() == 1031
    assert Township.objects.filter(division__code="500103").exists()
    assert set(Township.objects.values_list("division__code", flat=True).distinct()) == set(
        Division.objects.values_list("code", flat=True)
    )


def test_every_municipal_unit_named_in_the_rules_is_an_agency() -> None:
    units = municipal_units(load_rules_text())
    municipal = Agency.objects.filter(level="municipal", named_in_rules=True)
    assert set(municipal.values_list("name_zh", flat=True)) >= set(units)
    assert Agency.objects.filter(name_zh="市反拐联席会议办公室", level="municipal").exists()
    assert Agency.objects.get(code="cq-public_security").name_zh == "市公安局"


def test_every_district_has_a_joint_conference_office_and_counterpart_units() -> None:
    for division in Division.objects.all():
        kinds = set(Agency.objects.filter(division=division).values_list("kind", flat=True))
        assert {
            "joint_conference_office",
            "public_security",
            "civil_affairs",
            "education",
            "health",
            "justice",
            "human_resources",
            "womens_federation",
            "youth_league",
            "disabled_persons_federation",
        } <= kinds, division


def test_district_counterparts_are_named_and_linked_to_their_municipal_unit() -> None:
    police = Agency.objects.get(code="500101-public_security")
    assert police.name_zh == "万州区公安局"
    assert police.parent is not None and police.parent.name_zh == "市公安局"
    assert Agency.objects.get(code="500240-youth_league").name_zh == "共青团石柱土家族自治县委"
    # Units with no county-level counterpart have none.
    assert not Agency.objects.filter(level="district", kind="civil_aviation").exists()


def test_the_data_migration_loaders_are_idempotent() -> None:
    from homeward.core.reference import load_agencies, load_divisions

    before = Agency.objects.count()
    load_divisions(Division)
    load_agencies(Division, Agency)
    assert Agency.objects.count() == before
    assert Division.objects.count() == 38


def test_the_loader_reads_the_child_population_and_a_rerun_restores_it() -> None:
    from homeward.core.reference import load_divisions

    # read from divisions.csv's population_0_14_2020 (each district's census bulletin)
    assert Division.objects.get(code="500151").population_0_14_2020 == 111980
    assert Division.objects.get(code="500115").population_0_14_2020 == 89640
    # a division without a bulletin stays empty rather than estimated
    assert Division.objects.get(code="500110").population_0_14_2020 is None
    Division.objects.filter(code="500151").update(population_0_14_2020=1)
    Division.objects.filter(code="500110").update(population_0_14_2020=1)
    load_divisions(Division)
    assert Division.objects.get(code="500151").population_0_14_2020 == 111980
    assert Division.objects.get(code="500110").population_0_14_2020 is None
    assert Division.objects.filter(population_0_14_2020__isnull=False).count() == 5

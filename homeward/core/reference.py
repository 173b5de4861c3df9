"""Loading the reference data shipped in ``core/data`` and the agencies named in
the rules. Functions take model classes so data migrations can pass historical
models; every load is an idempotent upsert by code."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from homeward.rules.units import (
    JOINT_CONFERENCE_OFFICE_MUNICIPAL,
    JOINT_CONFERENCE_OFFICE_MUNICIPAL_EN,
    district_counterpart_english_name,
    district_counterpart_name,
    joint_conference_office_english_name,
    joint_conference_office_name,
    load_rules_text,
    municipal_units,
    unit_english_name,
    unit_kind,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
JOINT_CONFERENCE_KIND = "joint_conference_office"
EXPECTED_DIVISIONS = 38


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_divisions(Division: Any) -> int:
    boundaries = json.loads((DATA_DIR / "boundaries.geojson").read_text(encoding="utf-8"))
    geometry_by_code = {
        str(feature["properties"]["adcode"]): feature["geometry"]
        for feature in boundaries["features"]
    }
    rows = _read_csv("divisions.csv")
    if len(rows) != EXPECTED_DIVISIONS:
        raise ValueError(f"divisions.csv has {len(rows)} rows, expected {EXPECTED_DIVISIONS}")
    # The historical model of an early data migration may not have the later columns.
    fields = {field.name for field in Division._meta.get_fields()}
    for row in rows:
        defaults = {
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "type": row["type"],
            "centroid_lat": float(row["lat"]),
            "centroid_lon": float(row["lon"]),
            "population_2020": _count(row["population_2020"]),
            "boundary": geometry_by_code[row["code"]],
        }
        if "population_0_14_2020" in fields:
            defaults["population_0_14_2020"] = _count(row["population_0_14_2020"])
        Division.objects.update_or_create(code=row["code"], defaults=defaults)
    return len(rows)


def _count(text: str) -> int | None:
    """A population cell: a whole number, or empty where no source was found."""
    return int(text) if text.strip() else None


def load_townships(Division: Any, Township: Any) -> int:
    divisions = {division.code: division for division in Division.objects.all()}
    rows = _read_csv("townships.csv")
    existing = set(Township.objects.values_list("code", flat=True))
    Township.objects.bulk_create(
        [
            Township(
                code=row["code"],
                name_zh=row["name_zh"],
                division=divisions[row["county_code"]],
                type=row["type"],
            )
            for row in rows
            if row["code"] not in existing
        ]
    )
    return len(rows)


def load_agencies(Division: Any, Agency: Any) -> int:
    """Municipal units named in the rules, the joint-conference offices, and each
    district's counterpart of every unit that has one."""
    units = municipal_units(load_rules_text())
    count = 0
    municipal: dict[str, Any] = {}
    for unit in units:
        kind = unit_kind(unit)
        municipal[unit], _ = Agency.objects.update_or_create(
            code=f"cq-{kind}",
            defaults={
                "kind": kind,
                "level": "municipal",
                "division": None,
                "name_zh": unit,
                "name_en": unit_english_name(unit),
                "named_in_rules": True,
                "is_conference_member": True,
            },
        )
        count += 1
    office, _ = Agency.objects.update_or_create(
        code=f"cq-{JOINT_CONFERENCE_KIND}",
        defaults={
            "kind": JOINT_CONFERENCE_KIND,
            "level": "municipal",
            "division": None,
            "name_zh": JOINT_CONFERENCE_OFFICE_MUNICIPAL,
            "name_en": JOINT_CONFERENCE_OFFICE_MUNICIPAL_EN,
            "named_in_rules": True,
        },
    )
    count += 1
    for division in Division.objects.all():
        Agency.objects.update_or_create(
            code=f"{division.code}-{JOINT_CONFERENCE_KIND}",
            defaults={
                "kind": JOINT_CONFERENCE_KIND,
                "level": "district",
                "division": division,
                "name_zh": joint_conference_office_name(division.name_zh),
                "name_en": joint_conference_office_english_name(division.name_en),
                "parent": office,
            },
        )
        count += 1
        for unit in units:
            name_zh = district_counterpart_name(unit, division.name_zh)
            if name_zh is None:
                continue
            name_en = district_counterpart_english_name(unit, division.name_en) or name_zh
            kind = unit_kind(unit)
            Agency.objects.update_or_create(
                code=f"{division.code}-{kind}",
                defaults={
                    "kind": kind,
                    "level": "district",
                    "division": division,
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "parent": municipal[unit],
                },
            )
            count += 1
    return count

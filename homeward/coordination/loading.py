"""Loading the measures parsed from the rules text (homeward.rules.measures) into the
database, resolving every unit to an agency of the foundation. A unit that cannot be
resolved stops the load: it is an error, not a silent skip."""

from __future__ import annotations

from typing import Any

from homeward.rules.measures import parse_measures

JOINT_CONFERENCE = "joint_conference_office"

# Chapter 七 names bodies rather than listing units; each resolves to agencies.
IMPLICIT_BODIES: dict[str, str] = {
    "市反拐联席会议": "municipal_office",
    "市反拐联席会议成员单位": "member_units",
    "各级反拐联席会议成员单位": "member_units",
    "各区县反拐联席会议": "district_offices",
    # District governments act in the platform through their joint-conference office.
    "各区县政府": "district_offices",
    "各区县": "district_offices",
}


class MeasureLoadError(ValueError):
    """A unit named by a measure has no agency."""


def _resolve(name: str, Agency: Any, *, implicit: bool) -> list[Any]:
    if implicit:
        target = IMPLICIT_BODIES.get(name)
        if target == "municipal_office":
            return [Agency.objects.get(code=f"cq-{JOINT_CONFERENCE}")]
        if target == "member_units":
            return list(Agency.objects.filter(division__isnull=True, is_conference_member=True))
        if target == "district_offices":
            return list(Agency.objects.filter(division__isnull=False, kind=JOINT_CONFERENCE))
        raise MeasureLoadError(f"no agency for the body {name!r}")
    agency = Agency.objects.filter(division__isnull=True, name_zh=name).first()
    if agency is None:
        raise MeasureLoadError(f"no agency for the unit {name!r}")
    return [agency]


def load_measures(Measure: Any, Duty: Any, Agency: Any) -> int:
    """Replace the measures and duties with those parsed from the bundled rules text."""
    Duty.objects.all().delete()
    Measure.objects.all().delete()
    count = 0
    for parsed in parse_measures():
        measure = Measure.objects.create(
            number=parsed.number,
            sequence=parsed.sequence,
            chapter=parsed.chapter,
            section=parsed.section or "",
            item=parsed.item,
            title=parsed.title or "",
            text=parsed.text,
            all_member_units_cooperate=parsed.all_member_units_cooperate,
            implicit_units=parsed.implicit_units,
        )
        roles: dict[int, str] = {}
        for name in parsed.leads:
            for agency in _resolve(name, Agency, implicit=parsed.implicit_units):
                roles[agency.pk] = "lead"
        for name in parsed.cooperates:
            for agency in _resolve(name, Agency, implicit=parsed.implicit_units):
                roles.setdefault(agency.pk, "cooperate")
        if parsed.all_member_units_cooperate:
            for agency in Agency.objects.filter(division__isnull=True, is_conference_member=True):
                roles.setdefault(agency.pk, "cooperate")
        if not roles:
            raise MeasureLoadError(f"measure {parsed.number} has no unit")
        Duty.objects.bulk_create(
            [Duty(measure=measure, agency_id=pk, role=role) for pk, role in roles.items()]
        )
        count += 1
    return count

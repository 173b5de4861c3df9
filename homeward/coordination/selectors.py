"""Reads of the plan: measures, the responsibility matrix and each unit's duties.
The plan is public policy, visible to every portal user with the plan permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from homeward.coordination.models import Duty, Measure
from homeward.core.models import Agency

CHAPTERS = ("二", "三", "四", "五", "六", "七")


@dataclass(frozen=True)
class MatrixRow:
    measure: Measure
    cells: list[str]  # "lead", "cooperate" or "" per column


def matrix_columns(*, division_code: str = "") -> list[Agency]:
    """The units as columns: municipal units, or one district's counterparts."""
    if division_code:
        return list(
            Agency.objects.filter(division__code=division_code, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__pk")
        )
    return list(Agency.objects.filter(division__isnull=True).order_by("pk"))


def measures_filtered(*, chapter: str = "", agency: Agency | None = None) -> QuerySet[Measure]:
    measures = Measure.objects.all()
    if chapter:
        measures = measures.filter(chapter=chapter)
    if agency is not None:
        municipal = agency.parent if agency.parent_id else agency
        measures = measures.filter(duties__agency=municipal)
    return measures.prefetch_related(
        Prefetch("duties", queryset=Duty.objects.select_related("agency"))
    ).distinct()


def responsibility_matrix(
    *, chapter: str = "", division_code: str = "", agency: Agency | None = None
) -> tuple[list[Agency], list[MatrixRow]]:
    """Rows are measures, columns units; a district's counterparts carry the duties of
    their municipal unit (the rules give districts their duties through them)."""
    columns = matrix_columns(division_code=division_code)
    rows = []
    for measure in measures_filtered(chapter=chapter, agency=agency):
        roles = {duty.agency_id: duty.role for duty in measure.duties.all()}
        # A unit's own duty (chapter 七 names district offices) or its municipal unit's.
        cells = [roles.get(c.pk) or roles.get(c.parent_id or 0, "") for c in columns]
        rows.append(MatrixRow(measure, cells))
    return columns, rows


def duties_of(agency: Agency) -> QuerySet[Duty]:
    """An agency's duties: a district counterpart has its municipal unit's duties, and a
    district joint-conference office its own."""
    targets = [agency.pk]
    if agency.parent_id:
        targets.append(agency.parent_id)
    return (
        Duty.objects.filter(agency_id__in=targets)
        .select_related("measure")
        .order_by("measure__sequence")
    )

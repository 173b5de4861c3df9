"""The plan's pages: the responsibility matrix and each unit's duties."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from homeward.coordination.selectors import CHAPTERS, duties_of, responsibility_matrix
from homeward.core.models import Agency, Division
from homeward.core.permissions import requires
from homeward.core.roles import P_PLAN_VIEW


@requires(P_PLAN_VIEW)
def matrix(request: HttpRequest) -> HttpResponse:
    chapter = request.GET.get("chapter", "")
    chapter = chapter if chapter in CHAPTERS else ""
    division_code = request.GET.get("division", "")[:6]
    if division_code and not Division.objects.filter(code=division_code).exists():
        division_code = ""
    unit_code = request.GET.get("unit", "")[:64]
    agency = Agency.objects.filter(code=unit_code).first() if unit_code else None
    columns, rows = responsibility_matrix(
        chapter=chapter, division_code=division_code, agency=agency
    )
    return render(
        request,
        "coordination/matrix.html",
        {
            "columns": columns,
            "rows": rows,
            "chapters": CHAPTERS,
            "chapter": chapter,
            "divisions": Division.objects.order_by("code"),
            "division_code": division_code,
            "units": Agency.objects.filter(division__isnull=True).order_by("pk"),
            "unit_code": unit_code,
        },
    )


@requires(P_PLAN_VIEW)
def unit_duties(request: HttpRequest, code: str) -> HttpResponse:
    agency = Agency.objects.select_related("division", "parent").filter(code=code).first()
    if agency is None:
        raise Http404
    duties = list(duties_of(agency))
    return render(
        request,
        "coordination/unit_duties.html",
        {
            "agency": agency,
            "leads": [d for d in duties if d.role == "lead"],
            "cooperates": [d for d in duties if d.role == "cooperate"],
        },
    )

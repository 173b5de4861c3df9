"""Core endpoints: the signed-in user, divisions and agencies (reference data)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.params import functions as params

from homeward.core.api_errors import ApiError
from homeward.core.models import Agency, Division, User
from homeward.core.roles import P_PLACES, P_PORTAL
from homeward.core.scoping import scope_of
from homeward.core.selectors import agencies_search

router = Router(tags=["core"])


def require_perm(request: HttpRequest, perm: str) -> User:
    """Return the signed-in user if they hold ``perm``; 403 otherwise."""
    user = request.user
    if not isinstance(user, User) or not user.has_perm(perm):
        raise ApiError(403)
    return user


class MeOut(Schema):
    username: str
    full_name: str
    agency_code: str
    agency_name: str
    roles: list[str]
    all_divisions: bool
    division_code: str | None


class DivisionOut(Schema):
    code: str
    name_zh: str
    name_en: str
    type: str
    centroid_lat: float
    centroid_lon: float
    population_2020: int | None


class AgencyOut(Schema):
    code: str
    kind: str
    level: str
    name_zh: str
    name_en: str
    division_code: str | None
    parent_code: str | None


class DivisionDetailOut(DivisionOut):
    township_count: int
    agencies: list[AgencyOut]
    boundary: dict[str, object] | None = None


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(
        code=agency.code,
        kind=agency.kind,
        level=agency.level,
        name_zh=agency.name_zh,
        name_en=agency.name_en,
        division_code=agency.division.code if agency.division else None,
        parent_code=agency.parent.code if agency.parent else None,
    )


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    user = require_perm(request, P_PORTAL)
    scope = scope_of(user)
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        agency_code=user.agency.code,
        agency_name=user.agency.name_zh,
        roles=sorted(user.role_codes),
        all_divisions=scope.all_divisions,
        division_code=user.agency.division.code if user.agency.division else None,
    )


@router.get("/divisions", response=list[DivisionOut], summary="Chongqing's 38 divisions")
def division_list(request: HttpRequest) -> list[Division]:
    require_perm(request, P_PLACES)
    return list(Division.objects.defer("boundary").order_by("code"))


@router.get("/divisions/{code}", response=DivisionDetailOut, summary="One division")
def division_detail(request: HttpRequest, code: str, geometry: bool = False) -> DivisionDetailOut:
    require_perm(request, P_PLACES)
    division = get_object_or_404(Division, code=code)
    agencies = Agency.objects.filter(division=division).select_related("division", "parent")
    return DivisionDetailOut(
        code=division.code,
        name_zh=division.name_zh,
        name_en=division.name_en,
        type=division.type,
        centroid_lat=division.centroid_lat,
        centroid_lon=division.centroid_lon,
        population_2020=division.population_2020,
        township_count=division.townships.count(),
        agencies=[_agency_out(agency) for agency in agencies],
        boundary=division.geometry() if geometry else None,
    )


@router.get("/agencies", response=list[AgencyOut], summary="Agencies, filterable")
def agency_list(
    request: HttpRequest,
    q: str = "",
    division: str = "",
    kind: str = "",
    limit: int = params.Query(200, ge=1, le=2000),
) -> list[AgencyOut]:
    require_perm(request, P_PLACES)
    agencies = agencies_search(query=q[:64], division_code=division[:16], kind=kind[:48])
    return [_agency_out(agency) for agency in agencies.select_related("parent")[:limit]]

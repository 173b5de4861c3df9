"""Case endpoints (the lead mounts ``router`` at /api/v1/cases/): the scoped list, one
case with its version (an audited read), and PATCH with optimistic locking, where a
stale version is a 409."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.params import functions as params

from homeward.cases.models import Case, CasePriority, CaseStatus
from homeward.cases.selectors import case_get_for_user, cases_list, task_force_of
from homeward.cases.services import case_change_status, case_update
from homeward.core.api import require_perm
from homeward.core.api_errors import ApiCode, ApiError, ErrorOut
from homeward.core.roles import P_CASE_MANAGE, P_CASE_VIEW

router = Router(tags=["cases"])

NOTHING_TO_CHANGE = "nothing_to_change"


class CaseOut(Schema):
    id: int
    number: str
    title: str
    status: str
    priority: str
    source: str
    source_reference: int | None
    crimes: list[str]
    division_code: str
    owning_agency_code: str
    leader_username: str
    created_at: datetime
    updated_at: datetime
    version: int


class CaseDetailOut(CaseOut):
    solved_at: datetime | None
    closed_at: datetime | None
    task_force_active: bool
    member_usernames: list[str]


class CasePatchIn(Schema):
    version: int
    title: str | None = None
    priority: str | None = None
    crimes: list[str] | None = None
    status: str | None = None
    note: str = ""


def _out(case: Case) -> CaseOut:
    return CaseOut(
        id=case.pk,
        number=case.number,
        title=case.title,
        status=case.status,
        priority=case.priority,
        source=case.source,
        source_reference=case.source_reference,
        crimes=[crime.crime for crime in case.crimes.all()],
        division_code=case.division.code,
        owning_agency_code=case.owning_agency.code,
        leader_username=case.task_force.leader.username,
        created_at=case.created_at,
        updated_at=case.updated_at,
        version=case.version,
    )


def _detail(case: Case) -> CaseDetailOut:
    task_force = task_force_of(case)
    return CaseDetailOut(
        **_out(case).dict(),
        solved_at=case.solved_at,
        closed_at=case.closed_at,
        task_force_active=task_force.is_active,
        member_usernames=[member.user.username for member in task_force.members.all()],
    )


@router.get("/", response=list[CaseOut], summary="Cases in scope")
def case_list(
    request: HttpRequest,
    status: str = "",
    priority: str = "",
    limit: int = params.Query(50, ge=1, le=200),
    offset: int = params.Query(0, ge=0),
) -> list[CaseOut]:
    user = require_perm(request, P_CASE_VIEW)
    if status and status not in CaseStatus.values:
        raise ApiError(422, ApiCode.INVALID, fields={"status": [_("Unknown status.")]})
    if priority and priority not in CasePriority.values:
        raise ApiError(422, ApiCode.INVALID, fields={"priority": [_("Unknown priority.")]})
    cases = cases_list(user, status=status, priority=priority)[offset : offset + limit]
    return [_out(case) for case in cases]


@router.get("/{case_id}", response=CaseDetailOut, summary="One case with its version (audited)")
def case_read(request: HttpRequest, case_id: int) -> CaseDetailOut:
    user = require_perm(request, P_CASE_VIEW)
    return _detail(case_get_for_user(user, case_id))


@router.patch(
    "/{case_id}",
    response={200: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Change title, priority, crimes or status; send the version you read",
)
def case_patch(request: HttpRequest, case_id: int, payload: CasePatchIn) -> CaseDetailOut:
    """A stale ``version`` is a 409 ``version_conflict``; a forbidden status move is a
    400 with the workflow's code (e.g. ``unsolved_cannot_close``)."""
    user = require_perm(request, P_CASE_MANAGE)
    case = case_get_for_user(user, case_id)
    header_change = (
        payload.title is not None or payload.priority is not None or payload.crimes is not None
    )
    if not header_change and payload.status is None:
        raise ApiError(400, NOTHING_TO_CHANGE, _("Send a title, priority, crimes or status."))
    # A DomainError or ValidationError becomes ErrorOut (core.api_errors).
    with transaction.atomic():
        version = payload.version
        if header_change:
            case = case_update(
                actor=user,
                case=case,
                version=version,
                title=payload.title,
                priority=payload.priority,
                crimes=payload.crimes,
            )
            version = case.version
        if payload.status is not None:
            case = case_change_status(
                actor=user,
                case=case,
                version=version,
                to_status=payload.status,
                note=payload.note,
            )
    return _detail(case)

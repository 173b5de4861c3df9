"""Clue endpoints. Submitting and checking a clue are open to the public and partner
apps (no sign-in, throttled, an Idempotency-Key makes retries safe)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from homeward.core.errors import DomainError
from homeward.core.models import Division
from homeward.tips.models import Tip
from homeward.tips.services import tip_status_for_reporter, tip_submit
from homeward.tips.throttle import submission_allowed

router = Router(tags=["clues"])


class TipIn(Schema):
    category: str
    narrative: str
    division_code: str
    address: str = ""
    occurred_on: date | None = None
    occurred_time: str = ""
    latitude: float | None = None
    longitude: float | None = None
    contact: str = ""


class TipReceipt(Schema):
    tracking_code: str
    secret: str
    duplicate: bool


class StatusIn(Schema):
    tracking_code: str
    secret: str


class StatusOut(Schema):
    tracking_code: str
    stage: str
    received_on: date


class ErrorOut(Schema):
    code: str
    fields: dict[str, list[str]] = {}


@router.post(
    "/",
    auth=None,
    response={201: TipReceipt, 200: TipReceipt, 400: ErrorOut, 429: ErrorOut},
    summary="Report a clue (anonymous)",
)
def tip_create(request: HttpRequest, payload: TipIn) -> Status[TipReceipt | ErrorOut]:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not 8 <= len(key) <= 64:
        return Status(
            400,
            ErrorOut(
                code="idempotency_key_required", fields={"Idempotency-Key": ["8 to 64 characters"]}
            ),
        )
    if not submission_allowed(request):
        return Status(429, ErrorOut(code="too_many_reports"))
    # Not the boundary (GeoJSON, kilobytes to decode per request): a clue needs the key.
    division = Division.objects.only("pk", "code").filter(code=payload.division_code).first()
    if division is None:
        return Status(400, ErrorOut(code="invalid", fields={"division_code": ["unknown division"]}))
    try:
        submission = tip_submit(
            channel=Tip.Channel.PUBLIC_API,
            category=payload.category,
            narrative=payload.narrative,
            division=division,
            address=payload.address,
            occurred_on=payload.occurred_on,
            occurred_time=payload.occurred_time,
            latitude=payload.latitude,
            longitude=payload.longitude,
            contact=payload.contact,
            idempotency_key=f"api:{key}",
        )
    except ValidationError as error:
        return Status(
            400,
            ErrorOut(
                code="invalid",
                fields={k: [str(m) for m in v] for k, v in error.message_dict.items()},
            ),
        )
    except DomainError as error:
        raise HttpError(400, error.code) from error
    receipt = TipReceipt(
        tracking_code=submission.tip.tracking_code,
        secret=submission.secret,
        duplicate=not submission.created,
    )
    return Status(201 if submission.created else 200, receipt)


@router.post(
    "/status",
    auth=None,
    response={200: StatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="Check a clue",
)
def tip_status(request: HttpRequest, payload: StatusIn) -> Status[StatusOut | ErrorOut]:
    if not submission_allowed(request):
        return Status(429, ErrorOut(code="too_many_requests"))
    view = tip_status_for_reporter(tracking_code=payload.tracking_code, secret=payload.secret)
    if view is None:
        return Status(404, ErrorOut(code="not_found"))
    return Status(
        200,
        StatusOut(tracking_code=view.tracking_code, stage=view.stage, received_on=view.received_on),
    )

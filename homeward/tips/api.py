"""Clue endpoints. Submitting and checking a clue are open to the public and partner
apps (no sign-in, throttled, an Idempotency-Key makes retries safe)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.params import functions as params

from homeward.core.api_errors import ApiError, ErrorOut
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


IDEMPOTENCY_KEY = params.Header(
    ...,
    alias="Idempotency-Key",
    min_length=8,
    max_length=64,
    description="A key the client makes for this report (8 to 64 characters): a retry "
    "with the same key is answered from the first submission.",
)


@router.post(
    "/",
    auth=None,
    response={201: TipReceipt, 200: TipReceipt, 400: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Report a clue (anonymous)",
)
def tip_create(
    request: HttpRequest, payload: TipIn, idempotency_key: str = IDEMPOTENCY_KEY
) -> Status[TipReceipt]:
    key = idempotency_key.strip()
    if not submission_allowed(request):
        raise ApiError(429, "too_many_reports")
    # Not the boundary (GeoJSON, kilobytes to decode per request): a clue needs the key.
    division = Division.objects.only("pk", "code").filter(code=payload.division_code).first()
    if division is None:
        raise ApiError(400, fields={"division_code": [_("Unknown district.")]})
    # A ValidationError or DomainError from the service becomes ErrorOut (core.api_errors).
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
def tip_status(request: HttpRequest, payload: StatusIn) -> StatusOut:
    if not submission_allowed(request):
        raise ApiError(429)
    view = tip_status_for_reporter(tracking_code=payload.tracking_code, secret=payload.secret)
    if view is None:
        raise ApiError(404)
    return StatusOut(
        tracking_code=view.tracking_code, stage=view.stage, received_on=view.received_on
    )

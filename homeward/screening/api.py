"""The platforms' partner API (``/api/v1/partner/screening/…``, bearer token per platform).

- ``POST /posts`` pushes a batch of at most 500 posts with an ``Idempotency-Key``:
  each item is answered on its own (``created``, ``exists`` — the same platform post id
  was already stored — or ``rejected`` with its field errors in Chinese). Retrying
  with the same key and items gives the first answer again.
- ``GET /takedowns`` lists the platform's open takedown requests (an overdue one says
  so, and when it was reminded); ``POST
  /takedowns/{id}`` acknowledges one, confirms the removal or refuses it.

A platform sees only its own requests; nothing of the classification, the reviews or
the clues is ever returned."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params import functions as params
from ninja.security import HttpBearer

from homeward.alerts.api import OfficerSession
from homeward.core.api_errors import ApiError, ErrorOut
from homeward.screening.models import Platform, Takedown
from homeward.screening.services import (
    MAX_API_BATCH,
    platform_for_token,
    posts_submit_api,
    takedown_report,
)

router = Router(tags=["online screening (platforms)"])


class PlatformToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Platform | None:
        platform = platform_for_token(token)
        if platform is not None:
            request.platform = platform  # type: ignore[attr-defined]
        return platform


# A signed-in member of staff is refused (403), not asked to sign in: these operations
# are the platforms' own.
PLATFORM_AUTH = [PlatformToken(), OfficerSession()]

IDEMPOTENCY_KEY = params.Header(
    ...,
    alias="Idempotency-Key",
    min_length=8,
    max_length=64,
    description="A key the platform makes for this batch (8 to 64 characters): a retry "
    "with the same key and the same posts is answered from the first request.",
)


class PostIn(Schema):
    post_id: str = Field(..., max_length=200)
    text: str = Field(..., max_length=20000)
    url: str = Field("", max_length=1000)
    author: str = Field("", max_length=400)
    posted_at: str = Field("", max_length=40, description="ISO 8601; Beijing time if naive")
    district: str = Field("", max_length=40, description="GB/T 2260 code or name, if known")


class PostsIn(Schema):
    posts: list[PostIn] = Field(..., max_length=MAX_API_BATCH)


class ItemOut(Schema):
    index: int
    post_id: str
    status: Literal["created", "exists", "rejected"]
    errors: dict[str, list[str]]


class PostsOut(Schema):
    created: int
    exists: int
    rejected: int
    replayed: bool
    items: list[ItemOut]


class TakedownOut(Schema):
    id: int
    post_id: str
    url: str
    status: str
    requested_at: datetime
    due_at: datetime
    overdue: bool = Field(False, description="still open past its due time")
    reminded_at: datetime | None = Field(
        None, description="when the request was reminded as overdue (once)"
    )


def _takedown_out(row: Takedown) -> TakedownOut:
    return TakedownOut(
        id=row.pk,
        post_id=row.post.platform_post_id,
        url=row.post.url,
        status=row.status,
        requested_at=row.requested_at,
        due_at=row.due_at,
        overdue=row.overdue(),
        reminded_at=row.reminded_at,
    )


class TakedownIn(Schema):
    status: Literal["acknowledged", "confirmed_removed", "refused"]
    reference: str = Field("", max_length=100)
    note: str = Field("", max_length=300)


def _platform(request: HttpRequest) -> Platform:
    platform = getattr(request, "platform", None)
    if platform is None:
        raise ApiError(401)
    return platform  # type: ignore[no-any-return]


@router.post(
    "/posts",
    auth=PLATFORM_AUTH,
    response={200: PostsOut, 201: PostsOut, 400: ErrorOut, 409: ErrorOut, 413: ErrorOut},
    summary="Push a batch of posts (at most 500)",
)
def posts_push(
    request: HttpRequest, payload: PostsIn, idempotency_key: str = IDEMPOTENCY_KEY
) -> Status[PostsOut]:
    platform = _platform(request)
    items = [item.dict() for item in payload.posts]
    outcomes, replayed = posts_submit_api(
        platform=platform, items=items, idempotency_key=idempotency_key.strip()
    )
    counts = {"created": 0, "exists": 0, "rejected": 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
    body = PostsOut(
        **counts,
        replayed=replayed,
        items=[ItemOut(**outcome.__dict__) for outcome in outcomes],
    )
    return Status(201 if counts["created"] and not replayed else 200, body)


@router.get(
    "/takedowns",
    auth=PLATFORM_AUTH,
    response={200: list[TakedownOut], 403: ErrorOut},
    summary="The platform's open takedown requests, oldest due first",
)
def takedowns_pending(request: HttpRequest) -> list[TakedownOut]:
    platform = _platform(request)
    rows = (
        Takedown.objects.filter(
            platform=platform,
            status__in=[Takedown.Status.REQUESTED, Takedown.Status.ACKNOWLEDGED],
        )
        .select_related("post")
        .order_by("due_at", "pk")[:500]
    )
    return [_takedown_out(row) for row in rows]


@router.post(
    "/takedowns/{int:takedown_id}",
    auth=PLATFORM_AUTH,
    response={200: TakedownOut, 404: ErrorOut, 409: ErrorOut},
    summary="Acknowledge a takedown request, confirm the removal, or refuse it",
)
def takedown_update(request: HttpRequest, takedown_id: int, payload: TakedownIn) -> TakedownOut:
    platform = _platform(request)
    row = takedown_report(
        platform=platform,
        takedown_id=takedown_id,
        status=payload.status,
        reference=payload.reference,
        note=payload.note,
    )
    return _takedown_out(row)

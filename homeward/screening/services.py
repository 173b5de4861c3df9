"""Writes of online screening: platforms, operations, intake, reviews, takedowns.

Every write is a service here, under a transaction, with its audit event."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.background import enqueue_after_commit
from homeward.core.errors import ActorError, DomainError
from homeward.core.idempotency import app_hmac
from homeward.core.imports import RowError
from homeward.core.models import Division, User
from homeward.core.roles import P_SCREEN_OPERATE, P_SCREEN_REVIEW
from homeward.core.scoping import scope_of
from homeward.screening.intake import (
    COLUMN_LABELS,
    FileRefused,
    PostRow,
    check_values,
    read_posts,
)
from homeward.screening.models import (
    LABEL_CHOICES,
    LABELS,
    IntakeBatch,
    Operation,
    Platform,
    Post,
    PostIdentifier,
    Review,
    Takedown,
)
from homeward.screening.pipeline import classify_into, posts_link, posts_process

# Posts classified per committed batch of an upload (progress moves between batches).
PROCESS_BATCH = 500
MAX_API_BATCH = 500
MAX_UPLOAD_BYTES = 30 * 1024 * 1024


class ScreeningError:
    NOT_PENDING = "screening_post_already_reviewed"
    BAD_LABEL = "screening_bad_label"
    NO_DISTRICT = "screening_no_district"
    BAD_TRANSITION = "screening_takedown_bad_transition"
    IDEMPOTENCY_REUSED = "idempotency_key_reused"
    BATCH_TOO_LARGE = "screening_batch_too_large"
    FILE_TOO_LARGE = "screening_file_too_large"
    NO_TAKEDOWN = "screening_no_such_takedown"
    OPERATION_BAD_TRANSITION = "screening_operation_bad_transition"
    OPERATION_CLOSED = "screening_operation_closed"
    PLATFORMS_MUNICIPAL = "screening_platforms_municipal_only"


# --- platforms ------------------------------------------------------------------------------


def platform_token_digest(token: str) -> str:
    """The stored digest of a platform's API token (a keyring HMAC, like partners')."""
    return app_hmac("screening-platform-token", token)


@transaction.atomic
def platform_register(
    *, actor: User | None, code: str, name: str, takedown_hours: int = 24
) -> tuple[Platform, str]:
    """Register an online platform; returns it with its API token (shown once).
    ``actor`` None: the console command (``screening_platform_add``)."""
    if actor is not None:
        _require_platform_manager(actor)
    token = secrets.token_urlsafe(32)
    platform = Platform(
        code=code.strip(),
        name=name.strip(),
        token_digest=platform_token_digest(token),
        takedown_hours=takedown_hours,
    )
    platform.full_clean()
    platform.save()
    audit_record(
        actor=actor,
        action=AuditAction.SCREENING_PLATFORM_REGISTER,
        obj=platform,
        actor_username="" if actor else "console",
    )
    return platform, token


def _require_platform_manager(actor: User) -> None:
    """Platforms serve the whole city: the municipal units that run online screening
    (the cyberspace office, the municipal police) register and manage them."""
    require_permission(actor, P_SCREEN_OPERATE)
    if not scope_of(actor).all_divisions:
        raise DomainError(
            ScreeningError.PLATFORMS_MUNICIPAL,
            _(
                "Only municipal units (the cyberspace office, the municipal police) manage platforms."
            ),
            status=403,
        )


@transaction.atomic
def platform_set_active(*, actor: User, platform: Platform, active: bool) -> Platform:
    """Deactivate a platform (its token is refused at once by the partner API; its
    posts and takedown requests are kept) or reactivate it. Setting the current state
    again changes nothing and records nothing."""
    _require_platform_manager(actor)
    locked = Platform.objects.select_for_update().get(pk=platform.pk)
    if locked.active == active:
        return locked
    locked.active = active
    locked.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action=AuditAction.SCREENING_PLATFORM_ACTIVE,
        obj=locked,
        detail={"active": active},
    )
    return locked


@transaction.atomic
def platform_rotate_token(*, actor: User, platform: Platform) -> tuple[Platform, str]:
    """A new API token for the platform, returned once; the old one is refused from
    this commit on (only the new token's digest is stored)."""
    _require_platform_manager(actor)
    locked = Platform.objects.select_for_update().get(pk=platform.pk)
    token = secrets.token_urlsafe(32)
    locked.token_digest = platform_token_digest(token)
    locked.save(update_fields=["token_digest"])
    audit_record(actor=actor, action=AuditAction.SCREENING_PLATFORM_REKEY, obj=locked)
    return locked, token


def platform_for_token(token: str) -> Platform | None:
    if not token:
        return None
    return Platform.objects.filter(token_digest=platform_token_digest(token), active=True).first()


def platform_named(text: str) -> Platform | None:
    value = text.strip()
    return (
        Platform.objects.filter(code__iexact=value).first()
        or Platform.objects.filter(name=value).first()
    )


# --- operations -----------------------------------------------------------------------------


@transaction.atomic
def operation_create(
    *,
    actor: User,
    name: str,
    lead: str,
    starts_on: date,
    ends_on: date | None = None,
    districts: Iterable[Division] = (),
    platforms: Iterable[Platform] = (),
) -> Operation:
    """Record a 净网 operation run by the actor's unit."""
    require_permission(actor, P_SCREEN_OPERATE)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Name the operation.")]
    if lead not in Operation.Lead.values:
        errors["lead"] = [_("Choose the lead agency.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The operation ends before it starts.")]
    chosen = list(districts)
    scope = scope_of(actor)
    if not scope.all_divisions and any(not scope.allows_division(d.pk) for d in chosen):
        errors["districts"] = [_("Choose districts in your area.")]
    if not scope.all_divisions and not chosen and actor.agency.division is not None:
        chosen = [actor.agency.division]
    if errors:
        raise ValidationError(errors)
    operation = Operation.objects.create(
        name=name.strip()[:120],
        lead=lead,
        status=(
            Operation.Status.PLANNED
            if starts_on > timezone.localdate()
            else Operation.Status.RUNNING
        ),
        starts_on=starts_on,
        ends_on=ends_on,
        owning_agency=actor.agency,
        created_by=actor,
    )
    operation.districts.set(chosen)
    operation.platforms.set(list(platforms))
    audit_record(actor=actor, action=AuditAction.SCREENING_OPERATION_SAVE, obj=operation)
    return operation


OPERATION_TRANSITIONS: dict[str, set[str]] = {
    Operation.Status.PLANNED: {Operation.Status.RUNNING},
    Operation.Status.RUNNING: {Operation.Status.CLOSED},
    Operation.Status.CLOSED: set(),
}


@transaction.atomic
def operation_set_status(
    *, actor: User, operation: Operation, to: str, on: date | None = None
) -> Operation:
    """Start a planned operation (``running``, from ``on``: its start date) or end a
    running one (``closed``, on ``on``: its end date); ``on`` defaults to today and is
    never in the future. Only the unit that runs the operation (or the municipal unit of
    its kind) changes it; any other step (a closed operation reopened, a planned one
    closed unstarted) is refused with the reason."""
    from homeward.core.actors import require_unit

    require_permission(actor, P_SCREEN_OPERATE)
    locked = (
        Operation.objects.select_for_update().select_related("owning_agency").get(pk=operation.pk)
    )
    require_unit(actor, locked.owning_agency, _("Only the unit running the operation changes it."))
    status_names = dict(Operation.Status.choices)
    if to not in OPERATION_TRANSITIONS.get(locked.status, set()):
        raise DomainError(
            ScreeningError.OPERATION_BAD_TRANSITION,
            _("An operation cannot go from %(from)s to %(to)s.")
            % {"from": locked.get_status_display(), "to": status_names.get(to, to)},
            status=409,
        )
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"on": [_("The date is in the future.")]})
    before = locked.status
    if to == Operation.Status.RUNNING:
        if locked.ends_on is not None and locked.ends_on < day:
            raise ValidationError(
                {
                    "on": [
                        _("The operation was planned to end on %(end)s, before this date.")
                        % {"end": locked.ends_on.isoformat()}
                    ]
                }
            )
        locked.starts_on = day
    else:
        if day < locked.starts_on:
            raise ValidationError(
                {
                    "on": [
                        _("The operation ends before it started (%(start)s).")
                        % {"start": locked.starts_on.isoformat()}
                    ]
                }
            )
        locked.ends_on = day
    locked.status = to
    locked.save(update_fields=["status", "starts_on", "ends_on"])
    audit_record(
        actor=actor,
        action=AuditAction.SCREENING_OPERATION_STATUS,
        obj=locked,
        detail={"from": before, "to": to, "on": day.isoformat()},
    )
    return locked


# --- intake ---------------------------------------------------------------------------------


def _division_lookup() -> dict[str, Division]:
    table: dict[str, Division] = {}
    for division in Division.objects.only("pk", "code", "name_zh"):
        table[division.code] = division
        table[division.name_zh] = division
    return table


def rows_resolve(
    rows: Sequence[PostRow], *, fixed_platform: Platform | None = None
) -> dict[int, tuple[Platform | None, Division | None]]:
    """Each row's platform and district, adding a field error where a name is unknown."""
    platforms: dict[str, Platform | None] = {}
    divisions = _division_lookup()
    resolved: dict[int, tuple[Platform | None, Division | None]] = {}
    for row in rows:
        platform = fixed_platform
        if platform is None and row.platform:
            if row.platform not in platforms:
                platforms[row.platform] = platform_named(row.platform)
            platform = platforms[row.platform]
            if platform is None:
                row.errors.setdefault("platform", []).append(
                    _("No platform %(name)s is registered.") % {"name": row.platform[:40]}
                )
        division = None
        if row.district:
            division = divisions.get(row.district)
            if division is None:
                row.errors.setdefault("district", []).append(
                    _("No district %(name)s (a code such as 500103 or a name such as 渝中区).")
                    % {"name": row.district[:20]}
                )
        resolved[row.row] = (platform, division)
    return resolved


def posts_store(
    rows: Sequence[PostRow],
    resolved: dict[int, tuple[Platform | None, Division | None]],
    *,
    source: str,
    operation: Operation | None,
    intake: IntakeBatch | None,
) -> tuple[dict[int, int], dict[int, int]]:
    """Create the posts not stored yet (idempotent by platform and post id), classified
    before they are written and then linked to their cluster and network. Returns
    ``{row: post id}`` of the new ones and of those that already existed."""
    created: dict[int, int] = {}
    existing: dict[int, int] = {}
    by_platform: dict[int, list[PostRow]] = {}
    for row in rows:
        platform, _division = resolved[row.row]
        if platform is not None:
            by_platform.setdefault(platform.pk, []).append(row)
    for platform_id, platform_rows in by_platform.items():
        ids = [row.post_id for row in platform_rows]
        known: dict[str, int] = {}
        for start in range(0, len(ids), 900):
            known.update(
                Post.objects.filter(
                    platform_id=platform_id, platform_post_id__in=ids[start : start + 900]
                ).values_list("platform_post_id", "pk")
            )
        new: list[tuple[PostRow, Post]] = []
        for row in platform_rows:
            if row.post_id in known:
                existing[row.row] = known[row.post_id]
                continue
            _platform, division = resolved[row.row]
            post = Post(
                platform_id=platform_id,
                platform_post_id=row.post_id,
                url=row.url,
                author_handle=row.author,
                posted_at=row.posted_at,
                text=row.text,
                division=division,
                operation=operation,
                intake=intake,
                source=source,
            )
            # bulk_create skips pre_save: fill the author's blind index here.
            field = Post._meta.get_field("author_handle")
            post.author_index = field.blind_index_of(row.author) if row.author else ""
            new.append((row, post))
        if not new:
            continue
        extra = classify_into([post for _row, post in new])
        Post.objects.bulk_create([post for _row, post in new], batch_size=500)
        if new[0][1].pk is None:  # backends that do not return keys
            stored = dict(
                Post.objects.filter(
                    platform_id=platform_id, platform_post_id__in=[r.post_id for r, _p in new]
                ).values_list("platform_post_id", "pk")
            )
            for row, post in new:
                post.pk = stored[row.post_id]
        for row, post in new:
            created[row.row] = post.pk
        posts_link([post for _row, post in new], extra)
    return created, existing


@transaction.atomic
def intake_request_upload(
    *, actor: User, operation: Operation, file_name: str, content: bytes
) -> IntakeBatch:
    """Queue the import of an operation's export. The file is read, checked and
    imported by a background run (:func:`intake_execute`): all or nothing, every bad
    row listed; the posts are then classified in committed batches with progress."""
    require_permission(actor, P_SCREEN_OPERATE)
    if operation.status == Operation.Status.CLOSED:
        raise DomainError(
            ScreeningError.OPERATION_CLOSED,
            _("This operation has ended: its figures are final. Upload to a running one."),
            status=409,
        )
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than 30 MB; split it.")]})
    if not file_name.lower().endswith(
        (".jsonl", ".json", ".ndjson", ".csv", ".txt", ".tsv", ".xlsx")
    ):
        raise ValidationError({"file": [_("Upload a .jsonl, .csv or .xlsx file.")]})
    batch = IntakeBatch.objects.create(
        source=Post.Source.UPLOAD,
        operation=operation,
        file_name=file_name[:200],
        content=base64.b64encode(content).decode("ascii"),
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.SCREENING_INTAKE,
        obj=batch,
        detail={"operation": operation.pk, "file": file_name[:200], "bytes": len(content)},
    )
    from homeward.screening.tasks import intake_run

    enqueue_after_commit(intake_run, batch.pk)
    return batch


def intake_execute(batch_id: int) -> IntakeBatch:
    """The background run of an upload: read and check the whole file first (one bad
    row and nothing is imported: every bad row is listed), then store the posts in
    committed batches of ``PROCESS_BATCH``, each classified and linked before it is
    written, with the progress. Started again after a crash it carries on: stored posts
    are skipped (by platform and post id) and any left unlinked are linked."""
    batch = IntakeBatch.objects.select_related("operation").get(pk=batch_id)
    if batch.status in {
        IntakeBatch.Status.DONE,
        IntakeBatch.Status.REJECTED,
        IntakeBatch.Status.FAILED,
    }:
        return batch
    IntakeBatch.objects.filter(pk=batch.pk).update(status=IntakeBatch.Status.RUNNING, progress=1)
    try:
        if batch.content:
            checked = _intake_check(batch)
            if checked is None:
                batch.refresh_from_db()
                return batch
            rows, resolved, encoding = checked
            created = 0
            for start in range(0, len(rows), PROCESS_BATCH):
                part = rows[start : start + PROCESS_BATCH]
                with transaction.atomic():
                    new, _existing = posts_store(
                        part,
                        resolved,
                        source=Post.Source.UPLOAD,
                        operation=batch.operation,
                        intake=batch,
                    )
                    created += len(new)
                    IntakeBatch.objects.filter(pk=batch.pk).update(
                        progress=min(99, 5 + int(94 * (start + len(part)) / len(rows))),
                        total=len(rows),
                        created=Post.objects.filter(intake=batch).count(),
                        encoding=encoding,
                    )
        left = list(
            Post.objects.filter(intake=batch)
            .filter(Q(classified_at__isnull=True) | Q(cluster_head__isnull=True))
            .values_list("pk", flat=True)
        )
        for start in range(0, len(left), PROCESS_BATCH):
            posts_process(left[start : start + PROCESS_BATCH])
    except Exception as error:
        IntakeBatch.objects.filter(pk=batch.pk).update(
            status=IntakeBatch.Status.FAILED,
            errors=[{"row": 0, "column": "", "reason": type(error).__name__[:100]}],
            finished_at=timezone.now(),
        )
        raise
    IntakeBatch.objects.filter(pk=batch.pk).update(
        status=IntakeBatch.Status.DONE,
        progress=100,
        content="",
        created=Post.objects.filter(intake=batch).count(),
        flagged=Post.objects.filter(intake=batch, flagged=True).count(),
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch


def _intake_check(
    batch: IntakeBatch,
) -> tuple[list[PostRow], dict[int, tuple[Platform | None, Division | None]], str] | None:
    """The file's rows, their platforms and districts, and its encoding; None (and the
    batch rejected with every bad row) when anything is wrong."""
    data = base64.b64decode(batch.content)
    try:
        result = read_posts(data, batch.file_name)
    except FileRefused as refusal:
        _reject(batch, [{"row": 0, "column": "", "reason": str(refusal)}])
        return None
    resolved = rows_resolve(result.rows)
    errors = list(result.errors)
    for row in result.rows:
        for key in ("platform", "district"):
            for message in row.errors.get(key, []):
                if not any(e.row == row.row and e.reason == message for e in errors):
                    errors.append(RowError(row.row, COLUMN_LABELS[key], message))
    if errors:
        _reject(
            batch,
            [
                {"row": e.row, "column": e.column, "reason": e.reason}
                for e in sorted(errors, key=lambda e: (e.row, e.column))
            ],
            encoding=result.encoding,
        )
        return None
    return result.rows, resolved, result.encoding


def _reject(batch: IntakeBatch, errors: list[dict[str, Any]], *, encoding: str = "") -> None:
    IntakeBatch.objects.filter(pk=batch.pk).update(
        status=IntakeBatch.Status.REJECTED,
        errors=errors[:2000],
        encoding=encoding,
        content="",
        finished_at=timezone.now(),
    )


@dataclass(frozen=True)
class ItemOutcome:
    index: int
    post_id: str
    status: str  # created | exists | rejected
    errors: dict[str, list[str]]


def _api_payload_digest(items: Sequence[dict[str, Any]]) -> str:
    return app_hmac(
        "screening-api-payload",
        json.dumps(list(items), sort_keys=True, ensure_ascii=False, default=str),
    )


def posts_submit_api(
    *, platform: Platform, items: Sequence[dict[str, Any]], idempotency_key: str
) -> tuple[list[ItemOutcome], bool]:
    """A platform's batch of posts (at most ``MAX_API_BATCH``). Each item is checked on
    its own: good items are stored (a post already stored, by platform and post id, is
    ``exists``), bad ones are ``rejected`` with their field errors. The stored posts are
    classified before the answer. The same Idempotency-Key with the same items gets
    the first answer again (second value True); with other items a 409."""
    if len(items) > MAX_API_BATCH:
        raise DomainError(
            ScreeningError.BATCH_TOO_LARGE,
            _("At most %(max)s posts a request.") % {"max": MAX_API_BATCH},
            status=413,
        )
    digest = app_hmac("screening-api-idempotency", f"{platform.pk}:{idempotency_key}")
    payload = _api_payload_digest(items)
    previous = IntakeBatch.objects.filter(idempotency_digest=digest).first()
    if previous is not None:
        return _replay(previous, payload), True
    rows = [
        check_values(index, {**item, "platform": platform.code}) for index, item in enumerate(items)
    ]
    seen: set[str] = set()
    for row in rows:
        if row.post_id in seen:
            row.errors.setdefault("post_id", []).append(_("The same post twice in one request."))
        seen.add(row.post_id)
    try:
        with transaction.atomic():
            batch = IntakeBatch.objects.create(
                source=Post.Source.API,
                platform=platform,
                idempotency_digest=digest,
                payload_digest=payload,
                status=IntakeBatch.Status.RUNNING,
            )
            good = [row for row in rows if not row.errors]
            resolved = rows_resolve(good, fixed_platform=platform)
            good = [row for row in good if not row.errors]
            created, existing = posts_store(
                good, resolved, source=Post.Source.API, operation=None, intake=batch
            )
            flagged = Post.objects.filter(pk__in=list(created.values()), flagged=True).count()
            outcomes = [
                ItemOutcome(
                    row.row,
                    row.post_id,
                    "rejected" if row.errors else "created" if row.row in created else "exists",
                    row.errors,
                )
                for row in rows
            ]
            IntakeBatch.objects.filter(pk=batch.pk).update(
                status=IntakeBatch.Status.DONE,
                progress=100,
                total=len(rows),
                created=len(created),
                flagged=flagged,
                finished_at=timezone.now(),
                answer={"items": [o.__dict__ for o in outcomes]},
            )
            audit_record(
                actor=None,
                action=AuditAction.SCREENING_INTAKE,
                obj=batch,
                actor_username=f"platform:{platform.code}",
                detail={"created": len(created), "items": len(rows)},
            )
    except IntegrityError:
        previous = IntakeBatch.objects.filter(idempotency_digest=digest).first()
        if previous is None:
            raise
        return _replay(previous, payload), True
    return outcomes, False


def _replay(previous: IntakeBatch, payload: str) -> list[ItemOutcome]:
    if not hmac.compare_digest(previous.payload_digest, payload):
        raise DomainError(
            ScreeningError.IDEMPOTENCY_REUSED,
            _("This Idempotency-Key was used for other posts."),
            status=409,
        )
    return [ItemOutcome(**item) for item in previous.answer.get("items", [])]


@transaction.atomic
def post_paste(
    *,
    actor: User,
    platform: Platform,
    text: str,
    post_id: str = "",
    url: str = "",
    author: str = "",
    posted_at: datetime | None = None,
    division: Division | None = None,
    operation: Operation | None = None,
) -> Post:
    """A member of staff pastes one post; it is classified at once."""
    require_permission(actor, P_SCREEN_OPERATE)
    if division is not None and not scope_of(actor).allows_division(division.pk):
        raise ValidationError({"division": [_("Choose a district in your area.")]})
    row = check_values(
        1,
        {
            "post_id": post_id.strip() or f"manual-{secrets.token_hex(6)}",
            "platform": platform.code,
            "text": text,
            "url": url,
            "author": author,
            "posted_at": posted_at,
        },
    )
    if row.errors:
        raise ValidationError(row.errors)
    if Post.objects.filter(platform=platform, platform_post_id=row.post_id).exists():
        raise ValidationError({"post_id": [_("This post is already stored.")]})
    created, _existing = posts_store(
        [row],
        {row.row: (platform, division)},
        source=Post.Source.MANUAL,
        operation=operation,
        intake=None,
    )
    post = Post.objects.get(pk=created[row.row])
    audit_record(actor=actor, action=AuditAction.SCREENING_INTAKE, obj=post)
    return post


# --- review ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewOutcome:
    review: Review
    tip_id: int | None
    takedowns: int


def _clue_narrative(post: Post, label: str) -> str:
    label_text = dict(LABEL_CHOICES).get(label, label)
    lines = [
        _("Online post confirmed by a reviewer (网络巡查)."),
        _("Platform: %(platform)s; post id: %(id)s")
        % {"platform": post.platform.name, "id": post.platform_post_id},
    ]
    if post.url:
        lines.append(_("Address: %(url)s") % {"url": post.url})
    if post.posted_at:
        lines.append(
            _("Posted at: %(time)s")
            % {"time": timezone.localtime(post.posted_at).strftime("%Y-%m-%d %H:%M")}
        )
    if post.author_handle:
        lines.append(_("Author: %(author)s") % {"author": post.author_handle})
    lines.append(_("Confirmed as: %(label)s") % {"label": label_text})
    lines.append(_("The post's text:"))
    lines.append(post.text)
    return "\n".join(str(line) for line in lines)


@transaction.atomic
def post_review(
    *,
    actor: User,
    post: Post,
    decision: bool,
    label: str = "",
    note: str = "",
    division: Division | None = None,
) -> ReviewOutcome:
    """The reviewer's decision. A true post (with the label, corrected if the model's
    is wrong) becomes a clue for the district police with the post as its evidence and
    its contact details attached (``tips.services.tip_record_from_online_post``); it and
    the other posts of its near-duplicate cluster get takedown requests to their
    platforms, and those others leave the queue with it. A false one leaves the queue
    and is kept, as benign, for the next training run."""
    require_permission(actor, P_SCREEN_REVIEW)
    locked = Post.objects.select_for_update().select_related("platform").get(pk=post.pk)
    if locked.status != Post.Status.PENDING:
        raise DomainError(
            ScreeningError.NOT_PENDING, _("This post was already reviewed."), status=409
        )
    if not scope_of(actor).allows_division(locked.division_id) and locked.division_id:
        raise DomainError(ActorError.OUT_OF_AREA, _("This post is not in your area."), status=404)
    chosen = label or locked.label
    if decision:
        if chosen not in LABELS or chosen == "benign":
            raise ValidationError({"label": [_("Choose what the post offers.")]})
    else:
        chosen = "benign"
    review = Review.objects.create(
        post=locked,
        reviewer=actor,
        decision=decision,
        label=chosen,
        note=note.strip()[:300],
        model_label=locked.label,
        model_version=locked.model_version,
    )
    tip_id = None
    takedowns = 0
    if decision:
        district = locked.division or division
        if district is None:
            raise ValidationError(
                {"division": [_("The post names no district: choose the district of the clue.")]}
            )
        if not scope_of(actor).allows_division(district.pk):
            raise ValidationError({"division": [_("Choose a district in your area.")]})
        from homeward.tips.services import tip_record_from_online_post

        identifiers = sorted(
            (identifier.kind, identifier.value)
            for identifier in PostIdentifier.objects.filter(post=locked)
        )
        tip = tip_record_from_online_post(
            actor=actor,
            label=chosen,
            narrative=_clue_narrative(locked, chosen),
            division=district,
            identifiers=identifiers,
            evidence=f"{locked.platform.code}:{locked.platform_post_id}",
            idempotency_key=f"screening-post:{locked.pk}",
        )
        tip_id = tip.pk
        locked.tip = tip
        locked.status = Post.Status.CONFIRMED
        locked.save(update_fields=["tip", "status"])
        takedowns = _request_takedowns(actor=actor, post=locked)
    else:
        locked.status = Post.Status.DISMISSED
        locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.SCREENING_REVIEW,
        obj=locked,
        detail={"decision": decision, "label": chosen, "takedowns": takedowns},
    )
    return ReviewOutcome(review=review, tip_id=tip_id, takedowns=takedowns)


def _request_takedowns(*, actor: User, post: Post) -> int:
    """Takedown requests for the post and every other post of its cluster (each on its
    own platform, due after that platform's hours); the others are confirmed with it."""
    head = post.cluster_head_id or post.pk
    members = list(
        Post.objects.select_for_update()
        .filter(cluster_head_id=head)
        .select_related("platform")
        .order_by("pk")
    )
    if post.pk not in {member.pk for member in members}:
        members.append(post)
    now = timezone.now()
    already = set(
        Takedown.objects.filter(post__in=[m.pk for m in members]).values_list("post_id", flat=True)
    )
    requests = [
        Takedown(
            post=member,
            platform=member.platform,
            because_of=post,
            requested_by=actor,
            requested_at=now,
            due_at=now + timedelta(hours=member.platform.takedown_hours),
        )
        for member in members
        if member.pk not in already
    ]
    Takedown.objects.bulk_create(requests)
    Post.objects.filter(
        pk__in=[m.pk for m in members if m.pk != post.pk], status=Post.Status.PENDING
    ).update(status=Post.Status.CONFIRMED, confirmed_with=post)
    if requests:
        audit_record(
            actor=actor,
            action=AuditAction.SCREENING_TAKEDOWN_REQUEST,
            obj=post,
            detail={"requests": len(requests)},
        )
    return len(requests)


# --- takedowns (the platform's answers) -----------------------------------------------------

TAKEDOWN_TRANSITIONS: dict[str, set[str]] = {
    Takedown.Status.REQUESTED: {
        Takedown.Status.ACKNOWLEDGED,
        Takedown.Status.CONFIRMED_REMOVED,
        Takedown.Status.REFUSED,
    },
    Takedown.Status.ACKNOWLEDGED: {Takedown.Status.CONFIRMED_REMOVED, Takedown.Status.REFUSED},
    Takedown.Status.CONFIRMED_REMOVED: set(),
    Takedown.Status.REFUSED: set(),
}


@transaction.atomic
def takedown_report(
    *, platform: Platform, takedown_id: int, status: str, reference: str = "", note: str = ""
) -> Takedown:
    """A platform acknowledges, confirms the removal of, or refuses a request of its
    own (another platform's request is not found: 404). Repeating the current status
    is accepted and changes nothing."""
    takedown = (
        Takedown.objects.select_for_update().filter(pk=takedown_id, platform=platform).first()
    )
    if takedown is None:
        raise DomainError(ScreeningError.NO_TAKEDOWN, _("No such takedown request."), status=404)
    if status == takedown.status:
        return takedown
    if status not in TAKEDOWN_TRANSITIONS.get(takedown.status, set()):
        raise DomainError(
            ScreeningError.BAD_TRANSITION,
            _("A takedown request cannot go from %(from)s to %(to)s.")
            % {
                "from": takedown.get_status_display(),
                "to": dict(Takedown.Status.choices).get(status, status),
            },
            status=409,
        )
    now = timezone.now()
    before = takedown.status
    takedown.status = status
    if status == Takedown.Status.ACKNOWLEDGED:
        takedown.acknowledged_at = now
    else:
        takedown.closed_at = now
    takedown.platform_reference = reference.strip()[:100] or takedown.platform_reference
    takedown.platform_note = note.strip()[:300] or takedown.platform_note
    takedown.save()
    audit_record(
        actor=None,
        action=AuditAction.SCREENING_TAKEDOWN_UPDATE,
        obj=takedown,
        actor_username=f"platform:{platform.code}",
        detail={"from": before, "to": status},
    )
    return takedown


def takedowns_remind_overdue(now: datetime | None = None, *, batch: int | None = None) -> int:
    """Tick job: an open takedown request past its due time is reminded to its platform
    once — ``reminded_at`` is set (the partner API lists the request as reminded and
    overdue, the takedown list shows it) and the reminder is audited.

    Committed batches of ``TICK_BATCH_SIZE``; each reminder is a conditional update that
    re-checks the condition, so two sweeps at once remind and audit every request once,
    and a request answered meanwhile is left alone."""
    from django.conf import settings

    from homeward.core.tick import keyset_batches

    moment = now or timezone.now()
    size = batch or settings.TICK_BATCH_SIZE
    due = Takedown.objects.filter(
        status__in=[Takedown.Status.REQUESTED, Takedown.Status.ACKNOWLEDGED],
        reminded_at__isnull=True,
        due_at__lt=moment,
    )
    count = 0
    for rows in keyset_batches(due.values_list("pk", "platform__code", "due_at"), size):
        with transaction.atomic():
            for pk, platform_code, due_at in rows:
                if not due.filter(pk=pk).update(reminded_at=moment):
                    continue  # reminded meanwhile by another sweep, or answered
                audit_record(
                    actor=None,
                    action=AuditAction.SCREENING_TAKEDOWN_REMINDER,
                    object_type=Takedown._meta.label_lower,
                    object_id=str(pk),
                    actor_username="system",
                    detail={"platform": platform_code, "due_at": due_at.isoformat()},
                )
                count += 1
    return count

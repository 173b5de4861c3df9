"""Reads of online screening, scoped to the reviewer's district (municipal units: all;
a post whose district is unknown is seen by municipal units only). Every post view is
audited; the public sees nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from homeward.core.audit import audit_record, read_audited_or_404
from homeward.core.audit_actions import AuditAction
from homeward.core.counts import Counts, per_division
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import User
from homeward.core.roles import P_SCREEN_OPERATE, P_SCREEN_REVIEW
from homeward.core.scoping import scope_filter, scope_of
from homeward.screening.models import Operation, Platform, Post, PostIdentifier, Takedown


def works_screening(user: User) -> bool:
    return bool(user.has_perm(P_SCREEN_REVIEW) or user.has_perm(P_SCREEN_OPERATE))


def posts_visible_to(user: User) -> QuerySet[Post]:
    if not works_screening(user):
        return Post.objects.none()
    return scope_filter(Post.objects.all(), user).select_related("platform", "division")


def review_queue(
    user: User,
    *,
    division_id: int | None = None,
    platform_id: int | None = None,
    label: str = "",
    operation_id: int | None = None,
) -> QuerySet[Post]:
    """Flagged posts waiting for review, highest risk first."""
    posts = posts_visible_to(user).filter(flagged=True, status=Post.Status.PENDING)
    if division_id:
        posts = posts.filter(division_id=division_id)
    if platform_id:
        posts = posts.filter(platform_id=platform_id)
    if label:
        posts = posts.filter(label=label)
    if operation_id:
        posts = posts.filter(operation_id=operation_id)
    return posts.order_by("-score", "pk")


@dataclass
class QueueRow:
    post: Post
    cluster_size: int
    cluster_platforms: int
    network_size: int
    cues: list[dict[str, Any]] = field(default_factory=list)


def queue_rows(user: User, posts: QuerySet[Post], *, limit: int = 2000) -> list[QueueRow]:
    """One row per near-duplicate cluster (its riskiest waiting post), with the cluster's
    size and platforms and the size of the network sharing contact details. The list
    itself is audited (which posts were shown)."""
    chosen: list[Post] = []
    seen_heads: set[int] = set()
    for post in posts.defer("signature")[:limit]:
        head = post.cluster_head_id or post.pk
        if head in seen_heads:
            continue
        seen_heads.add(head)
        chosen.append(post)
    heads = [post.cluster_head_id or post.pk for post in chosen]
    sizes = {
        row["cluster_head_id"]: (row["n"], row["platforms"])
        for row in Post.objects.filter(cluster_head_id__in=heads)
        .values("cluster_head_id")
        .annotate(n=Count("pk"), platforms=Count("platform_id", distinct=True))
        .order_by()
    }
    networks = [post.network_id for post in chosen if post.network_id]
    network_sizes = dict(
        Post.objects.filter(network_id__in=networks)
        .values("network_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("network_id", "n")
    )
    rows = [
        QueueRow(
            post=post,
            cluster_size=sizes.get(post.cluster_head_id or post.pk, (1, 1))[0],
            cluster_platforms=sizes.get(post.cluster_head_id or post.pk, (1, 1))[1],
            network_size=network_sizes.get(post.network_id, 1) if post.network_id else 1,
            cues=post.cues[:4],
        )
        for post in chosen
    ]
    return rows


def queue_audit(user: User, rows: list[QueueRow]) -> None:
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="screening.post",
        detail={"posts": [row.post.pk for row in rows[:200]], "count": len(rows)},
    )


def post_get_for_user(user: User, pk: int) -> Post:
    """One post in the user's scope (404 otherwise); the read is audited."""
    return read_audited_or_404(user, posts_visible_to(user), pk)


def highlighted(post: Post) -> list[dict[str, Any]]:
    """The post's text cut into pieces, the cues' spans marked (overlaps merged):
    ``[{"text": ..., "cue": {"label", "normalised", "weight"} | None}]``."""
    text = post.text
    spans = sorted(
        (
            (int(c["start"]), int(c["end"]), c)
            for c in post.cues
            if 0 <= int(c.get("start", -1)) < int(c.get("end", -1)) <= len(text)
        ),
        key=lambda item: (item[0], -item[1]),
    )
    pieces: list[dict[str, Any]] = []
    position = 0
    for start, end, cue in spans:
        if start < position:
            continue
        if start > position:
            pieces.append({"text": text[position:start], "cue": None})
        pieces.append({"text": text[start:end], "cue": cue})
        position = end
    if position < len(text):
        pieces.append({"text": text[position:], "cue": None})
    return pieces


def cluster_of(user: User, post: Post, *, limit: int = 50) -> QuerySet[Post]:
    head = post.cluster_head_id or post.pk
    return (
        posts_visible_to(user)
        .filter(cluster_head_id=head)
        .exclude(pk=post.pk)
        .defer("signature")
        .order_by("pk")[:limit]
    )


@dataclass
class Network:
    posts: list[Post]
    size: int
    platforms: list[str]
    clues: list[Any]


def network_of(user: User, post: Post, *, limit: int = 30) -> Network:
    """Other posts sharing a contact detail with this one (through the network), and
    the clues (tips) that name one of the post's contact details."""
    from homeward.tips.models import TipIdentifier
    from homeward.tips.selectors import tips_visible_to

    digests = list(PostIdentifier.objects.filter(post=post).values_list("digest", flat=True))
    clues: list[Any] = []
    if digests:
        tip_ids = TipIdentifier.objects.filter(digest__in=digests).values_list("tip_id", flat=True)
        clues = list(tips_visible_to(user).filter(pk__in=tip_ids).order_by("-received_hour")[:20])
    if not post.network_id:
        return Network(posts=[], size=1, platforms=[post.platform.name], clues=clues)
    members = posts_visible_to(user).filter(network_id=post.network_id)
    platforms = sorted(set(members.values_list("platform__name", flat=True)))
    return Network(
        posts=list(members.exclude(pk=post.pk).defer("signature").order_by("pk")[:limit]),
        size=members.count(),
        platforms=platforms,
        clues=clues,
    )


def identifiers_of(post: Post) -> list[PostIdentifier]:
    return list(PostIdentifier.objects.filter(post=post).order_by("kind", "pk"))


# --- operations and their figures ----------------------------------------------------------


def operations_visible_to(user: User) -> QuerySet[Operation]:
    """Municipal units see every operation; a district unit its own and the municipal
    ones that cover its district (or all districts)."""
    if not works_screening(user):
        return Operation.objects.none()
    operations = Operation.objects.select_related("owning_agency")
    scope = scope_of(user)
    if scope.all_divisions:
        return operations
    return operations.filter(
        Q(owning_agency__division_id=scope.division_id)
        | Q(owning_agency__division__isnull=True, districts__isnull=True)
        | Q(owning_agency__division__isnull=True, districts=scope.division_id)
    ).distinct()


def operation_changeable_by(user: User, operation: Operation) -> bool:
    """Whether the user may start or end the operation: its own unit, or the municipal
    unit of the same kind (``core.actors.require_unit``), with the operating permission."""
    if not user.has_perm(P_SCREEN_OPERATE):
        return False
    if user.agency_id == operation.owning_agency_id:
        return True
    return bool(user.agency.is_municipal and user.agency.kind == operation.owning_agency.kind)


FIGURES = ("screened", "flagged", "confirmed", "taken_down", "clues_opened")


def operation_figures(operations: QuerySet[Operation] | list[int]) -> dict[int, dict[str, int]]:
    """Each operation's figures, computed from its records: posts screened, flagged,
    confirmed (a reviewer's or with its cluster), taken down (the platform confirmed the
    removal), clues opened. ``{operation id: {figure: count}}``."""
    ids = (
        list(operations)
        if isinstance(operations, list)
        else list(operations.values_list("pk", flat=True))
    )
    figures: dict[int, dict[str, int]] = {pk: dict.fromkeys(FIGURES, 0) for pk in ids}
    rows = (
        Post.objects.filter(operation_id__in=ids)
        .values("operation_id")
        .annotate(
            screened=Count("pk"),
            flagged=Count("pk", filter=Q(flagged=True)),
            confirmed=Count("pk", filter=Q(status=Post.Status.CONFIRMED)),
            clues_opened=Count("tip_id", distinct=True),
        )
        .order_by()
    )
    for row in rows:
        figures[row.pop("operation_id")].update(row)
    removed = (
        Takedown.objects.filter(
            post__operation_id__in=ids, status=Takedown.Status.CONFIRMED_REMOVED
        )
        .values("post__operation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in removed:
        figures[row["post__operation_id"]]["taken_down"] = row["n"]
    return figures


def plan_counts(start: datetime, end: datetime) -> Counts:
    """Online screening's figures in [start, end) per district (the plan's indicators,
    三、(四)): posts screened, flagged and confirmed, posts taken down, clues opened."""
    posts = Post.objects.filter(received_at__gte=start, received_at__lt=end)
    counts = per_division(
        posts,
        online_posts_screened=Count("pk"),
        online_posts_flagged=Count("pk", filter=Q(flagged=True)),
        online_posts_confirmed=Count("pk", filter=Q(status=Post.Status.CONFIRMED)),
        online_clues_opened=Count("tip_id", distinct=True),
    )
    removed = per_division(
        Takedown.objects.filter(
            status=Takedown.Status.CONFIRMED_REMOVED, closed_at__gte=start, closed_at__lt=end
        ),
        division_field="post__division",
        online_posts_taken_down=Count("pk"),
    )
    for district, figures in removed.items():
        counts.setdefault(district, {}).update(figures)
    return counts


# --- platforms ------------------------------------------------------------------------------


def manages_platforms(user: User) -> bool:
    """Municipal units that run online screening manage the platforms."""
    return bool(user.has_perm(P_SCREEN_OPERATE) and scope_of(user).all_divisions)


@dataclass
class PlatformRow:
    platform: Platform
    posts: int
    open_takedowns: int
    overdue_takedowns: int


def platform_rows(now: datetime | None = None) -> list[PlatformRow]:
    """Every platform with its posts and its open (and overdue) takedown requests:
    figures only, no post is shown."""
    moment = now or timezone.now()
    # One grouped query per table (a join of posts and takedowns would multiply rows).
    posts = dict(
        Post.objects.values("platform_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("platform_id", "n")
    )
    takedowns = {
        row["platform_id"]: row
        for row in Takedown.objects.filter(
            status__in=[Takedown.Status.REQUESTED, Takedown.Status.ACKNOWLEDGED]
        )
        .values("platform_id")
        .annotate(n_open=Count("pk"), n_overdue=Count("pk", filter=Q(due_at__lt=moment)))
        .order_by()
    }
    return [
        PlatformRow(
            platform=platform,
            posts=posts.get(platform.pk, 0),
            open_takedowns=takedowns.get(platform.pk, {}).get("n_open", 0),
            overdue_takedowns=takedowns.get(platform.pk, {}).get("n_overdue", 0),
        )
        for platform in Platform.objects.order_by("-active", "code")
    ]


# --- takedowns ------------------------------------------------------------------------------


def takedowns_visible_to(user: User) -> QuerySet[Takedown]:
    if not works_screening(user):
        return Takedown.objects.none()
    return scope_filter(
        Takedown.objects.select_related("post", "platform", "post__division"),
        user,
        division_field="post__division",
    )


def takedowns_overdue(user: User, now: datetime | None = None) -> QuerySet[Takedown]:
    return takedowns_visible_to(user).filter(
        status__in=[Takedown.Status.REQUESTED, Takedown.Status.ACKNOWLEDGED],
        due_at__lt=now or timezone.now(),
    )


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's screening figures: flagged posts waiting for review and
    takedown requests past their due time."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    if not user.has_perm(P_SCREEN_REVIEW):
        return []
    # One aggregate for the module (a post has at most one takedown request).
    counts = posts_visible_to(user).aggregate(
        waiting=Count("pk", filter=Q(flagged=True, status=Post.Status.PENDING)),
        overdue=Count(
            "takedown",
            filter=Q(
                takedown__status__in=[Takedown.Status.REQUESTED, Takedown.Status.ACKNOWLEDGED],
                takedown__due_at__lt=timezone.now(),
            ),
        ),
    )
    return [
        WorkItem(
            WorkKind.WAITING,
            _("Flagged online posts waiting for review"),
            counts["waiting"],
            reverse("screening:queue"),
        ),
        WorkItem(
            WorkKind.OVERDUE,
            _("Takedown requests past their due time"),
            counts["overdue"],
            f"{reverse('screening:takedowns')}?overdue=1",
        ),
    ]

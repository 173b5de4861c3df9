"""Reads of the core app. Reference data (divisions, agencies) is not personal
data and is visible to every portal user; the audit trail only to auditors."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from homeward.core.models import (
    Agency,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    Division,
    Township,
    User,
)


def _count_of(model: type[Agency] | type[Township]) -> Subquery:
    # One small aggregate per row instead of a join of agencies x townships.
    return Subquery(
        model.objects.filter(division=OuterRef("pk"))
        .order_by()
        .values("division")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def divisions_with_counts() -> QuerySet[Division]:
    """The 38 divisions with agency and township counts, without their boundaries."""
    return (
        Division.objects.defer("boundary")
        .annotate(
            agency_count=Coalesce(_count_of(Agency), 0),
            township_count=Coalesce(_count_of(Township), 0),
        )
        .order_by("code")
    )


def division_get(code: str) -> Division:
    try:
        return Division.objects.get(code=code)
    except Division.DoesNotExist:
        raise Http404 from None


def agencies_of_division(division: Division) -> QuerySet[Agency]:
    return Agency.objects.filter(division=division).select_related("parent").order_by("kind")


def municipal_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(division__isnull=True).order_by("kind")


def agencies_search(
    *, query: str = "", division_code: str = "", kind: str = ""
) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("division")
    if query:
        agencies = agencies.filter(name_zh__icontains=query) | agencies.filter(
            name_en__icontains=query
        )
    if division_code == "municipal":
        agencies = agencies.filter(division__isnull=True)
    elif division_code:
        agencies = agencies.filter(division__code=division_code)
    if kind:
        agencies = agencies.filter(kind=kind)
    return agencies.order_by("level", "division__code", "kind")


def audit_events_for(user: User, *, action: str = "", actor: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_username=actor)
    return events.order_by("-id")


def audit_checkpoints_recent(limit: int = 10) -> list[AuditCheckpoint]:
    """The newest signed anchors of the chain, as written to the anchor file (the
    auditor compares them with the copy on the log host)."""
    return list(AuditCheckpoint.objects.order_by("-id")[:limit])


def audit_head() -> AuditChainHead | None:
    return AuditChainHead.objects.filter(id=1).first()


def users_for_admin() -> QuerySet[User]:
    return User.objects.select_related("agency", "agency__division").prefetch_related(
        "role_assignments"
    )


def townships_search(query: str, *, limit: int = 12) -> list[Township]:
    """Townships and subdistricts whose name (or whose district's name) contains each
    word of ``query``: reference data, the same for every user."""
    from django.db.models import Q

    words = [word for word in query.replace("，", " ").replace(",", " ").split() if word][:3]
    if not words:
        return []
    townships = Township.objects.select_related("division")
    for word in words:
        townships = townships.filter(
            Q(name_zh__contains=word) | Q(division__name_zh__contains=word)
        )
    return list(townships.order_by("division__code", "code")[:limit])

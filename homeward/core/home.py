"""Each role's home page starts with its own work: what is overdue, what is due this week,
what is new since the last visit, and what waits for the user.

Every module reads its own figures in ``<app>.selectors.home_work(user, *, since, today)``
(scoped like its other selectors) and returns a list of :class:`WorkItem`. The home page
only collects them: it never queries another module's tables itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from homeward.core.audit_actions import AuditAction
from homeward.core.models import AuditEvent, User


class WorkKind(StrEnum):
    OVERDUE = "overdue"
    WEEK = "week"
    NEW = "new"
    WAITING = "waiting"


@dataclass(frozen=True)
class WorkItem:
    kind: WorkKind
    label: str | Promise
    count: int
    url: str


HomeWork = Callable[..., list[WorkItem]]

# The modules whose selectors offer a home_work() reader, in the order they are shown.
HOME_WORK_SOURCES: tuple[str, ...] = (
    "homeward.tips.selectors.home_work",
    "homeward.cases.selectors.home_work",
    "homeward.alerts.selectors.home_work",
    "homeward.dna.selectors.home_work",
    "homeward.prevention.selectors.home_work",
    "homeward.victims.selectors.home_work",
    "homeward.coordination.selectors.home_work",
    "homeward.screening.selectors.home_work",
    "homeward.analysis.selectors.home_work",
)


# Readers of one or two figures of the user's own work (this year, their area), shown
# above the work lists: ``(user, *, today) -> list`` of items with label, value, note, url.
HOME_FIGURE_SOURCES: tuple[str, ...] = ("homeward.analysis.selectors.home_figures",)


def figures_for(user: User, *, today: date) -> list[object]:
    figures: list[object] = []
    for dotted in HOME_FIGURE_SOURCES:
        figures.extend(import_string(dotted)(user, today=today))
    return figures


def previous_visit(user: User) -> datetime | None:
    """When the user signed in before this session (from the audit trail's login events,
    read through its object index); None on a first sign-in."""
    logins = (
        AuditEvent.objects.filter(
            object_type="core.user", object_id=str(user.pk), action=AuditAction.LOGIN
        )
        .order_by("-seq")
        .values_list("created_at", flat=True)
    )
    previous = list(logins[1:2])
    return previous[0] if previous else None


def work_for(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """Every module's work items for ``user`` that are not zero."""
    items: list[WorkItem] = []
    for dotted in HOME_WORK_SOURCES:
        reader: HomeWork = import_string(dotted)
        items.extend(item for item in reader(user, since=since, today=today) if item.count)
    return items


def count_or_zero(queryset: QuerySet, enabled: bool = True) -> int:  # type: ignore[type-arg]
    return queryset.count() if enabled else 0

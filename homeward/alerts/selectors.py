"""Reads of the alert module, scoped to the user.

Police with ``alerts.view_alert`` see the alerts of their district, or every alert when
their agency is municipal. Published and ended alerts of other districts stay visible in
the list of active alerts (everyone in the force looks for every missing child), but
their operations page and sightings belong to the alert's district and the municipal
bureau. The public sees the whitelisted notice only (``homeward.alerts.public``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from homeward.alerts.models import (
    Alert,
    AlertRing,
    AlertStatus,
    Channel,
    CommandNotice,
    Delivery,
    DeliveryStatus,
    PartnerPush,
    Sex,
    Sighting,
)
from homeward.core.audit import read_audited_or_404
from homeward.core.counts import Counts
from homeward.core.figures import FigureDefinition, figure_counts
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import User
from homeward.core.scoping import scope_filter


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    return scope_filter(Alert.objects.all(), user).select_related(
        "division", "owning_agency", "case"
    )


def alert_get_for_user(user: User, alert_id: int, *, purpose: str = "") -> Alert:
    """One alert in the user's scope, the read audited (it concerns a minor); else 404."""
    return read_audited_or_404(user, alerts_visible_to(user), alert_id, purpose=purpose)


def active_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(status=AlertStatus.PUBLISHED).order_by("-published_at", "-pk")


@dataclass(frozen=True)
class RingCount:
    ring: AlertRing
    by_channel: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return sum(sum(statuses.values()) for statuses in self.by_channel.values())

    @property
    def sent(self) -> int:
        return sum(s.get(DeliveryStatus.SENT, 0) for s in self.by_channel.values())

    @property
    def labelled(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """Channel and status labels with their counts, for display."""
        return [
            (
                str(Channel(channel).label),
                [(str(DeliveryStatus(status).label), n) for status, n in sorted(statuses.items())],
            )
            for channel, statuses in sorted(self.by_channel.items())
        ]

    @property
    def failed(self) -> int:
        return sum(
            s.get(DeliveryStatus.FAILED, 0) + s.get(DeliveryStatus.DEAD, 0)
            for s in self.by_channel.values()
        )


def ring_counts(alert: Alert) -> list[RingCount]:
    rows = (
        Delivery.objects.filter(alert=alert)
        .values("ring_id", "channel", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[int, dict[str, dict[str, int]]] = {}
    for row in rows:
        table.setdefault(row["ring_id"], {}).setdefault(row["channel"], {})[row["status"]] = row[
            "n"
        ]
    return [RingCount(ring, table.get(ring.pk, {})) for ring in alert.rings.order_by("stage")]


def delivery_failures(alert: Alert, limit: int = 50) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(
            alert=alert, status__in=[DeliveryStatus.FAILED, DeliveryStatus.DEAD]
        )
        .select_related("ring")
        .order_by("-pk")[:limit]
    )


def partner_pushes(alert: Alert) -> QuerySet[PartnerPush]:
    return (
        PartnerPush.objects.filter(message__alert=alert)
        .select_related("message", "partner")
        .order_by("message__sequence", "partner__code")
    )


# Sightings within this distance count as "near" and come first, newest first.
NEAR_KM = 20.0


def sightings_queue(alert: Alert) -> list[Sighting]:
    """The task force's queue: open sightings, nearest and newest first.

    Sightings are banded by distance from the last-seen place (unknown distance last);
    within a band the newest come first.
    """
    sightings = list(Sighting.objects.filter(alert=alert).exclude(status=Sighting.Status.DISMISSED))

    def key(s: Sighting) -> tuple[int, int, float]:
        done = 1 if s.status == Sighting.Status.CONVERTED else 0
        band = int(s.distance_km // NEAR_KM) if s.distance_km is not None else 10**6
        return (done, band, -s.reported_at.timestamp())

    return sorted(sightings, key=key)


def open_notices(user: User) -> QuerySet[CommandNotice]:
    """Unacknowledged notices for the user's own unit (the command centre's inbox)."""
    return (
        CommandNotice.objects.filter(agency=user.agency, acknowledged_at__isnull=True)
        .select_related("alert")
        .order_by("-created_at")
    )


def elapsed_since_disappearance(alert: Alert, now: datetime | None = None) -> timedelta | None:
    if alert.last_seen_at is None:
        return None
    return (now or timezone.now()) - alert.last_seen_at


def alert_counts(user: User) -> dict[str, int]:
    rows = alerts_visible_to(user).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def sightings_new_count(alert: Alert) -> int:
    return Sighting.objects.filter(alert=alert, status=Sighting.Status.NEW).count()


__all__ = [
    "active_alerts",
    "alert_counts",
    "alert_get_for_user",
    "alerts_visible_to",
    "delivery_failures",
    "elapsed_since_disappearance",
    "open_notices",
    "partner_pushes",
    "ring_counts",
    "sightings_new_count",
    "sightings_queue",
]


# The module's figures (core.figures), read by the plan's indicators and the situation
# analysis. ``updated_at`` moves with every change of an alert.
FIGURES: list[FigureDefinition] = [
    FigureDefinition(
        key="alerts_published",
        label=gettext_lazy("Alerts published"),
        model="alerts.Alert",
        date_field="published_at",
        category_field="sex",
        category_labels=dict(Sex.choices),
        children=True,
        changed_field="updated_at",
    ),
    FigureDefinition(
        key="children_found",
        label=gettext_lazy("Children found safe (alerts)"),
        model="alerts.Alert",
        date_field="published_at",
        category_field="sex",
        category_labels=dict(Sex.choices),
        children=True,
        condition=Q(outcome=Alert.Outcome.FOUND_SAFE),
        changed_field="updated_at",
    ),
    FigureDefinition(
        key="children_found_24h",
        label=gettext_lazy("Children found within 24 hours of the alert"),
        model="alerts.Alert",
        date_field="published_at",
        category_field="sex",
        category_labels=dict(Sex.choices),
        children=True,
        condition=Q(
            outcome=Alert.Outcome.FOUND_SAFE,
            ended_at__lte=F("published_at") + timedelta(hours=24),
        ),
        changed_field="updated_at",
    ),
    FigureDefinition(
        key="children_found_7d",
        label=gettext_lazy("Children found within 7 days of the alert"),
        model="alerts.Alert",
        date_field="published_at",
        category_field="sex",
        category_labels=dict(Sex.choices),
        children=True,
        condition=Q(
            outcome=Alert.Outcome.FOUND_SAFE,
            ended_at__lte=F("published_at") + timedelta(days=7),
        ),
        changed_field="updated_at",
    ),
]


def plan_counts(start: datetime, end: datetime) -> Counts:
    """Alerts published in [start, end) and, of them, children found safe, per district."""
    return figure_counts(FIGURES[:2], start, end)


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's alert figures: alerts running, sightings not yet looked at,
    command-centre notices not yet acknowledged."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from homeward.core.roles import P_ALERT_VIEW

    if not user.has_perm(P_ALERT_VIEW):
        return []
    from django.db.models import Q

    url = reverse("alerts:list")
    running = alerts_visible_to(user).filter(status=AlertStatus.PUBLISHED)
    figures = running.aggregate(
        alerts=Count("pk", distinct=True),
        sightings=Count("sightings", filter=Q(sightings__status=Sighting.Status.NEW)),
    )
    return [
        WorkItem(WorkKind.NEW, _("Sightings not yet reviewed"), figures["sightings"], url),
        WorkItem(
            WorkKind.WAITING,
            _("Command-centre notices to acknowledge"),
            open_notices(user).count(),
            url,
        ),
        WorkItem(WorkKind.WAITING, _("Alerts running"), figures["alerts"], url),
    ]

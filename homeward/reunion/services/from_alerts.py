"""An alert still unresolved after ``REUNION_ALERT_DAYS`` becomes a family search.

The tick job ``reunion.searches_from_alerts`` looks for missing-child alerts that are
still published (neither resolved nor withdrawn) that long after they were published
and registers one family search for each, linked to the alert, with what the alert
says of the child (the registry record, name or alias, sex, age, where and when last
seen, features). The police verify it like any other registration — which asks the
family for blood — and only then is it matched.

Idempotent: the alert row is locked and everything is checked again under the lock,
and the search's link to its alert is unique, so a tick run twice, two processes at
once, or a tick that comes days late create one search an alert.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.alerts.models import Alert, AlertStatus
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.tick import paced
from homeward.reunion.models import SearchRegistration, Sex
from homeward.reunion.services.registration import _clean, _tracking_code

logger = logging.getLogger("homeward.reunion")

BATCH = 200  # alerts a tick; the rest wait for the next tick


def _due(now: datetime) -> Any:
    cutoff = now - timedelta(days=settings.REUNION_ALERT_DAYS)
    return Alert.objects.filter(status=AlertStatus.PUBLISHED, published_at__lte=cutoff)


def _fields(alert: Alert) -> dict[str, Any]:
    """What the alert says of the child, as a registration's fields."""
    child = alert.child
    name = child.full_name if child is not None else ""
    alias = alert.public_name.strip()
    seen = timezone.localdate(alert.last_seen_at) if alert.last_seen_at else None
    sex = alert.sex if alert.sex in Sex.values else Sex.UNKNOWN
    if sex == Sex.UNKNOWN and child is not None and child.sex in Sex.values:
        sex = child.sex
    return {
        "name": name,
        # The public notice's name is an alias or the name itself.
        "nickname": alias if alias and alias != name else "",
        "sex": sex,
        "birth_date": child.date_of_birth.isoformat() if child and child.date_of_birth else "",
        "age_stated": alert.age_years,
        "age_kind": SearchRegistration.AgeKind.FULL,
        "missing_date": seen.isoformat() if seen else "",
        "missing_place": alert.last_seen_place,
        "marks": alert.features,
        "height_band": str(alert.height_cm) if alert.height_cm else "",
        "report_date": timezone.localdate(alert.published_at) if alert.published_at else None,
    }


def search_from_alert(alert_id: int, *, now: datetime | None = None) -> SearchRegistration | None:
    """The family search of one unresolved alert; None when it is not due (any more) or
    already has one."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REUNION_ALERT_DAYS)
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("child", "division", "owning_agency")
            .filter(pk=alert_id)
            .first()
        )
        # Checked again under the lock: resolved or withdrawn meanwhile, not yet due
        # (a clock moved back), or a search made by another run.
        if (
            alert is None
            or alert.status != AlertStatus.PUBLISHED
            or alert.published_at is None
            or alert.published_at > cutoff
            or SearchRegistration.objects.filter(alert_id=alert.pk).exists()
        ):
            return None
        fields = _fields(alert)
        try:
            cleaned = _clean(SearchRegistration.Kind.FAMILY, alert.division, fields)
        except ValidationError as error:
            # A value the engine cannot read (an old alert's odd date) is left out
            # rather than blocking the search; the police complete it when verifying.
            logger.warning("alert %s: fields left out of its search: %s", alert.pk, error)
            for name in getattr(error, "error_dict", {}):
                fields[name] = None if name in {"age_stated", "report_date"} else ""
            try:
                cleaned = _clean(SearchRegistration.Kind.FAMILY, alert.division, fields)
            except ValidationError:
                logger.exception("alert %s: no search could be made of it", alert.pk)
                return None
        try:
            with transaction.atomic():
                search = SearchRegistration.objects.create(
                    tracking_code=_tracking_code(),
                    kind=SearchRegistration.Kind.FAMILY,
                    channel=SearchRegistration.Channel.ALERT,
                    division=alert.division,
                    owning_agency=alert.owning_agency,
                    person=alert.child,
                    case_id=alert.case_id,
                    alert=alert,
                    registered_at=now,
                    **cleaned,
                )
        except IntegrityError:
            return None  # another process made it first (the link is unique)
        audit_record(
            actor=None,
            action=AuditAction.REUNION_SEARCH_FROM_ALERT,
            obj=search,
            detail={"alert": alert.pk, "days": settings.REUNION_ALERT_DAYS},
            actor_username="system",
        )
        return search


def searches_from_unresolved_alerts(now: datetime | None = None) -> int:
    """Tick job: a search for every alert unresolved after ``REUNION_ALERT_DAYS``."""
    now = now or timezone.now()
    ids = list(
        _due(now)
        .exclude(pk__in=SearchRegistration.objects.filter(alert__isnull=False).values("alert_id"))
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    made = 0
    for alert_id in paced(ids):
        if search_from_alert(alert_id, now=now) is not None:
            made += 1
    return made

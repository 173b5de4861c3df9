"""The public notice of an alert: the whitelist of what may leave the police.

Name or alias, sex, age (never the birth date), height and build, clothing, features for
recognition, the photo (re-encoded, EXIF removed), the last-seen time and place at street
or landmark level, and the police hotline. Nothing else: no ID number, home address,
guardian contacts, school, health details or anything about trafficking.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from homeward.alerts.models import Alert

PUBLIC_FIELDS = frozenset(
    {
        "id",
        "status",
        "name",
        "sex",
        "age",
        "height_cm",
        "build",
        "clothing",
        "features",
        "photo_url",
        "last_seen_at",
        "last_seen_place",
        "hotline",
        "published_at",
        "page_url",
    }
)


def public_notice(alert: Alert) -> dict[str, Any]:
    """The public JSON of an alert; for an ended alert only that it ended."""
    if not alert.is_active:
        return {
            "id": str(alert.public_id),
            "status": "found"
            if alert.status == Alert.Status.RESOLVED and alert.outcome == Alert.Outcome.FOUND_SAFE
            else "ended",
        }
    return {
        "id": str(alert.public_id),
        "status": "active",
        "name": alert.public_name,
        "sex": alert.sex,
        "age": alert.age_years,
        "height_cm": alert.height_cm,
        "build": alert.build,
        "clothing": alert.clothing,
        "features": alert.features,
        "photo_url": reverse("public_alerts:photo", args=[alert.public_id])
        if alert.photo
        else None,
        "last_seen_at": alert.last_seen_at.isoformat() if alert.last_seen_at else None,
        "last_seen_place": alert.last_seen_place,
        "hotline": alert.hotline,
        "published_at": alert.published_at.isoformat() if alert.published_at else None,
        "page_url": reverse("public_alerts:detail", args=[alert.public_id]),
    }

"""End of retention (SECURITY.md DP-04; PIPL Art. 47): personal information whose
declared retention (core.inventory) has run out is erased by the tick, and each run is
audited with its counts. The record itself stays, so statistics and the case history
keep their rows.

One rule so far: the contact and photo a member of the public left with a sighting are
erased ``SIGHTING_RETENTION_DAYS`` after the alert ended.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction


@transaction.atomic
def sightings_anonymise(*, now: datetime | None = None) -> int:
    """Erase the contact and the photo of sightings on alerts that ended more than
    ``SIGHTING_RETENTION_DAYS`` ago; returns how many sightings were anonymised."""
    from homeward.alerts.models import Sighting

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SIGHTING_RETENTION_DAYS)
    # An empty contact is stored empty (not encrypted), so SQL finds what is left to do.
    expired = (
        Sighting.objects.select_for_update()
        .filter(alert__ended_at__lt=cutoff)
        .exclude(Q(photo="") & Q(contact=""))
        .only("pk", "photo", "contact")
    )
    count = 0
    for sighting in expired:
        if sighting.photo:
            sighting.photo.delete(save=False)
        sighting.contact = ""
        sighting.save(update_fields=["photo", "contact"])
        count += 1
    if count:
        audit_record(
            actor=None,
            action=AuditAction.RETENTION_ANONYMISE,
            object_type="alerts.Sighting",
            detail={"anonymised": count, "fields": ["contact", "photo"], "before": str(cutoff)},
            actor_username="system",
        )
    return count

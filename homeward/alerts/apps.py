from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "homeward.alerts"
    label = "alerts"
    verbose_name = _("Missing-child alerts")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from homeward.geotarget import RadiusSchedule

        try:
            RadiusSchedule.parse(settings.ALERT_RADIUS_SCHEDULE)
        except ValueError as exc:
            raise ImproperlyConfigured(f"HOMEWARD_ALERT_RADIUS_SCHEDULE: {exc}") from exc

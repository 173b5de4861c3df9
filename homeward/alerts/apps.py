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

        from homeward.core.policy import PolicyKey, register
        from homeward.geotarget import RadiusSchedule

        try:
            RadiusSchedule.parse(settings.ALERT_RADIUS_SCHEDULE)
        except ValueError as exc:
            raise ImproperlyConfigured(f"HOMEWARD_ALERT_RADIUS_SCHEDULE: {exc}") from exc
        register(
            PolicyKey(
                key="alert_radius_schedule",
                label=_("Alert radius schedule"),
                help=_(
                    "Minutes since the disappearance : kilometres, separated by commas; the"
                    " first stage at 0, times and radii increasing (for example"
                    " 0:100,60:200,120:300,180:500). New alerts take the schedule in force."
                ),
                default=lambda: settings.ALERT_RADIUS_SCHEDULE,
                parse=_parse_radius_schedule,
            )
        )


def _parse_radius_schedule(text: str) -> object:
    from django.utils.translation import gettext

    from homeward.geotarget import RadiusSchedule

    try:
        return RadiusSchedule.parse(text)
    except ValueError:
        raise ValueError(
            gettext(
                "Write minutes:kilometres stages separated by commas, starting at 0, with times"
                " and radii increasing and radii up to 3000 km."
            )
        ) from None

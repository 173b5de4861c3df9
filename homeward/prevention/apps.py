from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "homeward.prevention"
    label = "prevention"
    verbose_name = _("Prevention")

    def ready(self) -> None:
        from django.conf import settings

        from homeward.core.policy import PolicyKey, parse_days, register

        register(
            PolicyKey(
                key="dropout_no_contact_days",
                label=_("Dropout with no contact reported as possibly missing after (days)"),
                help=_("From 1 to 90 days."),
                default=lambda: str(settings.PREVENTION_DROPOUT_NO_CONTACT_DAYS),
                parse=lambda text: parse_days(text, maximum=90),
            )
        )

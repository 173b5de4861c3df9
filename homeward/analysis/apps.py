from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "homeward.analysis"
    label = "analysis"
    verbose_name = _("Situation analysis and early warning")

    def ready(self) -> None:
        from homeward.core.navigation import NavEntry, register
        from homeward.core.roles import P_PORTAL

        register(
            NavEntry(
                "analysis:dashboard",
                _("Situation analysis"),
                P_PORTAL,
                when="homeward.analysis.selectors.can_view_situation",
            )
        )

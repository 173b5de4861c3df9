from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "homeward.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from homeward.core import checks, signals  # noqa: F401  (register checks and receivers)
        from homeward.core.keys import keyring

        # Fail at start-up, not at the first encrypted write, when keys are missing.
        keyring()

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "homeward.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from homeward.core import checks, form_messages, signals  # noqa: F401  (checks, receivers)
        from homeward.core.keys import keyring

        # Every form, ours or Django's, speaks in the platform's words (issue 12).
        form_messages.install()
        # Fail at start-up, not at the first encrypted write, when keys are missing.
        keyring()

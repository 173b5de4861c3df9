from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "homeward.screening"
    label = "screening"
    verbose_name = _("Online screening")

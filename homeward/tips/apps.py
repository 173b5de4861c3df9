from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "homeward.tips"
    label = "tips"
    verbose_name = _("Clues")

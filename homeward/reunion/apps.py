from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReunionConfig(AppConfig):
    name = "homeward.reunion"
    label = "reunion"
    verbose_name = _("Finding relatives")

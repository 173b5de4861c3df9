"""Policy settings changed by the system administrator (the alert radius schedule, the
legal-aid green channel's deadlines …): stored here, with the deployment's settings as
defaults. Which keys exist and how a value is read is declared in ``core.policy``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicySetting(models.Model):
    key = models.CharField(_("Setting"), max_length=64, unique=True)
    # The value in its canonical text form, checked by the key's parser before saving.
    value = models.TextField(_("Value"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("Policy setting")

    def __str__(self) -> str:
        return self.key

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The green channel's steps as the policy setting names them.
LEGAL_AID_STEPS = {"review": "审查", "assign": "指派", "handle": "办理"}


class VictimsConfig(AppConfig):
    name = "homeward.victims"
    label = "victims"
    verbose_name = _("Victims")

    def ready(self) -> None:
        from django.conf import settings

        from homeward.core.policy import PolicyKey, parse_day_list, parse_named_days, register

        register(
            PolicyKey(
                key="legal_aid_sla_days",
                label=_("Legal-aid green channel: working days per step"),
                help=_(
                    "Working days for each step, as 审查:1,指派:2,办理:30; public holidays and"
                    " 调休 are counted."
                ),
                default=lambda: ",".join(
                    f"{LEGAL_AID_STEPS[step]}:{days}"
                    for step, days in settings.VICTIMS_LEGAL_AID_SLA_DAYS.items()
                ),
                parse=lambda text: parse_named_days(text, LEGAL_AID_STEPS),
            )
        )
        register(
            PolicyKey(
                key="victims_follow_up_days",
                label=_("Follow-up visits after a return (days)"),
                help=_("Days after the return, increasing, separated by commas (30,90,180,365)."),
                default=lambda: ",".join(str(d) for d in settings.VICTIMS_FOLLOW_UP_DAYS),
                parse=parse_day_list,
            )
        )

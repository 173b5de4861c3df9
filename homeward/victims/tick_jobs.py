"""The victims module's part of tick(): the 3-month household-registration duty,
overdue follow-up visits, and legal-aid steps past their deadline."""

from __future__ import annotations

from homeward.core.tick import tick_job


@tick_job("victims.registration_tasks")
def registration_tasks() -> int:
    from homeward.victims.services import registration_tasks_due

    return registration_tasks_due()


@tick_job("victims.follow_ups")
def follow_ups() -> int:
    from homeward.victims.services import follow_ups_flag_overdue

    return follow_ups_flag_overdue()


@tick_job("victims.legal_aid_escalation")
def legal_aid_escalation() -> int:
    from homeward.victims.services import legal_aid_escalate_overdue

    return legal_aid_escalate_overdue()

"""Every write of the case module, one service per state change
(``<entity>_<verb>(*, actor, ...)``), each under ``transaction.atomic`` and writing its
timeline entry and audit event in that transaction."""

from __future__ import annotations

from homeward.cases.services.case_file import (
    case_change_status,
    case_number_allocate,
    case_open,
    case_update,
    division_short_name,
)
from homeward.cases.services.parties import case_party_add, interview_record
from homeward.cases.services.supervision import (
    supervision_listing_create,
    supervision_listing_lift,
    supervision_listings_flag_overdue,
    supervision_report_submit,
)
from homeward.cases.services.task_force import (
    progress_entry_add,
    task_force_add_member,
    task_force_change_leader,
    task_force_dissolve,
)

__all__ = [
    "case_change_status",
    "case_number_allocate",
    "case_open",
    "case_party_add",
    "case_update",
    "division_short_name",
    "interview_record",
    "progress_entry_add",
    "supervision_listing_create",
    "supervision_listing_lift",
    "supervision_listings_flag_overdue",
    "supervision_report_submit",
    "task_force_add_member",
    "task_force_change_leader",
    "task_force_dissolve",
]

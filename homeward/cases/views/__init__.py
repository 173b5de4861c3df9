"""Case pages. Thin views: form → selector (scope, audited read) → one service →
render or redirect. Split by sub-domain; ``urls.py`` reaches them through this package."""

from __future__ import annotations

from homeward.cases.views.case_file import (
    case_create,
    case_detail,
    case_export,
    case_list,
    case_status,
    case_summary_pdf_view,
    cold_case_list,
)
from homeward.cases.views.parties import interview_add, interview_detail, party_add
from homeward.cases.views.supervision import (
    supervision_case,
    supervision_lift,
    supervision_list,
    supervision_new,
    supervision_report,
)
from homeward.cases.views.task_force import (
    leader_change,
    member_add,
    progress_add,
    task_force_dissolve_view,
)

__all__ = [
    "case_create",
    "case_detail",
    "case_export",
    "case_list",
    "case_status",
    "case_summary_pdf_view",
    "cold_case_list",
    "interview_add",
    "interview_detail",
    "leader_change",
    "member_add",
    "party_add",
    "progress_add",
    "supervision_case",
    "supervision_lift",
    "supervision_list",
    "supervision_new",
    "supervision_report",
    "task_force_dissolve_view",
]

"""Stable error codes of the case module (raised as ``DomainError(code, message)``)."""

from __future__ import annotations

from enum import StrEnum


class CaseError(StrEnum):
    # The case file
    VERSION_CONFLICT = "version_conflict"
    DIVISION_REQUIRED = "division_required"
    CRIME_REQUIRED = "crime_required"
    UNKNOWN_CRIME = "unknown_crime"
    SOURCE_REFERENCE_NOT_APPLICABLE = "source_reference_not_applicable"
    CASE_CLOSED = "case_closed"
    # The workflow
    UNSOLVED_CANNOT_CLOSE = "unsolved_cannot_close"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    STATUS_UNCHANGED = "status_unchanged"
    # The task force (一长三包)
    LEADER_NOT_QUALIFIED = "leader_not_qualified"
    LEADER_UNCHANGED = "leader_unchanged"
    MEMBER_NOT_QUALIFIED = "member_not_qualified"
    ALREADY_MEMBER = "already_member"
    UNSOLVED_TASK_FORCE_STAYS = "unsolved_task_force_stays"
    TASK_FORCE_DISSOLVED = "task_force_dissolved"
    NOT_TASK_FORCE_MEMBER = "not_task_force_member"
    # People and interviews
    PERSON_NOT_VISIBLE = "person_not_visible"
    PERSON_ALREADY_IN_ROLE = "person_already_in_role"
    INTERVIEW_SUBJECT_NOT_VICTIM = "interview_subject_not_victim"
    INTERVIEW_IN_FUTURE = "interview_in_future"
    INTERVIEWER_NOT_POLICE = "interviewer_not_police"
    GUARDIAN_REQUIRED = "guardian_required"
    NOT_CASE_TEAM = "not_case_team"
    # Supervision (挂牌督办)
    NOT_SUPERVISOR = "not_supervisor"
    SUPERVISION_LEVEL_MISMATCH = "supervision_level_mismatch"
    ALREADY_LISTED = "already_listed"
    DEADLINE_IN_PAST = "deadline_in_past"
    LISTING_NOT_ACTIVE = "listing_not_active"

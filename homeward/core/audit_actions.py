"""The one list of audit action names (issue 13).

``audit_record`` accepts only a member of :class:`AuditAction`: a misspelt or new name
that is not listed here fails loudly (``ValueError``) in the first test that reaches it,
instead of writing an action that no auditor's filter or report knows. Add a name here,
in its module's group, when a service starts recording a new kind of event.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class AuditAction(StrEnum):
    # Reads, searches, exports and prints of personal data (AUD-01)
    READ = "read"
    LIST = "list"
    SEARCH = "search"
    EXPORT = "export"
    PRINT = "print"
    INTEGRITY_FAILURE = "integrity_failure"

    # Accounts, sign-in and roles
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCKOUT_CLEARED = "lockout_cleared"
    OTP_ENROLLED = "otp_enrolled"
    OTP_VERIFIED = "otp_verified"
    OTP_FAILED = "otp_failed"
    OTP_RESET = "otp_reset"
    REAUTHENTICATED = "reauthenticated"
    REAUTHENTICATION_FAILED = "reauthentication_failed"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an action name)
    PASSWORD_RESET_BY_ADMIN = "password_reset_by_admin"  # noqa: S105
    USER_CREATE = "user_create"
    USER_DEACTIVATE = "user_deactivate"
    USER_REACTIVATE = "user_reactivate"
    ROLE_CHANGE = "role_change"
    ROLE_REQUESTED = "role_requested"
    ROLE_REQUEST_DECIDED = "role_request_decided"
    SIGNIN_LINK_ISSUED = "signin_link_issued"
    SIGNIN_LINK_REVEALED = "signin_link_revealed"
    SIGNIN_LINK_USED = "signin_link_used"
    LOCKOUT = "lockout"
    BREAK_GLASS = "break_glass"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed"
    EXPORT_APPROVAL_REQUESTED = "export_approval_requested"
    EXPORT_APPROVAL_DECIDED = "export_approval_decided"
    EXPORT_REFUSED = "export_refused"

    # Reference data (issue 13): what a district sets up before any casework
    INSTITUTION_SAVE = "institution_save"
    SCHOOL_SAVE = "school_save"
    WORK_AREA_SET = "work_area_set"
    WORK_AREA_CLEAR = "work_area_clear"
    REFERENCE_IMPORT = "reference_import"
    AGENCY_SAVE = "agency_save"
    LEADER_POST_SET = "leader_post_set"
    PARTNER_UPDATE = "partner_update"
    PARTNER_TOKEN_ROTATE = "partner_token_rotate"  # noqa: S105 (an action name)
    POLICY_SETTING_SAVE = "policy_setting_save"

    # The audit trail and the keys themselves
    AUDIT_CHECKPOINT = "audit_checkpoint"
    AUDIT_PURGE = "audit_purge"
    KEY_FINGERPRINT_RECORDED = "key_fingerprint_recorded"
    RETENTION_ANONYMISE = "retention_anonymise"

    # People
    PERSON_CREATE = "person_create"
    PERSON_UPDATE = "person_update"
    PERSON_PHOTO_SET = "person_photo_set"

    # Clues and rewards
    TIP_RECEIVED = "tip_received"
    TIP_TRANSITION = "tip_transition"
    TIP_OVERDUE = "tip_overdue"
    TIP_JOINED_CASE = "tip_joined_case"
    TIP_FROM_ONLINE_POST = "tip_from_online_post"
    TIP_IDENTIFIERS_REINDEX = "tip_identifiers_reindex"
    REWARD_APPLIED = "reward_applied"
    REWARD_UNIT_APPROVED = "reward_unit_approved"
    REWARD_MUNICIPAL_APPROVED = "reward_municipal_approved"
    REWARD_PAID = "reward_paid"
    REWARD_REJECTED = "reward_rejected"
    REWARD_PAYMENT_REFUSED = "reward_payment_refused"

    # Cases
    CASE_OPEN = "case_open"
    CASE_UPDATE = "case_update"
    CASE_STATUS_CHANGE = "case_status_change"
    CASE_SUMMARY_PRINT = "case_summary_print"
    CASE_PARTY_ADD = "case_party_add"
    INTERVIEW_RECORD = "interview_record"
    TASK_FORCE_LEADER_CHANGE = "task_force_leader_change"
    TASK_FORCE_MEMBER_ADD = "task_force_member_add"
    TASK_FORCE_DISSOLVE = "task_force_dissolve"
    PROGRESS_ENTRY_ADD = "progress_entry_add"
    SUPERVISION_LISTING_CREATE = "supervision_listing_create"
    SUPERVISION_REPORT_SUBMIT = "supervision_report_submit"
    SUPERVISION_LISTING_LIFT = "supervision_listing_lift"
    SUPERVISION_OVERDUE = "supervision_overdue"

    # Missing-child alerts
    ALERT_DRAFT = "alert_draft"
    ALERT_UPDATE = "alert_update"
    ALERT_PUBLISH = "alert_publish"
    ALERT_EXPAND = "alert_expand"
    ALERT_CAP_RENEW = "alert_cap_renew"
    ALERT_RESOLVE = "alert_resolve"
    ALERT_WITHDRAW = "alert_withdraw"
    ALERT_END = "alert_end"
    ALERT_NOTICE_ACK = "alert_notice_ack"
    PARTNER_REGISTER = "partner_register"
    SIGHTING_RECEIVED = "sighting_received"
    SIGHTING_REVIEW = "sighting_review"
    SIGHTING_TO_CLUE = "sighting_to_clue"

    # DNA
    DNA_IMPORT = "dna_import"
    DNA_READ = "dna_read"
    DNA_SEARCH = "dna_search"
    DNA_SEARCH_DONE = "dna_search_done"
    DNA_MATCH_REVIEW = "dna_match_review"
    DNA_REPORT_PRINT = "dna_report_print"
    DNA_ACCURACY_REPORT = "dna_accuracy_report"
    DNA_PERSON_LINK = "dna_person_link"
    DNA_FAMILY_LINK = "dna_family_link"
    DNA_CHECK_REQUEST = "dna_check_request"
    DNA_CHECK_HANDLE = "dna_check_handle"

    # Victims
    VICTIM_REGISTER = "victim_register"
    PLACEMENT_PROPOSE = "placement_propose"
    PLACEMENT_ACCEPT = "placement_accept"
    PLACEMENT_DECLINE = "placement_decline"
    REGISTRATION_TASK_CREATED = "registration_task_created"
    REGISTRATION_TASK_DONE = "registration_task_done"
    VICTIM_RETURN = "victim_return"
    TRANSFER_START = "transfer_start"
    TRANSFER_HANDOVER = "transfer_handover"
    VICTIM_STATUS = "victim_status"
    SERVICE_REFER = "service_refer"
    SERVICE_UPDATE = "service_update"
    PLAN_GOAL_ADD = "plan_goal_add"
    PLAN_REVIEW = "plan_review"
    FOLLOW_UP_RECORD = "follow_up_record"
    LEGAL_AID_APPLY = "legal_aid_apply"
    LEGAL_AID_REVIEW = "legal_aid_review"
    LEGAL_AID_ASSIGN = "legal_aid_assign"
    LEGAL_AID_CLOSE = "legal_aid_close"
    LEGAL_AID_ESCALATE = "legal_aid_escalate"

    # Finding relatives (reunion)
    REUNION_SEARCH_REGISTER = "reunion_search_register"
    REUNION_SEARCH_FROM_ALERT = "reunion_search_from_alert"
    REUNION_SEARCH_VERIFY = "reunion_search_verify"
    REUNION_SEARCH_UPDATE = "reunion_search_update"
    REUNION_SEARCH_CLOSE = "reunion_search_close"
    REUNION_FOUND_REGISTER = "reunion_found_register"
    REUNION_FOUND_UPDATE = "reunion_found_update"
    REUNION_MATCH = "reunion_match"
    REUNION_CANDIDATE_DNA = "reunion_candidate_dna"
    REUNION_CANDIDATE_DNA_COMPARE = "reunion_candidate_dna_compare"
    REUNION_CANDIDATE_NOT_SAME = "reunion_candidate_not_same"
    REUNION_CANDIDATE_CONFIRM = "reunion_candidate_confirm"
    REUNION_CANDIDATE_REUNITE = "reunion_candidate_reunite"
    REUNION_DUPLICATE_DISMISS = "reunion_duplicate_dismiss"

    # Online screening (网络巡查)
    SCREENING_PLATFORM_REGISTER = "screening_platform_register"
    SCREENING_OPERATION_SAVE = "screening_operation_save"
    SCREENING_INTAKE = "screening_intake"
    SCREENING_REVIEW = "screening_review"
    SCREENING_TAKEDOWN_REQUEST = "screening_takedown_request"
    SCREENING_TAKEDOWN_UPDATE = "screening_takedown_update"
    SCREENING_TAKEDOWN_REMINDER = "screening_takedown_reminder"
    SCREENING_OPERATION_STATUS = "screening_operation_status"
    SCREENING_PLATFORM_ACTIVE = "screening_platform_active"
    SCREENING_PLATFORM_REKEY = "screening_platform_token_rotate"

    # Situation analysis and early warning (analysis)
    ANALYSIS_WARNING_RAISE = "analysis_warning_raise"
    ANALYSIS_WARNING_CONTINUE = "analysis_warning_continue"
    ANALYSIS_WARNING_READ = "analysis_warning_read"
    ANALYSIS_WARNING_LIST = "analysis_warning_list"
    ANALYSIS_WARNING_CLOSE = "analysis_warning_close"
    ANALYSIS_REPORT = "analysis_report"
    ANALYSIS_ROLLUP_REBUILD = "analysis_rollup_rebuild"

    # Prevention
    LEDGER_ENTRY_CREATE = "ledger_entry_create"
    LEDGER_ENTRY_RISK = "ledger_entry_risk"
    LEDGER_ENTRY_CLOSE = "ledger_entry_close"
    VISIT_RECORD = "visit_record"
    DROPOUT_OPEN = "dropout_open"
    DROPOUT_ACTION = "dropout_action"
    DROPOUT_RESOLVE = "dropout_resolve"
    DROPOUT_CONCERN = "dropout_concern"
    FOUND_CHILD_RECORD = "found_child_record"
    FOUND_CHILD_STATUS = "found_child_status"
    TRACING_STEP = "tracing_step"
    REGISTRATION_CHECK_OPEN = "registration_check_open"
    REGISTRATION_CHECK_DECIDE = "registration_check_decide"
    OFFENDER_FOLLOW_UP_OPEN = "offender_follow_up_open"
    OFFENDER_REVIEW = "offender_review"

    # The plan (coordination)
    UNIT_PLAN_CREATE = "unit_plan_create"
    UNIT_PLAN_MIRROR = "unit_plan_mirror"
    PLAN_TASK_ADD = "plan_task_add"
    PLAN_PROGRESS = "plan_progress"
    ANNUAL_REPORT_SUBMIT = "annual_report_submit"
    ANNUAL_REPORT_REVIEW = "annual_report_review"
    MEETING_RECORD = "meeting_record"
    EVALUATION_SCHEDULED = "evaluation_scheduled"
    EVALUATION_RUN = "evaluation_run"
    SCORECARD_VERDICT = "scorecard_verdict"
    EVALUATION_PUBLISH = "evaluation_publish"
    REGION_LISTING_CREATE = "region_listing_create"
    REGION_PROGRESS = "region_progress"
    REGION_LISTING_LIFT = "region_listing_lift"
    BUDGET_LINE_SET = "budget_line_set"
    DONATION_RECORD = "donation_record"
    ACTIVITY_RECORD = "activity_record"
    VOLUNTEER_TEAM_SAVE = "volunteer_team_save"


def audit_action(name: str) -> AuditAction:
    """The listed action called ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not in :class:`AuditAction`.
    """
    try:
        return AuditAction(name)
    except ValueError:
        raise ValueError(
            f"unknown audit action {name!r}: add it to homeward.core.audit_actions.AuditAction"
        ) from None

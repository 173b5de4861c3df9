"""Words for the codes the platform stores, as users read them (issue 12).

Audit action names (:class:`~homeward.core.audit_actions.AuditAction`) and the object
types of audit events are codes; the audit trail and every other page show these labels
instead. A code without a label shows as itself, and a test lists every action that
has none.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from homeward.core.audit_actions import AuditAction

AUDIT_ACTION_LABELS: dict[str, Promise] = {
    AuditAction.READ: pgettext_lazy("audit action", "Read a record"),
    AuditAction.LIST: pgettext_lazy("audit action", "Listed records"),
    AuditAction.SEARCH: pgettext_lazy("audit action", "Searched"),
    AuditAction.EXPORT: pgettext_lazy("audit action", "Exported"),
    AuditAction.PRINT: pgettext_lazy("audit action", "Printed"),
    AuditAction.INTEGRITY_FAILURE: pgettext_lazy("audit action", "Integrity check failed"),
    AuditAction.LOGIN: pgettext_lazy("audit action", "Signed in"),
    AuditAction.LOGIN_FAILED: pgettext_lazy("audit action", "Sign-in failed"),
    AuditAction.LOGOUT: pgettext_lazy("audit action", "Signed out"),
    AuditAction.LOCKOUT_CLEARED: pgettext_lazy("audit action", "Lockout cleared"),
    AuditAction.OTP_ENROLLED: pgettext_lazy("audit action", "Authenticator set up"),
    AuditAction.OTP_VERIFIED: pgettext_lazy("audit action", "Code verified"),
    AuditAction.OTP_FAILED: pgettext_lazy("audit action", "Code refused"),
    AuditAction.OTP_RESET: pgettext_lazy("audit action", "Authenticator reset"),
    AuditAction.REAUTHENTICATED: pgettext_lazy("audit action", "Identity confirmed again"),
    AuditAction.REAUTHENTICATION_FAILED: pgettext_lazy("audit action", "Identity check failed"),
    AuditAction.PASSWORD_CHANGED: pgettext_lazy("audit action", "Password changed"),
    AuditAction.PASSWORD_RESET_BY_ADMIN: pgettext_lazy(
        "audit action", "Password reset by an administrator"
    ),
    AuditAction.USER_CREATE: pgettext_lazy("audit action", "Account created"),
    AuditAction.USER_DEACTIVATE: pgettext_lazy("audit action", "Account disabled"),
    AuditAction.USER_REACTIVATE: pgettext_lazy("audit action", "Account enabled again"),
    AuditAction.ROLE_CHANGE: pgettext_lazy("audit action", "Roles changed"),
    AuditAction.ROLE_REQUESTED: pgettext_lazy("audit action", "Roles requested"),
    AuditAction.ROLE_REQUEST_DECIDED: pgettext_lazy("audit action", "Role request decided"),
    AuditAction.SIGNIN_LINK_ISSUED: pgettext_lazy("audit action", "Sign-in link issued"),
    AuditAction.SIGNIN_LINK_REVEALED: pgettext_lazy(
        "audit action", "Sign-in link opened by the head"
    ),
    AuditAction.SIGNIN_LINK_USED: pgettext_lazy("audit action", "Password set with a sign-in link"),
    AuditAction.LOCKOUT: pgettext_lazy("audit action", "Account locked"),
    AuditAction.BREAK_GLASS: pgettext_lazy("audit action", "Emergency access"),
    AuditAction.BREAK_GLASS_REVIEWED: pgettext_lazy("audit action", "Emergency access reviewed"),
    AuditAction.EXPORT_APPROVAL_REQUESTED: pgettext_lazy(
        "audit action", "Export approval requested"
    ),
    AuditAction.EXPORT_APPROVAL_DECIDED: pgettext_lazy("audit action", "Export approval decided"),
    AuditAction.EXPORT_REFUSED: pgettext_lazy("audit action", "Export refused"),
    AuditAction.AUDIT_CHECKPOINT: pgettext_lazy("audit action", "Audit checkpoint"),
    AuditAction.AUDIT_PURGE: pgettext_lazy("audit action", "Audit records purged"),
    AuditAction.KEY_FINGERPRINT_RECORDED: pgettext_lazy("audit action", "Key fingerprint recorded"),
    AuditAction.RETENTION_ANONYMISE: pgettext_lazy(
        "audit action", "Anonymised at the end of retention"
    ),
    AuditAction.PERSON_CREATE: pgettext_lazy("audit action", "Person registered"),
    AuditAction.PERSON_UPDATE: pgettext_lazy("audit action", "Person updated"),
    AuditAction.PERSON_PHOTO_SET: pgettext_lazy("audit action", "Photo set"),
    AuditAction.TIP_RECEIVED: pgettext_lazy("audit action", "Clue received"),
    AuditAction.TIP_TRANSITION: pgettext_lazy("audit action", "Clue status changed"),
    AuditAction.TIP_OVERDUE: pgettext_lazy("audit action", "Clue overdue"),
    AuditAction.TIP_JOINED_CASE: pgettext_lazy("audit action", "Clue joined to a case"),
    AuditAction.REWARD_APPLIED: pgettext_lazy("audit action", "Reward applied for"),
    AuditAction.REWARD_UNIT_APPROVED: pgettext_lazy(
        "audit action", "Reward approved by the case unit"
    ),
    AuditAction.REWARD_MUNICIPAL_APPROVED: pgettext_lazy(
        "audit action", "Reward approved by the municipal bureau"
    ),
    AuditAction.REWARD_PAID: pgettext_lazy("audit action", "Reward paid"),
    AuditAction.REWARD_REJECTED: pgettext_lazy("audit action", "Reward rejected"),
    AuditAction.REWARD_PAYMENT_REFUSED: pgettext_lazy("audit action", "Reward payment refused"),
    AuditAction.CASE_OPEN: pgettext_lazy("audit action", "Case opened"),
    AuditAction.CASE_UPDATE: pgettext_lazy("audit action", "Case updated"),
    AuditAction.CASE_STATUS_CHANGE: pgettext_lazy("audit action", "Case status changed"),
    AuditAction.CASE_SUMMARY_PRINT: pgettext_lazy("audit action", "Case summary printed"),
    AuditAction.CASE_PARTY_ADD: pgettext_lazy("audit action", "Person added to a case"),
    AuditAction.INTERVIEW_RECORD: pgettext_lazy("audit action", "Interview recorded"),
    AuditAction.TASK_FORCE_LEADER_CHANGE: pgettext_lazy(
        "audit action", "Task force leader changed"
    ),
    AuditAction.TASK_FORCE_MEMBER_ADD: pgettext_lazy("audit action", "Task force member added"),
    AuditAction.TASK_FORCE_DISSOLVE: pgettext_lazy("audit action", "Task force dissolved"),
    AuditAction.PROGRESS_ENTRY_ADD: pgettext_lazy("audit action", "Case progress recorded"),
    AuditAction.SUPERVISION_LISTING_CREATE: pgettext_lazy(
        "audit action", "Case listed for supervision"
    ),
    AuditAction.SUPERVISION_REPORT_SUBMIT: pgettext_lazy(
        "audit action", "Supervision report filed"
    ),
    AuditAction.SUPERVISION_LISTING_LIFT: pgettext_lazy("audit action", "Supervision lifted"),
    AuditAction.SUPERVISION_OVERDUE: pgettext_lazy("audit action", "Supervision report overdue"),
    AuditAction.ALERT_DRAFT: pgettext_lazy("audit action", "Alert drafted"),
    AuditAction.ALERT_UPDATE: pgettext_lazy("audit action", "Alert updated"),
    AuditAction.ALERT_PUBLISH: pgettext_lazy("audit action", "Alert published"),
    AuditAction.ALERT_EXPAND: pgettext_lazy("audit action", "Alert area widened"),
    AuditAction.ALERT_CAP_RENEW: pgettext_lazy("audit action", "Alert renewed for partners"),
    AuditAction.ALERT_RESOLVE: pgettext_lazy("audit action", "Alert ended: child found"),
    AuditAction.ALERT_WITHDRAW: pgettext_lazy("audit action", "Alert withdrawn"),
    AuditAction.ALERT_END: pgettext_lazy("audit action", "Alert ended"),
    AuditAction.ALERT_NOTICE_ACK: pgettext_lazy("audit action", "Alert notice acknowledged"),
    AuditAction.PARTNER_REGISTER: pgettext_lazy("audit action", "Partner platform registered"),
    AuditAction.SIGHTING_RECEIVED: pgettext_lazy("audit action", "Sighting received"),
    AuditAction.SIGHTING_REVIEW: pgettext_lazy("audit action", "Sighting reviewed"),
    AuditAction.SIGHTING_TO_CLUE: pgettext_lazy("audit action", "Sighting made a clue"),
    AuditAction.DNA_IMPORT: pgettext_lazy("audit action", "DNA profiles imported"),
    AuditAction.DNA_READ: pgettext_lazy("audit action", "DNA profile viewed"),
    AuditAction.DNA_SEARCH: pgettext_lazy("audit action", "DNA search started"),
    AuditAction.DNA_SEARCH_DONE: pgettext_lazy("audit action", "DNA search finished"),
    AuditAction.DNA_MATCH_REVIEW: pgettext_lazy("audit action", "DNA match reviewed"),
    AuditAction.DNA_REPORT_PRINT: pgettext_lazy("audit action", "DNA report printed"),
    AuditAction.DNA_ACCURACY_REPORT: pgettext_lazy("audit action", "DNA accuracy report"),
    AuditAction.DNA_PERSON_LINK: pgettext_lazy("audit action", "DNA specimen linked to a person"),
    AuditAction.DNA_FAMILY_LINK: pgettext_lazy(
        "audit action", "DNA reference family linked to its missing child"
    ),
    AuditAction.DNA_CHECK_REQUEST: pgettext_lazy("audit action", "DNA check requested"),
    AuditAction.DNA_CHECK_HANDLE: pgettext_lazy("audit action", "DNA check handled"),
    AuditAction.VICTIM_REGISTER: pgettext_lazy("audit action", "Victim registered"),
    AuditAction.PLACEMENT_PROPOSE: pgettext_lazy("audit action", "Placement proposed"),
    AuditAction.PLACEMENT_ACCEPT: pgettext_lazy("audit action", "Placement accepted"),
    AuditAction.PLACEMENT_DECLINE: pgettext_lazy("audit action", "Placement declined"),
    AuditAction.REGISTRATION_TASK_CREATED: pgettext_lazy(
        "audit action", "Household registration task created"
    ),
    AuditAction.REGISTRATION_TASK_DONE: pgettext_lazy(
        "audit action", "Household registration task done"
    ),
    AuditAction.VICTIM_RETURN: pgettext_lazy("audit action", "Returned home"),
    AuditAction.TRANSFER_START: pgettext_lazy("audit action", "Transfer started"),
    AuditAction.TRANSFER_HANDOVER: pgettext_lazy("audit action", "Handed over"),
    AuditAction.VICTIM_STATUS: pgettext_lazy("audit action", "Victim status changed"),
    AuditAction.SERVICE_REFER: pgettext_lazy("audit action", "Service referred"),
    AuditAction.SERVICE_UPDATE: pgettext_lazy("audit action", "Service updated"),
    AuditAction.PLAN_GOAL_ADD: pgettext_lazy("audit action", "Care plan goal added"),
    AuditAction.PLAN_REVIEW: pgettext_lazy("audit action", "Care plan reviewed"),
    AuditAction.FOLLOW_UP_RECORD: pgettext_lazy("audit action", "Follow-up visit recorded"),
    AuditAction.LEGAL_AID_APPLY: pgettext_lazy("audit action", "Legal aid applied for"),
    AuditAction.LEGAL_AID_REVIEW: pgettext_lazy("audit action", "Legal aid reviewed"),
    AuditAction.LEGAL_AID_ASSIGN: pgettext_lazy("audit action", "Lawyer assigned"),
    AuditAction.LEGAL_AID_CLOSE: pgettext_lazy("audit action", "Legal aid closed"),
    AuditAction.LEGAL_AID_ESCALATE: pgettext_lazy("audit action", "Legal aid escalated"),
    AuditAction.LEDGER_ENTRY_CREATE: pgettext_lazy("audit action", "Added to the ledger"),
    AuditAction.LEDGER_ENTRY_RISK: pgettext_lazy("audit action", "Risk level changed"),
    AuditAction.LEDGER_ENTRY_CLOSE: pgettext_lazy("audit action", "Ledger entry closed"),
    AuditAction.VISIT_RECORD: pgettext_lazy("audit action", "Visit recorded"),
    AuditAction.DROPOUT_OPEN: pgettext_lazy("audit action", "Dropout file opened"),
    AuditAction.DROPOUT_ACTION: pgettext_lazy("audit action", "Dropout action recorded"),
    AuditAction.DROPOUT_RESOLVE: pgettext_lazy("audit action", "Dropout file closed"),
    AuditAction.DROPOUT_CONCERN: pgettext_lazy("audit action", "Dropout reported to the police"),
    AuditAction.REUNION_SEARCH_REGISTER: pgettext_lazy("audit action", "Search registered"),
    AuditAction.REUNION_SEARCH_VERIFY: pgettext_lazy(
        "audit action", "Search verified, family asked for blood"
    ),
    AuditAction.REUNION_SEARCH_UPDATE: pgettext_lazy("audit action", "Search corrected"),
    AuditAction.REUNION_SEARCH_CLOSE: pgettext_lazy("audit action", "Search closed"),
    AuditAction.REUNION_SEARCH_FROM_ALERT: pgettext_lazy(
        "audit action", "Search opened from an unresolved alert"
    ),
    AuditAction.REUNION_DUPLICATE_DISMISS: pgettext_lazy(
        "audit action", "Duplicate suggestion dismissed"
    ),
    AuditAction.ANALYSIS_WARNING_RAISE: pgettext_lazy("audit action", "Early warning raised"),
    AuditAction.ANALYSIS_WARNING_CONTINUE: pgettext_lazy(
        "audit action", "Alarm added to an early warning already raised"
    ),
    AuditAction.ANALYSIS_WARNING_READ: pgettext_lazy("audit action", "Early warning read"),
    AuditAction.ANALYSIS_WARNING_LIST: pgettext_lazy(
        "audit action", "Key region listed from an early warning"
    ),
    AuditAction.ANALYSIS_WARNING_CLOSE: pgettext_lazy(
        "audit action", "Early warning closed without listing"
    ),
    AuditAction.ANALYSIS_REPORT: pgettext_lazy(
        "audit action", "Yearly situation analysis generated"
    ),
    AuditAction.ANALYSIS_ROLLUP_REBUILD: pgettext_lazy("audit action", "Situation figures rebuilt"),
    AuditAction.REUNION_FOUND_REGISTER: pgettext_lazy(
        "audit action", "Found person registered for finding relatives"
    ),
    AuditAction.REUNION_FOUND_UPDATE: pgettext_lazy(
        "audit action", "Found person's details corrected"
    ),
    AuditAction.REUNION_MATCH: pgettext_lazy(
        "audit action", "Search matched against found persons"
    ),
    AuditAction.REUNION_CANDIDATE_DNA: pgettext_lazy(
        "audit action", "DNA comparison requested for a candidate"
    ),
    AuditAction.REUNION_CANDIDATE_DNA_COMPARE: pgettext_lazy(
        "audit action", "Candidate compared by DNA"
    ),
    AuditAction.REUNION_CANDIDATE_NOT_SAME: pgettext_lazy(
        "audit action", "Candidate marked not the same person"
    ),
    AuditAction.REUNION_CANDIDATE_CONFIRM: pgettext_lazy("audit action", "Family confirmed by DNA"),
    AuditAction.REUNION_CANDIDATE_REUNITE: pgettext_lazy("audit action", "Family reunion recorded"),
    AuditAction.TIP_FROM_ONLINE_POST: pgettext_lazy(
        "audit action", "Clue opened from an online post"
    ),
    AuditAction.TIP_IDENTIFIERS_REINDEX: pgettext_lazy(
        "audit action", "Contact details of stored clues re-read"
    ),
    AuditAction.SCREENING_PLATFORM_REGISTER: pgettext_lazy(
        "audit action", "Online platform registered"
    ),
    AuditAction.SCREENING_OPERATION_SAVE: pgettext_lazy("audit action", "净网 operation saved"),
    AuditAction.SCREENING_INTAKE: pgettext_lazy("audit action", "Online posts taken in"),
    AuditAction.SCREENING_REVIEW: pgettext_lazy("audit action", "Online post reviewed"),
    AuditAction.SCREENING_TAKEDOWN_REQUEST: pgettext_lazy(
        "audit action", "Takedown requested from a platform"
    ),
    AuditAction.SCREENING_TAKEDOWN_UPDATE: pgettext_lazy(
        "audit action", "Platform answered a takedown request"
    ),
    AuditAction.SCREENING_TAKEDOWN_REMINDER: pgettext_lazy(
        "audit action", "Overdue takedown request reminded to the platform"
    ),
    AuditAction.SCREENING_OPERATION_STATUS: pgettext_lazy(
        "audit action", "净网 operation status changed"
    ),
    AuditAction.SCREENING_PLATFORM_ACTIVE: pgettext_lazy(
        "audit action", "Online platform deactivated or reactivated"
    ),
    AuditAction.SCREENING_PLATFORM_REKEY: pgettext_lazy(
        "audit action", "Online platform API token rotated"
    ),
    AuditAction.FOUND_CHILD_RECORD: pgettext_lazy("audit action", "Found child recorded"),
    AuditAction.FOUND_CHILD_STATUS: pgettext_lazy("audit action", "Found child status changed"),
    AuditAction.TRACING_STEP: pgettext_lazy("audit action", "Guardian tracing step"),
    AuditAction.REGISTRATION_CHECK_OPEN: pgettext_lazy(
        "audit action", "Household registration check opened"
    ),
    AuditAction.REGISTRATION_CHECK_DECIDE: pgettext_lazy(
        "audit action", "Household registration check decided"
    ),
    AuditAction.OFFENDER_FOLLOW_UP_OPEN: pgettext_lazy("audit action", "Offender follow-up opened"),
    AuditAction.OFFENDER_REVIEW: pgettext_lazy("audit action", "Offender reviewed"),
    AuditAction.UNIT_PLAN_CREATE: pgettext_lazy("audit action", "Unit plan created"),
    AuditAction.UNIT_PLAN_MIRROR: pgettext_lazy(
        "audit action", "Unit plan copied from the municipal unit"
    ),
    AuditAction.PLAN_TASK_ADD: pgettext_lazy("audit action", "Plan task added"),
    AuditAction.PLAN_PROGRESS: pgettext_lazy("audit action", "Plan progress recorded"),
    AuditAction.ANNUAL_REPORT_SUBMIT: pgettext_lazy("audit action", "Annual report filed"),
    AuditAction.ANNUAL_REPORT_REVIEW: pgettext_lazy("audit action", "Annual report reviewed"),
    AuditAction.MEETING_RECORD: pgettext_lazy("audit action", "Meeting recorded"),
    AuditAction.EVALUATION_SCHEDULED: pgettext_lazy("audit action", "Evaluation scheduled"),
    AuditAction.EVALUATION_RUN: pgettext_lazy("audit action", "Evaluation run"),
    AuditAction.SCORECARD_VERDICT: pgettext_lazy("audit action", "Evaluation verdict"),
    AuditAction.EVALUATION_PUBLISH: pgettext_lazy("audit action", "Evaluation published"),
    AuditAction.REGION_LISTING_CREATE: pgettext_lazy("audit action", "Key region listed"),
    AuditAction.REGION_PROGRESS: pgettext_lazy("audit action", "Key region progress"),
    AuditAction.REGION_LISTING_LIFT: pgettext_lazy("audit action", "Key region lifted"),
    AuditAction.BUDGET_LINE_SET: pgettext_lazy("audit action", "Budget line set"),
    AuditAction.DONATION_RECORD: pgettext_lazy("audit action", "Donation recorded"),
    AuditAction.ACTIVITY_RECORD: pgettext_lazy("audit action", "Activity recorded"),
    AuditAction.VOLUNTEER_TEAM_SAVE: pgettext_lazy("audit action", "Volunteer team saved"),
    AuditAction.ROLE_REQUESTED: pgettext_lazy("audit action", "Role requested"),
    AuditAction.ROLE_REQUEST_DECIDED: pgettext_lazy("audit action", "Role request decided"),
    AuditAction.SIGNIN_LINK_ISSUED: pgettext_lazy("audit action", "Sign-in link issued"),
    AuditAction.SIGNIN_LINK_REVEALED: pgettext_lazy("audit action", "Sign-in link shown"),
    AuditAction.SIGNIN_LINK_USED: pgettext_lazy("audit action", "Sign-in link used"),
    AuditAction.LOCKOUT: pgettext_lazy("audit action", "Account locked"),
    AuditAction.BREAK_GLASS: pgettext_lazy("audit action", "Emergency access"),
    AuditAction.BREAK_GLASS_REVIEWED: pgettext_lazy("audit action", "Emergency access reviewed"),
    AuditAction.EXPORT_APPROVAL_REQUESTED: pgettext_lazy(
        "audit action", "Export approval requested"
    ),
    AuditAction.EXPORT_APPROVAL_DECIDED: pgettext_lazy("audit action", "Export approval decided"),
    AuditAction.EXPORT_REFUSED: pgettext_lazy("audit action", "Export refused"),
    AuditAction.INSTITUTION_SAVE: pgettext_lazy("audit action", "Institution saved"),
    AuditAction.SCHOOL_SAVE: pgettext_lazy("audit action", "School saved"),
    AuditAction.WORK_AREA_SET: pgettext_lazy("audit action", "Work area set"),
    AuditAction.WORK_AREA_CLEAR: pgettext_lazy("audit action", "Work area cleared"),
    AuditAction.REFERENCE_IMPORT: pgettext_lazy("audit action", "Reference data imported"),
    AuditAction.AGENCY_SAVE: pgettext_lazy("audit action", "Agency saved"),
    AuditAction.LEADER_POST_SET: pgettext_lazy("audit action", "Leadership post set"),
    AuditAction.PARTNER_UPDATE: pgettext_lazy("audit action", "Partner platform updated"),
    AuditAction.PARTNER_TOKEN_ROTATE: pgettext_lazy("audit action", "Partner token renewed"),
    AuditAction.POLICY_SETTING_SAVE: pgettext_lazy("audit action", "Setting saved"),
}

# Models that name themselves only by their class name (no translated verbose_name).
OBJECT_TYPE_LABELS: dict[str, Promise] = {
    "dna.checkrequest": pgettext_lazy("audit object", "DNA check request"),
    "tips.tipidentifier": pgettext_lazy("audit object", "Clue identifier"),
    "tips.tipattachment": pgettext_lazy("audit object", "Clue attachment"),
    "tips.tipevent": pgettext_lazy("audit object", "Clue history entry"),
    "tips.rewardstep": pgettext_lazy("audit object", "Reward step"),
    "screening.postidentifier": pgettext_lazy("audit object", "Post contact detail"),
    "screening.bandkey": pgettext_lazy("audit object", "Near-duplicate key"),
    "cases.casenumbercounter": pgettext_lazy("audit object", "Case number counter"),
    "alerts.alertring": pgettext_lazy("audit object", "Alert ring"),
    "alerts.subscriber": pgettext_lazy("audit object", "Alert subscriber"),
    "alerts.delivery": pgettext_lazy("audit object", "Alert delivery"),
    "alerts.capmessage": pgettext_lazy("audit object", "Partner feed message"),
    "alerts.partnerpush": pgettext_lazy("audit object", "Partner push"),
    "alerts.recordedmessage": pgettext_lazy("audit object", "Recorded message"),
    "alerts.commandnotice": pgettext_lazy("audit object", "Command notice"),
    "alerts.sighting": pgettext_lazy("audit object", "Sighting"),
    "prevention.school": pgettext_lazy("audit object", "School"),
    "prevention.workarea": pgettext_lazy("audit object", "Work area"),
    "prevention.visit": pgettext_lazy("audit object", "Visit"),
    "prevention.dropoutfile": pgettext_lazy("audit object", "Dropout file"),
    "prevention.dropoutaction": pgettext_lazy("audit object", "Dropout action"),
    "prevention.foundchild": pgettext_lazy("audit object", "Street minor or abandoned infant"),
    "prevention.tracingstep": pgettext_lazy("audit object", "Relative tracing step"),
    "prevention.registrationcheck": pgettext_lazy("audit object", "Household registration check"),
    "prevention.offenderfollowup": pgettext_lazy("audit object", "Offender follow-up"),
    "prevention.offenderreview": pgettext_lazy("audit object", "Offender review"),
    "victims.institution": pgettext_lazy("audit object", "Care institution"),
    "victims.victim": pgettext_lazy("audit object", "Victim"),
    "victims.placement": pgettext_lazy("audit object", "Placement"),
    "victims.registrationtask": pgettext_lazy("audit object", "Household registration task"),
    "victims.guardian": pgettext_lazy("audit object", "Guardian"),
    "victims.transfer": pgettext_lazy("audit object", "Return with escort"),
    "victims.servicereferral": pgettext_lazy("audit object", "Service referral"),
    "victims.plangoal": pgettext_lazy("audit object", "Care plan goal"),
    "victims.planreview": pgettext_lazy("audit object", "Care plan review"),
    "victims.followup": pgettext_lazy("audit object", "Follow-up visit"),
    "victims.legalaidapplication": pgettext_lazy("audit object", "Legal-aid application"),
    "coordination.unitplan": pgettext_lazy("audit object", "Unit plan"),
    "coordination.plantask": pgettext_lazy("audit object", "Plan task"),
    "coordination.taskprogress": pgettext_lazy("audit object", "Task progress"),
    "coordination.annualreport": pgettext_lazy("audit object", "Annual report"),
    "coordination.meeting": pgettext_lazy("audit object", "Meeting"),
    "coordination.evaluation": pgettext_lazy("audit object", "Evaluation"),
    "coordination.scorecard": pgettext_lazy("audit object", "Scorecard"),
    "coordination.regionlisting": pgettext_lazy("audit object", "Key region"),
    "coordination.regionprogress": pgettext_lazy("audit object", "Key region progress"),
    "coordination.budgetline": pgettext_lazy("audit object", "Budget line"),
    "coordination.donation": pgettext_lazy("audit object", "Donation"),
    "coordination.activity": pgettext_lazy("audit object", "Publicity or training activity"),
    "coordination.volunteerteam": pgettext_lazy("audit object", "Volunteer team"),
}


def audit_action_label(code: str) -> str:
    """The audit action ``code`` in the user's language (the code itself if unlisted)."""
    label = AUDIT_ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def object_type_label(object_type: str) -> str:
    """The kind of object an audit event names (``tips.tip`` → 线索), from the model's
    own verbose name; the code itself when it names no model."""
    if object_type in OBJECT_TYPE_LABELS:
        return str(OBJECT_TYPE_LABELS[object_type])
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)

"""The data inventory (SECURITY.md DP-04; PIPL Arts. 6, 19, 47, 51(2); GB/T 35273 §6.1).

Every concrete field of every model of the platform is declared here exactly once, as
``sensitive`` (PIPL Art. 28: minors' information, biometrics such as DNA, whereabouts,
health, identity document numbers, criminal records), ``personal`` (anything else that
identifies a person, staff included) or ``other`` (no personal information), with the
table's purpose, its legal basis, how long it is kept and who can see it.

``inventory_problems()`` lists fields missing from (or stale in) the declaration: a test
fails on any, so a new field cannot merge unlisted. ``manage.py data_inventory`` writes
``docs/data-inventory.md`` from this file, and a test keeps that document current.
``retention_rules`` names what is enforced by code (``core.retention``); the rest is
the declared policy for records kept as archives.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model

# --- Legal bases (PIPL = 个人信息保护法) ---------------------------------------------------
BASIS_NONE = "none needed: no personal information"
BASIS_DUTY = (
    "PIPL Art. 13(1)(3) and Art. 34: necessary for the statutory duties of the plan's "
    "member units (渝府办发〔2021〕152号)"
)
BASIS_DUTY_SENSITIVE = (
    BASIS_DUTY + "; sensitive information and minors: Arts. 28, 31 (specific purpose, "
    "strict protection, need-to-know scoping)"
)
BASIS_DNA = (
    "PIPL Arts. 28 (biometric information), 34 and 13(1)(3): kinship comparison by "
    "public security only, the rules' 三、(三)"
)
BASIS_TIPS = (
    "PIPL Art. 13(1)(3): public security's duty to receive reports (刑事诉讼法 Art. 110); "
    "a reporter's contact only with their consent, Art. 13(1)(1)"
)
BASIS_EMERGENCY = (
    "PIPL Art. 13(1)(4): necessary to protect a child's life and safety in an "
    "emergency; public fields whitelisted (Art. 28)"
)
BASIS_CONSENT = "PIPL Arts. 13(1)(1) and 14: the subscriber's consent, withdrawable (Art. 15)"
BASIS_STAFF = "PIPL Art. 13(1)(2): managing the platform's staff accounts and their accountability"
BASIS_AUDIT = (
    "PIPL Art. 51 and 网络安全法 Art. 21(3): security logs of access to personal "
    "information, kept at least six months"
)
BASIS_SCREENING = (
    "PIPL Art. 13(1)(3) and 网络安全法 Art. 47: screening published illegal information with "
    "the platforms (the rules' 二、(三)2 and 三、(四) 净网 operations)"
)
BASIS_OFFENDER = (
    BASIS_DUTY + "; criminal records are sensitive, Art. 28; follow-up by public "
    "security and justice only"
)

# --- Retention -----------------------------------------------------------------------------
RET_REFERENCE = "kept while in use; reference data, no personal information"
RET_STAFF = "while the account exists; disabled after settings.ACCOUNT_INACTIVITY (90 days unused)"
RET_AUDIT = "settings.AUDIT_RETENTION_DAYS (at least 184 days), then purged by the audit job"
RET_TICK = "7 days (core.prune_tick_history), leases until they expire"
RET_CASEWORK = (
    "while any case, victim, ledger, alert or DNA record refers to the person; then "
    "archived with that record"
)
RET_DNA = (
    "until the child is found and identified and the family's search is closed, then "
    "deleted from the reference index; match records kept with the case file"
)
RET_TIPS = (
    "the clue's text for the life of the linked case, or 5 years after closing when "
    "no case was opened; the reporter's contact at most as long"
)
RET_FINANCE = "10 years (会计档案管理办法: accounting records)"
RET_CASES = "permanent case archive (公安机关执法档案管理)"
RET_ALERTS = "the alert while active; after it ends its public notice is withdrawn (410)"
RET_SIGHTING = (
    "the sighting's contact and photo are erased settings.SIGHTING_RETENTION_DAYS after "
    "the alert ended (core.retention, tick job core.anonymise_expired)"
)
RET_SUBSCRIBER = "until the subscriber unsubscribes or the partner removes the user"
RET_PREVENTION = "until the entry is closed and the child comes of age, then 3 years"
RET_OFFENDER = "for the follow-up period set by the court or the police, then 3 years"
RET_VICTIMS = "the victim's file until follow-up ends, then archived by civil affairs"
RET_REUNION = (
    "while the search is open; after the family is found or the search is closed, as long "
    "as the case or victim file it is linked to, otherwise 5 years"
)
RET_SCREENING = (
    "a post confirmed illegal as long as its clue; a flagged post not confirmed 1 year after "
    "review; a post never flagged 90 days after intake (the operation keeps its figures)"
)
RET_ROLLUP = "recomputed from the modules' records; kept as long as the plan's records"
RET_PLAN = "the plan's period (2021-2030) and 10 years after (government records)"

# --- Who can see it (core.scoping, core.roles) ---------------------------------------------
VIS_ALL = "every signed-in user"
VIS_ADMIN = "the system and security administrators; the user themself"
VIS_AUDIT = "the audit administrator only (三权分立)"
VIS_PERSON = (
    "users of the modules that link the person, scoped to district and agency; identity "
    "fields masked unless the caller holds the full-identity permission (AC-03)"
)
VIS_DNA = "the police DNA role of the owning laboratory only, after step-up (DP-06, AUTH-08)"
VIS_POLICE = "police of the owning district and the municipal bureau (core.scoping)"
VIS_CASE = "the case's task force, its district police and the supervising levels"
VIS_ALERTS = (
    "police of the owning district and command centres; the public sees the whitelisted "
    "public notice only (DP-07)"
)
VIS_NOBODY = "no user: used by the dispatch only"
VIS_LEDGER = (
    "the responsible worker, their township and district units and the police for "
    "concerns; school staff see their own school's files"
)
VIS_VICTIMS = (
    "the owning civil-affairs unit, the police of the case, and departments for the "
    "services referred to them"
)
VIS_REUNION = (
    "police of the search's district and the municipal bureau (candidates: police only, "
    "each view audited with its purpose); the unit that registered a search sees its state; "
    "the family sees its state by tracking code and secret"
)
VIS_SCREENING = (
    "police investigators and the cyberspace office (网信办) of the post's district and the "
    "municipal units; a post of unknown district: municipal units only; each post view "
    "audited; platforms see only their own takedown requests"
)
VIS_LEGAL = "the justice bureau, the assigned lawyer and the victim's civil-affairs unit"
VIS_SITUATION = (
    "command, joint-conference offices and analysts (the situation permission), their own "
    "district's figures or, for municipal units, every district"
)
VIS_WARNING = (
    "the situation permission's holders of the district; each notice only the unit it was "
    "sent to (the joint-conference office and the district police)"
)
VIS_PLAN = "the unit itself, its joint-conference office and the levels above"


@dataclass(frozen=True)
class Table:
    """One model: what it is for, on what basis, for how long, for whom, and its
    fields by class (space-separated names)."""

    purpose: str
    basis: str
    retention: str
    visible_to: str
    sensitive: str = ""
    personal: str = ""
    other: str = ""

    def fields(self) -> dict[str, str]:
        """``{field: "sensitive" | "personal" | "other"}``."""
        classes: dict[str, str] = {}
        for level in ("sensitive", "personal", "other"):
            for name in getattr(self, level).split():
                classes[name] = level
        return classes

    def declared_twice(self) -> list[str]:
        names = [
            n for level in ("sensitive", "personal", "other") for n in getattr(self, level).split()
        ]
        return sorted({n for n in names if names.count(n) > 1})


INVENTORY: dict[str, Table] = {
    "core.Division": Table(
        purpose="Reference data: Chongqing's 38 districts",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ALL,
        other=(
            "id code name_zh name_en type centroid_lat centroid_lon population_2020 "
            "population_0_14_2020 boundary"
        ),
    ),
    "core.Township": Table(
        purpose="Reference data: townships",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ALL,
        other="id code name_zh division type",
    ),
    "core.Agency": Table(
        purpose="Reference data: the member units",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ALL,
        other=(
            "id code kind level division name_zh name_en parent named_in_rules is_conference_member"
        ),
    ),
    "core.User": Table(
        purpose="Staff accounts: sign-in, scope and accountability",
        basis=BASIS_STAFF,
        retention=RET_STAFF,
        visible_to=VIS_ADMIN,
        personal="password last_login username full_name",
        other=(
            "id is_superuser agency is_active is_staff date_joined password_changed_at "
            "expires_at is_demo leader_post"
        ),
    ),
    "core.RoleAssignment": Table(
        purpose="Staff roles (三权分立)",
        basis=BASIS_STAFF,
        retention=RET_STAFF,
        visible_to=VIS_ADMIN,
        personal="user granted_by",
        other="id group role granted_at",
    ),
    "core.RoleRequest": Table(
        purpose="Roles asked for by the system administrator, granted by the security "
        "administrator (三权分立)",
        basis=BASIS_STAFF,
        retention=RET_STAFF,
        visible_to=VIS_ADMIN,
        personal="user requested_by decided_by",
        other="id roles requested_at status decided_at",
    ),
    "core.SignInLink": Table(
        purpose="One-time links with which a user sets their own password, sealed for the "
        "head of their unit",
        basis=BASIS_STAFF,
        retention=RET_STAFF,
        visible_to="the head of the user's unit (once); the system administrator sees the row",
        personal="user issued_by holder sealed_token",
        other="id purpose token_digest created_at expires_at revealed_at used_at revoked",
    ),
    "core.BreakGlass": Table(
        purpose="Emergency reads of out-of-scope records with their reason and review (AC-06)",
        basis=BASIS_AUDIT,
        retention=RET_AUDIT,
        visible_to="the security administrators",
        personal="user reason reviewed_by review_note",
        other="id object_type object_id opened_at expires_at reviewed_at",
    ),
    "core.SecurityNotice": Table(
        purpose="Notices to the security administrators (break-glass reads)",
        basis=BASIS_AUDIT,
        retention=RET_AUDIT,
        visible_to="the security administrator it is addressed to",
        personal="recipient message",
        other="id break_glass created_at read_at",
    ),
    "core.ExportApproval": Table(
        purpose="Heads' approvals of large exports of personal records (DP-05)",
        basis=BASIS_STAFF,
        retention=RET_AUDIT,
        visible_to="the exporter and the heads of their unit",
        personal="requested_by decided_by reason",
        other="id object_type path rows status requested_at decided_at used_at",
    ),
    "core.AuditEvent": Table(
        purpose="The audit trail of every read and write of personal data",
        basis=BASIS_AUDIT,
        retention=RET_AUDIT,
        visible_to=VIS_AUDIT,
        personal="created_at actor actor_username source_ip detail",
        other=("id seq agency_code action object_type object_id outcome request_id prev_hash hash"),
    ),
    "core.AuditChainHead": Table(
        purpose="The audit chain's head",
        basis=BASIS_NONE,
        retention=RET_AUDIT,
        visible_to=VIS_AUDIT,
        other="id seq hash base_seq base_hash",
    ),
    "core.AuditCheckpoint": Table(
        purpose="Signed checkpoints of the audit chain's head (anchoring)",
        basis=BASIS_NONE,
        retention=RET_AUDIT,
        visible_to=VIS_AUDIT,
        other="id seq hash kind signature created_at",
    ),
    "core.KeyFingerprint": Table(
        purpose="Fingerprints of the field-encryption keys, to detect a wrong key file",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ADMIN,
        other="id key_id purpose fingerprint recorded_at",
    ),
    "core.PolicySetting": Table(
        purpose="Security policy settings changed by the security administrator",
        basis=BASIS_STAFF,
        retention=RET_STAFF,
        visible_to=VIS_ADMIN,
        personal="changed_by",
        other="id key value changed_at",
    ),
    "core.TickRun": Table(
        purpose="Background job history",
        basis=BASIS_NONE,
        retention=RET_TICK,
        visible_to=VIS_ADMIN,
        other="id started_at finished_at results ok",
    ),
    "core.Lease": Table(
        purpose="Background job leases",
        basis=BASIS_NONE,
        retention=RET_TICK,
        visible_to=VIS_ADMIN,
        other="id name holder expires_at",
    ),
    "people.Person": Table(
        purpose="Person registry: identify a missing, found or rescued person once across every module",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASEWORK,
        visible_to=VIS_PERSON,
        sensitive=(
            "full_name sex date_of_birth estimated_age_years age_estimated_on ethnicity "
            "id_number id_number_index household_division phone address photo"
        ),
        personal="created_by",
        other="id division owning_agency created_at updated_at version",
    ),
    "dna.ReferenceFamily": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        sensitive="missing_child",
        other="id code division owning_agency missing_since indexed_members created_at",
    ),
    "dna.ImportBatch": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        personal="uploaded_by",
        other="id file_name kit status row_count specimen_count errors created_at",
    ),
    "dna.Specimen": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        sensitive="genotype",
        personal="specimen_id collected_on family_role created_by",
        other=(
            "id sample_type collecting_agency division lab kit loci_count family status "
            "import_batch indexed created_at"
        ),
    ),
    "dna.SpecimenPersonLink": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        sensitive="person",
        personal="linked_by",
        other="id specimen linked_at",
    ),
    "dna.MatchRun": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        personal="requested_by",
        other=(
            "id direction query_specimen query_family purpose status progress provenance "
            "error requested_at finished_at"
        ),
    ),
    "dna.MatchCandidate": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        sensitive="per_locus_table",
        personal="review_note reviewed_by resampling_by",
        other="id run rank child_specimen family parent_specimen hypothesis log10_lr inconsistent_loci loci_compared decision review reviewed_at expected_chance_hits posterior retest_log10_lr retest_specimen",
    ),
    "dna.AccuracyReport": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        personal="requested_by",
        other="id queries decoys seed status results requested_at finished_at",
    ),
    "dna.CheckRequest": Table(
        purpose="Kinship comparison of missing children and searching families (三、(三))",
        basis=BASIS_DNA,
        retention=RET_DNA,
        visible_to=VIS_DNA,
        sensitive="person reason note",
        personal="requested_by handled_by",
        other="id source status division requesting_agency requested_at handled_at",
    ),
    "tips.Tip": Table(
        purpose="Clues from the public and mandatory reports, triage and rewards",
        basis=BASIS_TIPS,
        retention=RET_TIPS,
        visible_to=VIS_POLICE,
        sensitive="narrative address latitude longitude contact",
        personal="category occurred_on occurred_time assigned_to outcome_note sealed_receipt",
        other=(
            "id tracking_code secret_hash idempotency_digest payload_digest "
            "channel status priority division received_hour owning_agency referred_to "
            "joined_case sla_due_at overdue version"
        ),
    ),
    "tips.TipIdentifier": Table(
        purpose="Clues from the public and mandatory reports, triage and rewards",
        basis=BASIS_TIPS,
        retention=RET_TIPS,
        visible_to=VIS_POLICE,
        personal="digest",
        other="id tip kind",
    ),
    "tips.TipAttachment": Table(
        purpose="Clues from the public and mandatory reports, triage and rewards",
        basis=BASIS_TIPS,
        retention=RET_TIPS,
        visible_to=VIS_POLICE,
        sensitive="file",
        other="id tip size",
    ),
    "tips.MandatoryReport": Table(
        purpose="Mandatory reports (强制报告) from institutions",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_TIPS,
        visible_to=VIS_POLICE,
        personal="institution_name reporter",
        other="id tip institution_kind reporter_role",
    ),
    "tips.TipEvent": Table(
        purpose="Clues from the public and mandatory reports, triage and rewards",
        basis=BASIS_TIPS,
        retention=RET_TIPS,
        visible_to=VIS_POLICE,
        personal="actor detail",
        other="id tip at kind",
    ),
    "tips.Reward": Table(
        purpose="Rewards for clues (表彰和奖励)",
        basis=BASIS_TIPS,
        retention=RET_FINANCE,
        visible_to=VIS_POLICE,
        personal="amount grounds payment_reference applied_by",
        other="id tip status applied_at paid_at",
    ),
    "tips.RewardStep": Table(
        purpose="Rewards for clues (表彰和奖励)",
        basis=BASIS_TIPS,
        retention=RET_FINANCE,
        visible_to=VIS_POLICE,
        personal="actor note",
        other="id reward status at",
    ),
    "cases.CaseNumberCounter": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        other="id division year last_sequence",
    ),
    "cases.Case": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        personal="title opened_by",
        other=(
            "id number year sequence division owning_agency source source_reference priority "
            "status version created_at updated_at solved_at closed_at"
        ),
    ),
    "cases.CaseCrime": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        other="id case crime",
    ),
    "cases.TaskForce": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        personal="leader dissolved_by dissolution_reason",
        other="id case formed_at dissolved_at",
    ),
    "cases.TaskForceMember": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        personal="user added_by",
        other="id task_force added_at",
    ),
    "cases.ProgressEntry": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        sensitive="text",
        personal="author",
        other="id task_force responsibility created_at",
    ),
    "cases.CaseParty": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        sensitive="person",
        personal="added_by",
        other="id case role added_at",
    ),
    "cases.Interview": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        sensitive="subject_was_minor adult_present_name adult_present_relation summary",
        personal="conducted_at location interviewer recorded_by",
        other="id case party recorded_at",
    ),
    "cases.SupervisionListing": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        personal="listed_by requirements lifted_by lift_note",
        other="id case level listing_agency listed_at deadline status lifted_at overdue_at",
    ),
    "cases.SupervisionReport": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        personal="text author",
        other="id listing created_at",
    ),
    "cases.CaseEvent": Table(
        purpose="Criminal case files: task forces, parties, interviews and supervision",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_CASES,
        visible_to=VIS_CASE,
        personal="actor detail note",
        other="id case kind at",
    ),
    "alerts.Alert": Table(
        purpose="Missing-child alerts to the public and partners, and sightings",
        basis=BASIS_EMERGENCY,
        retention=RET_ALERTS,
        visible_to=VIS_ALERTS,
        sensitive=(
            "child public_name sex age_years height_cm build clothing features photo "
            "last_seen_at last_seen_place latitude longitude circumstances"
        ),
        personal="created_by published_by ended_by end_note",
        other=(
            "id public_id status outcome no_photo_reason hotline division owning_agency "
            "schedule stage case cap_sequence created_at updated_at published_at ended_at "
            "version"
        ),
    ),
    "alerts.AlertRing": Table(
        purpose="Missing-child alerts to the public and partners, and sightings",
        basis=BASIS_EMERGENCY,
        retention=RET_ALERTS,
        visible_to=VIS_ALERTS,
        other=(
            "id alert stage radius_km previous_radius_km opened_at fanout_done_at recipients "
            "heartbeat_at"
        ),
    ),
    "alerts.Partner": Table(
        purpose="Partner platforms relaying alerts",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ALERTS,
        other="id code name webhook_url signing_secret token_digest active created_at",
    ),
    "alerts.Subscriber": Table(
        purpose="Who receives alerts near them (web push, partners, SMS)",
        basis=BASIS_CONSENT,
        retention=RET_SUBSCRIBER,
        visible_to=VIS_NOBODY,
        sensitive="latitude longitude h3_cell",
        personal="external_ref endpoint",
        other="id channel partner active created_at updated_at",
    ),
    "alerts.Delivery": Table(
        purpose="Delivery of each alert to each subscriber",
        basis=BASIS_CONSENT,
        retention=RET_SUBSCRIBER,
        visible_to=VIS_NOBODY,
        other=(
            "id alert ring subscriber channel status attempts queued_at next_attempt_at "
            "sent_at last_error"
        ),
    ),
    "alerts.CapMessage": Table(
        purpose="Missing-child alerts to the public and partners, and sightings",
        basis=BASIS_EMERGENCY,
        retention=RET_ALERTS,
        visible_to=VIS_ALERTS,
        personal="xml",
        other="id alert sequence msg_type identifier sent",
    ),
    "alerts.PartnerPush": Table(
        purpose="Missing-child alerts to the public and partners, and sightings",
        basis=BASIS_EMERGENCY,
        retention=RET_ALERTS,
        visible_to=VIS_ALERTS,
        other="id message partner status attempts next_attempt_at sent_at last_error",
    ),
    "alerts.RecordedMessage": Table(
        purpose="Messages recorded by the test channel",
        basis=BASIS_CONSENT,
        retention=RET_SUBSCRIBER,
        visible_to=VIS_NOBODY,
        personal="payload",
        other="id channel alert subscriber_id delivery_id created_at",
    ),
    "alerts.CommandNotice": Table(
        purpose="Missing-child alerts to the public and partners, and sightings",
        basis=BASIS_EMERGENCY,
        retention=RET_ALERTS,
        visible_to=VIS_ALERTS,
        personal="detail acknowledged_by",
        other="id alert agency kind created_at acknowledged_at",
    ),
    "alerts.Sighting": Table(
        purpose="Sightings reported by the public on an alert",
        basis=BASIS_EMERGENCY,
        retention=RET_SIGHTING,
        visible_to=VIS_ALERTS,
        sensitive="place latitude longitude description contact photo",
        personal="seen_at distance_km reviewed_by",
        other="id alert idempotency_digest status reported_at reviewed_at tip",
    ),
    "prevention.School": Table(
        purpose="Reference data: schools",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ALL,
        other="id name division township education_bureau",
    ),
    "prevention.WorkArea": Table(
        purpose="Which township or school a worker covers",
        basis=BASIS_STAFF,
        retention=RET_STAFF,
        visible_to=VIS_ADMIN,
        personal="user",
        other="id township school post",
    ),
    "prevention.LedgerEntry": Table(
        purpose="Prevention ledgers: at-risk children and women, dropouts, found children, registration checks, released offenders",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_PREVENTION,
        visible_to=VIS_LEDGER,
        sensitive=(
            "person category guardian_name guardian_relation guardian_whereabouts "
            "guardian_phone carer risk_reasons"
        ),
        personal="village responsible_worker close_reason created_by",
        other=(
            "id status division township owning_agency risk_level next_visit_due overdue "
            "opened_at closed_at version"
        ),
    ),
    "prevention.Visit": Table(
        purpose="Prevention ledgers: at-risk children and women, dropouts, found children, registration checks, released offenders",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_PREVENTION,
        visible_to=VIS_LEDGER,
        sensitive="observations concern",
        personal="visitor",
        other="id entry visited_on kind tip recorded_at",
    ),
    "prevention.DropoutFile": Table(
        purpose="Prevention ledgers: at-risk children and women, dropouts, found children, registration checks, released offenders",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_PREVENTION,
        visible_to=VIS_LEDGER,
        sensitive="person reason",
        personal="grade left_on township_worker opened_by",
        other=(
            "id school status division township owning_agency last_contact_on concern_tip "
            "opened_at resolved_on version"
        ),
    ),
    "prevention.DropoutAction": Table(
        purpose="Prevention ledgers: at-risk children and women, dropouts, found children, registration checks, released offenders",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_PREVENTION,
        visible_to=VIS_LEDGER,
        personal="actor action",
        other="id file by taken_on contact_made recorded_at",
    ),
    "prevention.FoundChild": Table(
        purpose="Prevention ledgers: at-risk children and women, dropouts, found children, registration checks, released offenders",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_PREVENTION,
        visible_to=VIS_LEDGER,
        sensitive="person kind found_at found_place",
        personal="found_by placement recorded_by",
        other=(
            "id institution placed_at status division township owning_agency dna_request "
            "recorded_at"
        ),
    ),
    "prevention.TracingStep": Table(
        purpose="Prevention ledgers: at-risk children and women, dropouts, found children, registration checks, released offenders",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_PREVENTION,
        visible_to=VIS_LEDGER,
        personal="actor step",
        other="id child taken_on recorded_at",
    ),
    "prevention.RegistrationCheck": Table(
        purpose="Prevention ledgers: at-risk children and women, dropouts, found children, registration checks, released offenders",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_PREVENTION,
        visible_to=VIS_LEDGER,
        sensitive="child decision_note",
        personal="applicant account decided_by recorded_by",
        other=(
            "id kind status division owning_agency dna_request suspected_purchase decided_at "
            "tip recorded_at"
        ),
    ),
    "prevention.OffenderFollowUp": Table(
        purpose="Follow-up of released offenders (跟踪管控/帮教)",
        basis=BASIS_OFFENDER,
        retention=RET_OFFENDER,
        visible_to=VIS_POLICE,
        sensitive="person released_on offence",
        personal="created_by",
        other=(
            "id review_interval_days next_review_due overdue active division owning_agency "
            "created_at"
        ),
    ),
    "prevention.OffenderReview": Table(
        purpose="Follow-up of released offenders (跟踪管控/帮教)",
        basis=BASIS_OFFENDER,
        retention=RET_OFFENDER,
        visible_to=VIS_POLICE,
        sensitive="notes",
        personal="reviewer",
        other="id follow_up agency reviewed_on recorded_at",
    ),
    "victims.Institution": Table(
        purpose="Reference data: rescue and welfare institutions",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ALL,
        other="id name kind division operating_agency capacity",
    ),
    "reunion.SearchRegistration": Table(
        purpose="Finding relatives (寻亲): a family's search for a lost child, or a self-search",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_REUNION,
        visible_to=VIS_REUNION,
        sensitive=(
            "name other_names nickname sex birth_date birth_calendar age_stated age_kind "
            "missing_date township missing_place home_features height_band marks blood_type "
            "father_name mother_name person"
        ),
        personal="contact_name contact_phone registered_by verified_by",
        other=(
            "id tracking_code secret_hash idempotency_digest payload_digest kind channel status "
            "division report_date owning_agency registering_agency registered_at dna_request "
            "verified_at closing_note case matched_at version alert"
        ),
    ),
    "reunion.FoundPerson": Table(
        purpose="Finding relatives (寻亲): the matching details of a person whose family is sought",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_REUNION,
        visible_to=VIS_REUNION,
        sensitive=(
            "victim found_child registration_check self_search est_age_low est_age_high "
            "age_method age_estimated_on found_province found_city name_remembered "
            "parent_surname_remembered parent_relation marks landmarks_remembered accent "
            "height_cm blood_type"
        ),
        personal="registered_by",
        other="id source status division owning_agency registered_at matched_at version",
    ),
    "reunion.Candidate": Table(
        purpose="Finding relatives (寻亲): a found person ranked for a search, and its outcome",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_REUNION,
        visible_to=VIS_REUNION,
        sensitive=(
            "search found contributions log10_lr_dna dna_decision combined_posterior dna_run "
            "reunion_note"
        ),
        personal="decided_by note reunited_by",
        other=(
            "id rank score posterior band engine_version state dna_request decided_at ranked_at "
            "reunited_on"
        ),
    ),
    "screening.Platform": Table(
        purpose="Online screening: the platforms that push posts and receive takedown requests",
        basis=BASIS_NONE,
        retention=RET_REFERENCE,
        visible_to=VIS_ALL,
        other="id code name token_digest active takedown_hours created_at",
    ),
    "screening.Operation": Table(
        purpose="Online screening: 净网 operations, their scope and figures",
        basis=BASIS_SCREENING,
        retention=RET_PLAN,
        visible_to=VIS_SCREENING,
        personal="created_by",
        other="id name lead status starts_on ends_on owning_agency created_at",
    ),
    "screening.Post": Table(
        purpose="Online screening: posts classified, reviewed and turned into clues",
        basis=BASIS_SCREENING,
        retention=RET_SCREENING,
        visible_to=VIS_SCREENING,
        personal="author_handle author_index text url platform_post_id",
        other=(
            "id platform posted_at division operation intake source received_at "
            "classified_at label score scores cues model_version flagged signature "
            "cluster_head network_id status confirmed_with tip"
        ),
    ),
    "screening.PostIdentifier": Table(
        purpose="Online screening: contact details in posts, linked to clues by blind index",
        basis=BASIS_SCREENING,
        retention=RET_SCREENING,
        visible_to=VIS_SCREENING,
        personal="digest value",
        other="id post kind",
    ),
    "screening.BandKey": Table(
        purpose="Online screening: near-duplicate search keys (MinHash LSH bands)",
        basis=BASIS_SCREENING,
        retention=RET_SCREENING,
        visible_to=VIS_NOBODY,
        other="id post key",
    ),
    "screening.Review": Table(
        purpose="Online screening: reviewers' decisions (and the next training run)",
        basis=BASIS_SCREENING,
        retention=RET_SCREENING,
        visible_to=VIS_SCREENING,
        personal="reviewer note",
        other="id post decision label model_label model_version created_at",
    ),
    "screening.Takedown": Table(
        purpose="Online screening: notice and takedown to the platforms",
        basis=BASIS_SCREENING,
        retention=RET_SCREENING,
        visible_to=VIS_SCREENING,
        personal="requested_by",
        other=(
            "id post platform status because_of requested_at due_at acknowledged_at "
            "reminded_at closed_at platform_reference platform_note"
        ),
    ),
    "screening.IntakeBatch": Table(
        purpose="Online screening: uploads of operation exports and platform batches",
        basis=BASIS_SCREENING,
        retention=RET_SCREENING,
        visible_to=VIS_SCREENING,
        personal="content requested_by",
        other=(
            "id source operation platform file_name status progress total created flagged "
            "encoding errors idempotency_digest payload_digest answer requested_at finished_at"
        ),
    ),
    "reunion.DuplicateDismissal": Table(
        purpose="Finding relatives (寻亲): a duplicate suggestion the police dismissed",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_REUNION,
        visible_to=VIS_REUNION,
        personal="decided_by note",
        other="id side search_low search_high found_low found_high decided_at",
    ),
    "victims.Victim": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive=(
            "person identity_status age_group age_at_rescue origin origin_detail rescued_at "
            "how_rescued"
        ),
        personal="registered_by",
        other=(
            "id case rescuing_agency status division owning_agency admitted_at registered_at "
            "version"
        ),
    ),
    "victims.Placement": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim",
        personal="proposed_by decided_by decline_reason",
        other="id institution status proposed_at started_on ended_on",
    ),
    "victims.RegistrationTask": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim",
        personal="done_by note",
        other="id due_on created_at police_agency civil_affairs_agency overdue done_at",
    ),
    "victims.Guardian": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim kind address",
        personal="returned_by",
        other="id returned_on dna_confirmed",
    ),
    "victims.Transfer": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim destination",
        personal="escort handed_over_to recorded_by",
        other="id kind receiving_agency departed_on handed_over_at",
    ),
    "victims.ServiceReferral": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim placement kind note outcome",
        personal="referred_by",
        other="id owner_agency status due_on referred_at closed_at",
    ),
    "victims.PlanGoal": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim goal",
        personal="created_by",
        other="id status created_at",
    ),
    "victims.PlanReview": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim notes",
        personal="reviewer",
        other="id reviewed_on next_review_on",
    ),
    "victims.FollowUp": Table(
        purpose="Rescue, placement, services, return and legal aid for victims",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_VICTIMS,
        sensitive="victim notes",
        personal="visitor",
        other="id due_on done_on overdue",
    ),
    "victims.LegalAidApplication": Table(
        purpose="Legal aid green channel",
        basis=BASIS_DUTY_SENSITIVE,
        retention=RET_VICTIMS,
        visible_to=VIS_LEGAL,
        sensitive="victim matter outcome",
        personal="lawyer escalated_to",
        other=(
            "id green_channel status division justice_agency received_at step_due_at "
            "reviewed_at assigned_at closed_at escalated_at"
        ),
    ),
    "coordination.Measure": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        other=(
            "id number sequence chapter section item title text all_member_units_cooperate "
            "implicit_units"
        ),
    ),
    "coordination.Duty": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        other="id measure agency role",
    ),
    "coordination.UnitPlan": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="created_by",
        other="id agency year created_at",
    ),
    "coordination.PlanTask": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        other="id plan measure title owner indicator target deadline done",
    ),
    "coordination.TaskProgress": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="text attachment recorded_by",
        other="id task recorded_on figure computed attachment_type",
    ),
    "coordination.AnnualReport": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="body submitted_by review_note",
        other=(
            "id agency year level due_on status figures submitted_at reviewed_at reminded_at "
            "overdue"
        ),
    ),
    "coordination.Meeting": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="minutes recorded_by",
        other="id agency held_on title decisions",
    ),
    "coordination.Evaluation": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="created_by",
        other="id kind year due_on prompted_at run_at published_at created_at",
    ),
    "coordination.Scorecard": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        other="id evaluation agency scores total grade verdict grounds",
    ),
    "analysis.MonthlyCount": Table(
        purpose="Situation analysis: monthly counts of each module's figures by district",
        basis=BASIS_NONE,
        retention=RET_ROLLUP,
        visible_to=VIS_SITUATION,
        other="id figure division month category count",
    ),
    "analysis.CellCount": Table(
        purpose="Situation analysis: clue hot spots, counts per H3 cell and month",
        basis=BASIS_NONE,
        retention=RET_ROLLUP,
        visible_to=VIS_SITUATION,
        other="id figure division month cell count",
    ),
    "analysis.RollupState": Table(
        purpose="Situation analysis: how far each figure's rollup has read",
        basis=BASIS_NONE,
        retention=RET_ROLLUP,
        visible_to=VIS_NOBODY,
        other="id figure watermark checked_on",
    ),
    "analysis.Assessment": Table(
        purpose="Early warning: each series' expected count and threshold for a month",
        basis=BASIS_NONE,
        retention=RET_PLAN,
        visible_to=VIS_SITUATION,
        other=(
            "id figure category division month observed expected threshold alarm score "
            "dispersion trend_used model engine_version assessed_at attached_to"
        ),
    ),
    "analysis.AssessmentRun": Table(
        purpose="Early warning: the months assessed",
        basis=BASIS_NONE,
        retention=RET_PLAN,
        visible_to=VIS_SITUATION,
        other="id month started_at finished_at series warnings",
    ),
    "analysis.Warning": Table(
        purpose="Early warning: counts above threshold and the office's decision on them",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_WARNING,
        personal="decided_by decision_note",
        other=(
            "id assessment figure category division month last_month status listing "
            "created_at decided_at"
        ),
    ),
    "analysis.WarningNotice": Table(
        purpose="Early warning: a warning in a unit's inbox",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_WARNING,
        personal="read_by",
        other="id warning agency created_at read_at",
    ),
    "coordination.RegionListing": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="listed_by",
        other="id division reason warning deadline listed_at lifted_at",
    ),
    "coordination.RegionProgress": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="reported_by",
        other="id listing reported_on text",
    ),
    "coordination.BudgetLine": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="recorded_by",
        other="id division year budgeted executed",
    ),
    "coordination.Donation": Table(
        purpose="Donations to the plan's work",
        basis=BASIS_DUTY,
        retention=RET_FINANCE,
        visible_to=VIS_PLAN,
        personal="donor_name recorded_by",
        other="id division donor_kind amount received_on purpose",
    ),
    "coordination.Activity": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        personal="recorded_by",
        other="id agency kind held_on title place audience people hours materials",
    ),
    "coordination.VolunteerTeam": Table(
        purpose="The plan: unit plans, annual reports, evaluations, meetings, funding and outreach",
        basis=BASIS_DUTY,
        retention=RET_PLAN,
        visible_to=VIS_PLAN,
        other="id agency name members activities evaluation updated_at",
    ),
}


def _platform_models() -> list[type[Model]]:
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("homeward.") and not model._meta.abstract
    ]


def inventory_problems() -> list[str]:
    """Every difference between the models and the declaration, as sentences."""
    problems: list[str] = []
    models = {model._meta.label: model for model in _platform_models()}
    for label in sorted(set(INVENTORY) - set(models)):
        problems.append(f"{label} is declared but is not a model any more")
    for label, model in sorted(models.items()):
        table = INVENTORY.get(label)
        actual = {field.name for field in model._meta.concrete_fields}
        if table is None:
            problems.append(
                f"{label} is not in the data inventory (core/inventory.py): declare its "
                f"purpose, basis, retention, who sees it and its fields {sorted(actual)}"
            )
            continue
        declared = table.fields()
        for name in sorted(actual - set(declared)):
            problems.append(
                f"{label}.{name} is not in the data inventory: add it to sensitive, "
                "personal or other in core/inventory.py"
            )
        for name in sorted(set(declared) - actual):
            problems.append(f"{label}.{name} is declared but the model has no such field")
        for name in table.declared_twice():
            problems.append(f"{label}.{name} is declared in more than one class")
        if not all((table.purpose, table.basis, table.retention, table.visible_to)):
            problems.append(f"{label} lacks a purpose, basis, retention or audience")
    return problems


def inventory_markdown() -> str:
    """docs/data-inventory.md: the tables holding personal information, then the rest."""
    out = [
        "# Data inventory",
        "",
        "Generated from `homeward/core/inventory.py` by `manage.py data_inventory`; "
        "a test fails when a model field is missing from the declaration or this file "
        "is out of date (SECURITY.md DP-04). **S** = sensitive personal information "
        "(PIPL Art. 28), **P** = personal information.",
        "",
        "| table | purpose | sensitive (S) | personal (P) | legal basis | retention | who can see it |",
        "|---|---|---|---|---|---|---|",
    ]
    plain: list[str] = []
    for label in sorted(INVENTORY):
        table = INVENTORY[label]
        if not table.sensitive and not table.personal:
            plain.append(label)
            continue
        cells = [
            f"`{label}`",
            table.purpose,
            ", ".join(f"`{n}`" for n in table.sensitive.split()) or "—",
            ", ".join(f"`{n}`" for n in table.personal.split()) or "—",
            table.basis,
            table.retention,
            table.visible_to,
        ]
        out.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    out += [
        "",
        "Tables without personal information: " + ", ".join(f"`{n}`" for n in plain) + ".",
        "",
    ]
    return "\n".join(out)

"""Criminal case files under the 一长三包 responsibility system (rules 三、(一)): the case,
its task force and the three responsibilities, the people in it and their one-stop
interviews (三、(五)), supervision listings by the joint conference (七、(一)), and the
timeline of everything that happened to it.

Identity lives in ``people.Person`` only: a case links to people, it never copies them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division
from homeward.people.models import Person


class Crime(models.TextChoices):
    """Crimes of the Criminal Law that the anti-trafficking work investigates."""

    TRAFFICKING = "art240", _("Trafficking in women or children (Criminal Law art. 240)")
    BUYING = "art241", _("Buying trafficked women or children (art. 241)")
    CHILD_ABDUCTION = "art262", _("Abducting a child (art. 262)")
    ORGANISED_BEGGING = "art262_1", _("Organising disabled people or children to beg (art. 262-1)")
    FORCED_LABOUR = "art244", _("Forced labour (art. 244)")
    ORGANISING_PROSTITUTION = "art358", _("Organising prostitution (art. 358)")
    PROCURING_PROSTITUTION = (
        "art359",
        _("Luring, sheltering or introducing others into prostitution (art. 359)"),
    )
    ILLEGAL_BORDER_CROSSING = "art318", _("Organising illegal border crossing (art. 318)")
    OTHER = "other", _("Other crime")


class CaseNumberCounter(models.Model):
    """The last case number handed out per division and year. Locked with
    ``select_for_update`` while a case is opened, so numbers are unique and gap-free:
    a rolled-back opening rolls its number back too."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year"], name="cases_one_counter_per_division_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division_id}/{self.year}: {self.last_sequence}"


class CaseStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    INVESTIGATING = "investigating", _("Under investigation")
    SOLVED = "solved", _("Solved")
    TRANSFERRED = "transferred_for_prosecution", _("Transferred for prosecution")
    CLOSED = "closed", _("Closed")


UNSOLVED_STATUSES: tuple[str, ...] = (CaseStatus.OPENED, CaseStatus.INVESTIGATING)
SOLVED_STATUSES: tuple[str, ...] = (CaseStatus.SOLVED, CaseStatus.TRANSFERRED, CaseStatus.CLOSED)


class CasePriority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    HIGHEST = "highest", _("Highest")


class CaseSource(models.TextChoices):
    CLUE = "clue", _("Clue")
    ALERT = "alert", _("Missing-child alert")
    DNA_MATCH = "dna_match", _("DNA match")
    MANDATORY_REPORT = "mandatory_report", _("Mandatory report")
    PROVINCE_TRANSFER = "province_transfer", _("Transferred from another province")
    OTHER = "other", _("Other")


# Sources that are records of other modules; only these carry a reference id.
REFERENCED_SOURCES: tuple[str, ...] = (
    CaseSource.CLUE,
    CaseSource.ALERT,
    CaseSource.DNA_MATCH,
    CaseSource.MANDATORY_REPORT,
)


class Case(models.Model):
    Status = CaseStatus
    Priority = CasePriority
    Source = CaseSource

    number = models.CharField(_("Case number"), max_length=32, editable=False)
    year = models.PositiveSmallIntegerField(_("Year"), editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    title = models.CharField(pgettext_lazy("case", "Title"), max_length=200)
    # Scoping: the district of the case and the public-security unit that opened it.
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="cases", verbose_name=_("District")
    )
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("Opening unit")
    )
    source = models.CharField(_("Source"), max_length=20, choices=Source.choices)
    # The id of the clue, alert, DNA match or mandatory report (no foreign key: the
    # case module does not depend on the modules it receives work from).
    source_reference = models.PositiveBigIntegerField(
        _("Source record number"), null=True, blank=True
    )
    priority = models.CharField(
        _("Priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("Status"), max_length=32, choices=Status.choices, default=Status.OPENED
    )
    version = models.PositiveIntegerField(default=1)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated at"), default=timezone.now)
    solved_at = models.DateTimeField(_("Solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Case")
        verbose_name_plural = _("Cases")
        permissions = [("supervise_case", _("List cases for supervision and follow them up"))]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="cases_case_number_unique"),
            models.UniqueConstraint(
                fields=["division", "year", "sequence"],
                name="cases_case_sequence_once_per_division_year",
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="cases_case_sequence_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="cases_case_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=CasePriority.values),
                name="cases_case_priority_known",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=CaseSource.values), name="cases_case_source_known"
            ),
            models.CheckConstraint(
                condition=models.Q(source_reference__isnull=True)
                | models.Q(source__in=REFERENCED_SOURCES),
                name="cases_case_reference_only_for_records",
            ),
            # 案件不破 … : a case past "solved" has a solve date; closed has a close date.
            models.CheckConstraint(
                condition=~models.Q(status__in=SOLVED_STATUSES) | models.Q(solved_at__isnull=False),
                name="cases_case_solved_before_later_stages",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=CaseStatus.CLOSED) | models.Q(closed_at__isnull=False),
                name="cases_case_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_solved(self) -> bool:
        return self.status in SOLVED_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class CaseCrime(models.Model):
    """One crime a case is investigated for (a validated multi-choice in a child table)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="crimes")
    crime = models.CharField(_("Crime"), max_length=12, choices=Crime.choices)

    class Meta:
        ordering = ["crime"]
        verbose_name = _("Crime of a case")
        verbose_name_plural = _("Crimes of a case")
        constraints = [
            models.UniqueConstraint(fields=["case", "crime"], name="cases_crime_once_per_case"),
            models.CheckConstraint(
                condition=models.Q(crime__in=Crime.values), name="cases_crime_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.crime}"


class TaskForce(models.Model):
    """The task force (专案组) of a case: led by a head or deputy head of a
    county-level-or-above public-security agency, it answers for solving the case,
    rescuing the child and comforting the family. It stays until the case is solved."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="task_force")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_task_forces",
        verbose_name=_("Leader"),
    )
    formed_at = models.DateTimeField(_("Formed at"), default=timezone.now)
    dissolved_at = models.DateTimeField(_("Dissolved at"), null=True, blank=True)
    dissolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dissolution_reason = models.CharField(_("Reason for dissolution"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Task force")
        verbose_name_plural = _("Task forces")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dissolved_at__isnull=True, dissolved_by__isnull=True)
                | models.Q(dissolved_at__isnull=False, dissolved_by__isnull=False),
                name="cases_task_force_dissolution_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"task force of case {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.dissolved_at is None


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="task_force_memberships",
        verbose_name=_("Member"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("Added at"), default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("Task force member")
        verbose_name_plural = _("Task force members")
        constraints = [
            models.UniqueConstraint(
                fields=["task_force", "user"], name="cases_member_once_per_task_force"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_force_id}:{self.user_id}"


class Responsibility(models.TextChoices):
    """一长三包: the three things the task force answers for."""

    SOLVE_CASE = "solve_case", _("Solve the case")
    RESCUE_CHILD = "rescue_child", _("Rescue the child")
    COMFORT_FAMILY = "comfort_family", _("Comfort the family")


class ProgressEntry(models.Model):
    """A progress log entry against one of the three responsibilities."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="progress")
    responsibility = models.CharField(
        _("Responsibility"), max_length=16, choices=Responsibility.choices
    )
    text = models.TextField(_("Progress"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("Logged at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Progress entry")
        verbose_name_plural = _("Progress entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(responsibility__in=Responsibility.values),
                name="cases_progress_responsibility_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_force_id}:{self.responsibility}@{self.created_at:%Y-%m-%d}"


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    BUYER = "buyer", _("Buyer")
    FAMILY_MEMBER = "family_member", _("Family member")
    WITNESS = "witness", _("Witness")


class CaseParty(models.Model):
    """A person from the registry in a role in this case."""

    Role = PartyRole

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="case_roles", verbose_name=_("Person")
    )
    role = models.CharField(_("Role in the case"), max_length=16, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("Added at"), default=timezone.now)

    class Meta:
        ordering = ["role", "added_at", "pk"]
        verbose_name = _("Person in a case")
        verbose_name_plural = _("People in a case")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "role"], name="cases_party_role_once_per_case"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=PartyRole.values), name="cases_party_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.person_id}:{self.role}"


class Interview(models.Model):
    """A one-stop interview (一站式询问) of a victim, done once to spare them repeated
    questioning. A minor is never interviewed without a guardian or an appropriate
    adult present. The summary is encrypted and shown only to the case team."""

    class AdultRelation(models.TextChoices):
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Other legal guardian")
        APPROPRIATE_ADULT = "appropriate_adult", _("Appropriate adult")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interviews")
    party = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("Victim")
    )
    conducted_at = models.DateTimeField(_("When"))
    location = models.CharField(_("Where"), max_length=200)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Interviewer"),
    )
    # Derived from the person's age on the day of the interview, never entered.
    subject_was_minor = models.BooleanField(_("The victim was a minor"), editable=False)
    adult_present_name = EncryptedTextField(_("Guardian or appropriate adult present"))
    adult_present_relation = models.CharField(
        _("Relation to the victim"), max_length=20, choices=AdultRelation.choices, blank=True
    )
    summary = EncryptedTextField(_("Summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("Recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-conducted_at", "-pk"]
        verbose_name = _("One-stop interview")
        verbose_name_plural = _("One-stop interviews")
        constraints = [
            # An empty encrypted field is stored as "" (only values are encrypted).
            models.CheckConstraint(
                condition=models.Q(subject_was_minor=False)
                | (~models.Q(adult_present_name="") & ~models.Q(adult_present_relation="")),
                name="cases_interview_minor_has_adult_present",
            ),
        ]

    def __str__(self) -> str:
        return f"interview {self.pk} of case {self.case_id}"


class ListingLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("Under supervision")
    LIFTED = "lifted", _("Lifted")


class SupervisionListing(models.Model):
    """挂牌督办: the joint conference lists a key case with a deadline and requirements."""

    Level = ListingLevel
    Status = ListingStatus

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_listings")
    level = models.CharField(_("Level"), max_length=12, choices=Level.choices)
    listing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Listed by (office)")
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    listed_at = models.DateTimeField(_("Listed at"), default=timezone.now)
    deadline = models.DateField(pgettext_lazy("supervision", "Deadline"))
    requirements = models.TextField(_("Requirements"))
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    lifted_at = models.DateTimeField(_("Lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_note = models.CharField(_("Note"), max_length=300, blank=True)
    # Set once, by the tick sweep, when the deadline passes while still listed.
    overdue_at = models.DateTimeField(_("Overdue since"), null=True, blank=True)

    class Meta:
        ordering = ["-listed_at", "-pk"]
        verbose_name = _("Supervision listing")
        verbose_name_plural = _("Supervision listings")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "level"],
                condition=models.Q(status="active"),
                name="cases_one_active_listing_per_level",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=ListingLevel.values), name="cases_listing_level_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", lifted_at__isnull=True)
                | models.Q(status="lifted", lifted_at__isnull=False),
                name="cases_listing_lifted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"listing {self.pk} of case {self.case_id}"

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None


class SupervisionReport(models.Model):
    """A progress report by the case team against a supervision listing."""

    listing = models.ForeignKey(
        SupervisionListing, on_delete=models.CASCADE, related_name="reports"
    )
    text = models.TextField(_("Report"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("Reported at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Supervision report")
        verbose_name_plural = _("Supervision reports")

    def __str__(self) -> str:
        return f"report {self.pk} on listing {self.listing_id}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    UPDATED = "updated", _("Case details changed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    LEADER_CHANGED = "leader_changed", _("Task force leader changed")
    MEMBER_ADDED = "member_added", _("Task force member added")
    TASK_FORCE_DISSOLVED = "task_force_dissolved", _("Task force dissolved")
    PROGRESS_LOGGED = "progress_logged", _("Progress logged")
    PERSON_ADDED = "person_added", _("Person added")
    INTERVIEW_RECORDED = "interview_recorded", _("Interview recorded")
    SUPERVISION_LISTED = "supervision_listed", _("Listed for supervision")
    SUPERVISION_REPORTED = "supervision_reported", _("Supervision report submitted")
    SUPERVISION_LIFTED = "supervision_lifted", _("Supervision lifted")
    SUPERVISION_OVERDUE = "supervision_overdue", _("Supervision deadline passed")


class CaseEvent(models.Model):
    """One entry of a case's timeline, written by the service that made the change, in
    the same transaction. ``detail`` holds codes and ids only, never personal data."""

    Kind = EventKind

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("Event"), max_length=24, choices=Kind.choices)
    # None for the platform itself (the tick sweep).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("Time"), default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)
    # The officer's short reason, e.g. for a status or leader change.
    note = models.CharField(_("Note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("Case event")
        verbose_name_plural = _("Case events")
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="cases_event_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}@{self.at:%Y-%m-%d %H:%M}"

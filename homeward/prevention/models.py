"""Prevention records. Identity lives in ``people.Person``; every record here links to a
person and holds only what prevention work adds (category, guardian's whereabouts, risk,
visits, the dropout's school, where a child was found).

Every record carries ``division`` and ``owning_agency`` (district scoping) and, where
the work is local, ``township`` (a village or township worker sees their township only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division, Township
from homeward.people.models import Person


class School(models.Model):
    """A school, with the district and township it serves."""

    name = models.CharField(_("School"), max_length=100)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The education bureau that follows the school's dropouts (its district's by default;
    # set when another bureau is responsible, e.g. after a reform).
    education_bureau = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Education bureau"),
    )

    class Meta:
        ordering = ["division__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="prevention_school_once")
        ]

    def __str__(self) -> str:
        return self.name


class WorkArea(models.Model):
    """Where a user works below the district: a township (儿童主任, 儿童督导员, 妇女主任,
    the township head) or a school (its staff). A user without one works district-wide
    (or municipality-wide) as their agency does."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_area"
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    post = models.CharField(_("Post"), max_length=40, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(township__isnull=False) | models.Q(school__isnull=False),
                name="prevention_work_area_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.township_id or ''}{self.school_id or ''}"


class Category(models.TextChoices):
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    LEFT_BEHIND_WOMAN = "left_behind_woman", _("Left-behind woman")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("Child in difficulty (困境儿童)")
    STREET_MINOR = "street_minor", _("Street minor")
    ABANDONED_INFANT = "abandoned_infant", _("Abandoned infant")
    DROPOUT = "dropout", _("Dropout student")
    DISABILITY = "disability", _("Person with an intellectual or mental disability at risk")
    RELEASED_OFFENDER = "released_offender", _("Released offender under follow-up")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskReason(models.TextChoices):
    NO_GUARDIAN = "no_guardian", _("No guardian at home")
    GUARDIAN_UNFIT = "guardian_unfit", _("Guardian unable to care (old, ill, disabled)")
    OUT_OF_SCHOOL = "out_of_school", _("Out of school")
    STRANGERS = "strangers", _("Contact with strangers or online recruiters")
    MARRIAGE_PRESSURE = "marriage_pressure", _("Pressure to marry or an arranged marriage")
    POVERTY = "poverty", _("Extreme poverty")
    VIOLENCE = "violence", _("Violence at home")
    PAST_TRAFFICKING = "past_trafficking", _("Trafficked before, or family history")
    DISABILITY = "disability", _("Disability")


class LedgerEntry(models.Model):
    """A person in the at-risk ledger (信息台账), with the worker responsible."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Followed")
        CLOSED = "closed", _("Follow-up ended")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("Person")
    )
    category = models.CharField(_("Category"), max_length=24, choices=Category.choices)
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    guardian_name = models.CharField(_("Guardian"), max_length=64, blank=True)
    guardian_relation = models.CharField(_("Relation"), max_length=32, blank=True)
    guardian_whereabouts = models.CharField(
        _("Guardian's whereabouts"),
        max_length=120,
        blank=True,
        help_text=_("For example: both parents work in Dongguan, Guangdong."),
    )
    guardian_phone = EncryptedTextField(_("Guardian's phone"))
    carer = models.CharField(_("Who cares for them now"), max_length=120, blank=True)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("District")
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("Township")
    )
    village = models.CharField(_("Village or community"), max_length=64, blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("Responsible worker"),
    )
    risk_level = models.CharField(
        _("Risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    risk_reasons = models.JSONField(_("Reasons"), default=list, blank=True)
    next_visit_due = models.DateField(_("Next visit due"), null=True, blank=True)
    overdue = models.BooleanField(_("Visit overdue"), default=False)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(_("Reason for closing"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["next_visit_due", "pk"]
        verbose_name = _("Ledger entry")
        permissions = [
            ("view_prevention_overview", _("See the township and district prevention views")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=models.Q(status="active"),
                name="prevention_one_active_entry_per_category",
            )
        ]
        indexes = [models.Index(fields=["division", "township", "status", "next_visit_due"])]

    def __str__(self) -> str:
        return f"ledger {self.pk} ({self.category})"


class Visit(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone or video call")
        SCHOOL = "school", _("At school")

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="visits")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("Date of the visit"))
    kind = models.CharField(_("Kind"), max_length=8, choices=Kind.choices, default=Kind.HOME)
    observations = EncryptedTextField(_("What you saw"))
    concern = EncryptedTextField(_("Concern for the police (optional)"))
    tip = models.ForeignKey(
        "tips.Tip", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"visit {self.pk}"


class DropoutFile(models.Model):
    """控辍保学: a student who stopped coming, followed until back in school."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being followed")
        RETURNED = "returned", _("Back in school")
        TRANSFERRED = "transferred", _("Transferred to another school")
        OTHER = "other", _("Otherwise resolved")

    class Reason(models.TextChoices):
        WORK = "work", _("Went to work")
        FAMILY = "family", _("Family reasons")
        STUDY_DIFFICULTY = "study_difficulty", _("Difficulty with studies")
        ILLNESS = "illness", _("Illness or disability")
        MARRIAGE = "marriage", _("Marriage or engagement")
        UNKNOWN = "unknown", _("Unknown; no contact")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="dropout_files", verbose_name=_("Student")
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="dropout_files")
    grade = models.CharField(pgettext_lazy("school", "Grade"), max_length=20)
    left_on = models.DateField(_("Last day at school"))
    reason = models.CharField(_("Reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    township_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Township follow-up"),
    )
    last_contact_on = models.DateField(
        _("Last contact with the student or family"), null=True, blank=True
    )
    concern_tip = models.ForeignKey(
        "tips.Tip", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_on = models.DateField(_("Resolved on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["status", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="open"),
                name="prevention_one_open_dropout_file",
            )
        ]

    def __str__(self) -> str:
        return f"dropout {self.pk}"


class DropoutAction(models.Model):
    class By(models.TextChoices):
        SCHOOL = "school", _("School")
        TOWNSHIP = "township", _("Township")
        EDUCATION_BUREAU = "education_bureau", _("Education bureau")

    file = models.ForeignKey(DropoutFile, on_delete=models.CASCADE, related_name="actions")
    by = models.CharField(_("Done by"), max_length=20, choices=By.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_on = models.DateField(_("Date"))
    action = EncryptedTextField(_("What was done"))
    contact_made = models.BooleanField(_("Reached the student or family"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"action {self.pk}"


class FoundChild(models.Model):
    """A street minor or abandoned infant: found, placed, guardians traced."""

    class Kind(models.TextChoices):
        STREET_MINOR = "street_minor", _("Street minor")
        ABANDONED_INFANT = "abandoned_infant", _("Abandoned infant")

    class Placement(models.TextChoices):
        PROTECTION = "protection", _("Minors' rescue-protection institution")
        WELFARE = "welfare", _("Child-welfare institution")
        FAMILY = "family", _("Returned to guardian")
        HOSPITAL = "hospital", _("Hospital")

    class Status(models.TextChoices):
        PLACED = "placed", _("Placed, tracing guardians")
        RETURNED = "returned", _("Returned to guardians")
        LONG_TERM = "long_term", _("Long-term care")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("Child")
    )
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    found_at = models.DateTimeField(_("Found at"))
    found_place = models.CharField(_("Where found"), max_length=120)
    found_by = models.CharField(_("Found by"), max_length=120)
    placement = models.CharField(_("Placement"), max_length=12, choices=Placement.choices)
    institution = models.CharField(_("Placement institution"), max_length=120, blank=True)
    placed_at = models.DateTimeField(_("Placed at"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PLACED
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    dna_request = models.ForeignKey(
        "dna.CheckRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at", "-pk"]

    def __str__(self) -> str:
        return f"found child {self.pk}"


class TracingStep(models.Model):
    child = models.ForeignKey(FoundChild, on_delete=models.CASCADE, related_name="tracing")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_on = models.DateField(_("Date"))
    step = EncryptedTextField(_("Step taken"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"tracing {self.pk}"


class RegistrationCheck(models.Model):
    """A household-registration (落户) or adoption application for a child of unclear
    origin: pending until the police clear it (二、(五)2; 三、(三))."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Household registration application")
        ADOPTION = "adoption", _("Adoption registration")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending police check")
        CLEARED = "cleared", _("Cleared by the police")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("Kind"), max_length=12, choices=Kind.choices)
    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("Child")
    )
    applicant = EncryptedTextField(_("Applicant"))
    account = EncryptedTextField(_("Applicant's account of the child's origin"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    dna_request = models.ForeignKey(
        "dna.CheckRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suspected_purchase = models.BooleanField(_("Suspected purchase of the child"), default=False)
    decision_note = models.CharField(_("Police note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    tip = models.ForeignKey(
        "tips.Tip", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "-recorded_at"]
        permissions = [("decide_registrationcheck", _("Clear or reject registration checks"))]

    def __str__(self) -> str:
        return f"registration check {self.pk}"


class OffenderFollowUp(models.Model):
    """A released trafficking offender followed by the police and the justice bureau."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("Person")
    )
    released_on = models.DateField(_("Released on"))
    offence = models.CharField(_("Offence"), max_length=120)
    review_interval_days = models.PositiveSmallIntegerField(_("Review every (days)"), default=90)
    next_review_due = models.DateField(_("Next review due"))
    overdue = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_review_due", "pk"]

    def __str__(self) -> str:
        return f"offender follow-up {self.pk}"


class OffenderReview(models.Model):
    follow_up = models.ForeignKey(
        OffenderFollowUp, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(_("Date"))
    notes = EncryptedTextField(_("Findings"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"review {self.pk}"

"""Victim case management. Identity lives in ``people.Person``; a victim record links to
the person and, where there is one, the criminal case, and holds what the rescue and
care work adds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division
from homeward.people.models import Person


class Institution(models.Model):
    """A place where victims stay: run by civil affairs, with a capacity."""

    class Kind(models.TextChoices):
        RESCUE_MANAGEMENT = "rescue_management", _("Rescue-management institution")
        MINORS_PROTECTION = "minors_protection", _("Minors' rescue-protection institution")
        CHILD_WELFARE = "child_welfare", _("Child-welfare institution")
        TRANSIT_REHABILITATION = "transit_rehabilitation", _("Transit-rehabilitation centre")

    name = models.CharField(_("Name"), max_length=100, unique=True)
    kind = models.CharField(_("Kind"), max_length=24, choices=Kind.choices)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    operating_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveIntegerField(_("Capacity"))

    class Meta:
        ordering = ["division__code", "name"]

    def __str__(self) -> str:
        return self.name


class IdentityStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    UNKNOWN = "unknown", _("Identity unknown")


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child (under 14)")
    MINOR = "minor", _("Minor (14–17)")
    ADULT = "adult", _("Adult")


class Origin(models.TextChoices):
    CHONGQING = "chongqing", _("Chongqing")
    OTHER_PROVINCE = "other_province", _("Another province")
    FOREIGN = "foreign", _("Abroad")


class VictimStatus(models.TextChoices):
    RESCUED = "rescued", _("Rescued, handed over")
    IN_CARE = "in_care", _("In care")
    RETURNED = "returned", _("Returned to family")
    TRANSFERRED = "transferred", _("Transferred or repatriated")
    INDEPENDENT = "independent", _("Living independently")
    CLOSED = "closed", _("File closed")


class Victim(models.Model):
    Status = VictimStatus

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="victim", verbose_name=_("Person")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Case"),
    )
    identity_status = models.CharField(_("Identity"), max_length=12, choices=IdentityStatus.choices)
    age_group = models.CharField(_("Age group"), max_length=8, choices=AgeGroup.choices)
    age_at_rescue = models.PositiveSmallIntegerField(_("Age at rescue (years)"))
    origin = models.CharField(_("Origin"), max_length=16, choices=Origin.choices)
    origin_detail = models.CharField(_("Province or nationality"), max_length=60, blank=True)
    rescued_at = models.DateTimeField(_("Rescued at"))
    how_rescued = EncryptedTextField(_("How rescued"))
    rescuing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Rescued by")
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=VictimStatus.choices, default=VictimStatus.RESCUED
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("District")
    )
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Receiving unit")
    )
    admitted_at = models.DateField(_("Admitted to an institution on"), null=True, blank=True)
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        permissions = [
            ("manage_victim", _("Register, place, return and transfer victims")),
            ("deliver_service", _("Deliver services referred to your unit")),
        ]

    def __str__(self) -> str:
        return f"victim {self.pk}"

    @property
    def is_minor(self) -> bool:
        return self.age_group != AgeGroup.ADULT


class Placement(models.Model):
    """A stay in an institution. A move is a referral the receiving unit accepts or
    declines."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECLINED = "declined", _("Declined")
        ACTIVE = "active", _("Staying")
        ENDED = "ended", _("Ended")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="placements")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="placements"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=200, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim"],
                condition=models.Q(status="active"),
                name="victims_one_active_placement",
            )
        ]

    def __str__(self) -> str:
        return f"placement {self.pk}"


class RegistrationTask(models.Model):
    """办理户籍: identity still unknown three months after admission."""

    victim = models.OneToOneField(
        Victim, on_delete=models.CASCADE, related_name="registration_task"
    )
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    police_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    civil_affairs_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    overdue = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"registration task {self.pk}"


class Guardian(models.Model):
    """Who a victim goes home to (or is placed with): people from the registry and the
    address, encrypted, with a keyed digest of its normalised form for the buyer check."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="returns")
    kind = models.CharField(
        max_length=12,
        choices=[
            ("parents", _("Own parents")),
            ("relatives", _("Relatives")),
            ("foster", _("Foster family")),
        ],
    )
    people = models.ManyToManyField(Person, related_name="+")
    address = EncryptedTextField(_("Address"))
    returned_on = models.DateField()
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dna_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-returned_on", "-pk"]

    def __str__(self) -> str:
        return f"return {self.pk}"


class ReceivingAgency(models.TextChoices):
    """Who takes the victim over at the end of a transfer or repatriation (六、(二): 市公安局,
    市政府外办 and 市民政局 lead; the receiving side is one of these)."""

    FOREIGN_AFFAIRS_OFFICE = (
        "foreign_affairs_office",
        _("Municipal Foreign Affairs Office (to the embassy or consulate)"),
    )
    BORDER_INSPECTION = (
        "border_inspection",
        _("Exit border inspection station (to the other country's police)"),
    )
    PROVINCE_RESCUE_STATION = (
        "province_rescue_station",
        _("Rescue-management station of the receiving province"),
    )
    PROVINCE_CIVIL_AFFAIRS = (
        "province_civil_affairs",
        _("Civil-affairs department of the receiving province"),
    )
    PROVINCE_PUBLIC_SECURITY = (
        "province_public_security",
        _("Public security of the receiving province"),
    )


# Which receiving agencies fit which kind of journey.
RECEIVING_AGENCIES_BY_KIND: dict[str, frozenset[str]] = {
    "transfer": frozenset(
        {
            ReceivingAgency.PROVINCE_RESCUE_STATION,
            ReceivingAgency.PROVINCE_CIVIL_AFFAIRS,
            ReceivingAgency.PROVINCE_PUBLIC_SECURITY,
        }
    ),
    "repatriation": frozenset(
        {ReceivingAgency.FOREIGN_AFFAIRS_OFFICE, ReceivingAgency.BORDER_INSPECTION}
    ),
}


class Transfer(models.Model):
    """中转康复, 安全送返: to another province or abroad, with escort and hand-over."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer to another province")
        REPATRIATION = "repatriation", _("Repatriation abroad")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(_("Kind"), max_length=14, choices=Kind.choices)
    destination = models.CharField(_("Destination"), max_length=100)
    receiving_agency = models.CharField(
        _("Receiving agency"), max_length=32, choices=ReceivingAgency.choices
    )
    escort = models.CharField(_("Escort"), max_length=200)
    departed_on = models.DateField(_("Departed on"))
    handed_over_at = models.DateTimeField(_("Handed over at"), null=True, blank=True)
    handed_over_to = models.CharField(_("Handed over to"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-departed_on", "-pk"]

    def __str__(self) -> str:
        return f"transfer {self.pk}"


class ServiceKind(models.TextChoices):
    MEDICAL = "medical", _("Basic medical care")
    COUNSELLING = "counselling", _("Psychological counselling")
    DISABILITY = "disability", _("Disability assessment and certificate")
    SCHOOL = "school", _("School placement or return, with psychological follow-up")
    VOCATIONAL = "vocational", _("Vocational training and job placement")
    FAMILY_SEARCH = "family_search", _("Help finding relatives")
    ASSISTANCE = "assistance", _("Social assistance and welfare")
    REINTEGRATION = "reintegration", _("Return to family and community")
    LEGAL_AID = "legal_aid", _("Legal aid")


# Which unit delivers each service (agency kind), and whether the unit needs the
# victim's identity to deliver it (others see it masked).
SERVICE_PROVIDERS: dict[str, tuple[str, bool]] = {
    ServiceKind.MEDICAL: ("health", True),
    ServiceKind.COUNSELLING: ("health", False),
    ServiceKind.DISABILITY: ("disabled_persons_federation", True),
    ServiceKind.SCHOOL: ("education", True),
    ServiceKind.VOCATIONAL: ("human_resources", False),
    ServiceKind.FAMILY_SEARCH: ("public_security", True),
    ServiceKind.ASSISTANCE: ("civil_affairs", True),
    ServiceKind.REINTEGRATION: ("womens_federation", False),
    ServiceKind.LEGAL_AID: ("justice", True),
}


class ServiceReferral(models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        ACCEPTED = "accepted", pgettext_lazy("service", "Accepted")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="services")
    # The stay the service is for, when the victim was in an institution: the placement
    # page lists its referrals, the referral names the placement it serves.
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("Placement"),
    )
    kind = models.CharField(_("Service"), max_length=16, choices=ServiceKind.choices)
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Delivered by")
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.REFERRED
    )
    due_on = models.DateField(pgettext_lazy("service", "Due"))
    note = models.CharField(_("Referral note"), max_length=300, blank=True)
    outcome = EncryptedTextField(_("Outcome"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_on", "pk"]

    def __str__(self) -> str:
        return f"service {self.pk}"


class PlanGoal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        DROPPED = "dropped", _("Dropped")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="goals")
    goal = models.CharField(_("Goal"), max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.goal


class PlanReview(models.Model):
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("Date"))
    notes = EncryptedTextField(_("Plan review"))
    next_review_on = models.DateField(_("Next review"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"review {self.pk}"


class FollowUp(models.Model):
    """A visit after the return home, on the configured schedule."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(pgettext_lazy("follow-up visit", "Due"))
    done_on = models.DateField(_("Visited on"), null=True, blank=True)
    notes = EncryptedTextField(_("What was found"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overdue = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"follow-up {self.pk}"


class LegalAidApplication(models.Model):
    """四、(四)5: the green channel. Every step has a deadline; a late step is escalated
    to the head of the justice bureau."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        REVIEWED = "reviewed", _("Reviewed, accepted")
        ASSIGNED = "assigned", _("Lawyer assigned")
        CLOSED = "closed", _("Concluded")
        REFUSED = "refused", _("Refused")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="legal_aid")
    green_channel = models.BooleanField(default=True)
    matter = EncryptedTextField(_("Matter"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    justice_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    step_due_at = models.DateTimeField(_("Step due"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Lawyer"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("Outcome"), max_length=300, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-green_channel", "step_due_at", "pk"]
        permissions = [("handle_legal_aid", _("Handle legal-aid applications"))]

    def __str__(self) -> str:
        return f"legal aid {self.pk}"

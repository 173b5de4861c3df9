"""The measures of the rules and the units that lead them (负责) or cooperate (配合)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.models import Agency


class Measure(models.Model):
    number = models.CharField(_("Number"), max_length=32, unique=True)
    sequence = models.PositiveSmallIntegerField(_("Order"), unique=True)
    chapter = models.CharField(_("Chapter"), max_length=8)
    section = models.CharField(_("Section"), max_length=8, blank=True)
    item = models.PositiveSmallIntegerField(_("Item"), null=True, blank=True)
    title = models.CharField(_("Section title"), max_length=80, blank=True)
    text = models.TextField(_("Text"))
    all_member_units_cooperate = models.BooleanField(default=False)
    implicit_units = models.BooleanField(default=False)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        permissions = [("view_plan", _("View the plan and its responsibility matrix"))]

    def __str__(self) -> str:
        return self.number


class Duty(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (负责)")
        COOPERATE = "cooperate", _("Cooperate (配合)")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="duties")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="duties")
    role = models.CharField(_("Role"), max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["measure__sequence", "role", "agency__kind"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "agency"], name="coordination_one_duty_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.agency_id}:{self.role}"


class Indicator(models.TextChoices):
    """Figures the platform computes from the other modules (never typed twice)."""

    CLUES_RECEIVED = "clues_received", _("Clues received")
    CLUES_SUBSTANTIATED = "clues_substantiated", _("Clues substantiated")
    ALERTS_PUBLISHED = "alerts_published", _("Missing-child alerts published")
    CHILDREN_FOUND = "children_found", _("Alerted children found safe")
    CASES_OPENED = "cases_opened", _("Cases opened")
    CASES_SOLVED = "cases_solved", _("Cases solved")
    DNA_SAMPLES = "dna_samples", _("DNA samples registered")
    VICTIMS_PLACED = "victims_placed", _("Victims placed")
    SERVICES_DONE = "services_done", _("Victim services delivered")
    LEGAL_AID = "legal_aid", _("Legal-aid applications")
    VISITS_DONE = "visits_done", _("Visits and follow-ups done")
    CAMPAIGNS = "campaigns", _("Publicity campaigns held")
    PEOPLE_TRAINED = "people_trained", _("People trained")
    # 净网 (三、(四)): online screening's figures (homeward.screening.selectors.plan_counts).
    ONLINE_POSTS_SCREENED = "online_posts_screened", _("Online posts screened")
    ONLINE_POSTS_FLAGGED = "online_posts_flagged", _("Online posts flagged")
    ONLINE_POSTS_CONFIRMED = "online_posts_confirmed", _("Online posts confirmed illegal")
    ONLINE_POSTS_TAKEN_DOWN = "online_posts_taken_down", _("Online posts taken down")
    ONLINE_CLUES_OPENED = "online_clues_opened", _("Clues opened from online posts")


class UnitPlan(models.Model):
    """A member unit's implementation plan (实施方案) for a year."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="unit_plans")
    year = models.PositiveSmallIntegerField(_("Year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="coordination_one_plan_per_year"
            )
        ]
        permissions = [
            ("write_unit_plan", _("Write your unit's plan, progress and annual report")),
            ("oversee_plan", _("Review reports, record meetings and run evaluations")),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}"


class PlanTask(models.Model):
    plan = models.ForeignKey(UnitPlan, on_delete=models.CASCADE, related_name="tasks")
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", verbose_name=_("Measure")
    )
    title = models.CharField(_("Task"), max_length=200)
    owner = models.CharField(_("Owner"), max_length=100)
    indicator = models.CharField(
        _("Computed indicator"), max_length=24, choices=Indicator.choices, blank=True
    )
    target = models.DecimalField(
        _("Target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(pgettext_lazy("plan task", "Deadline"))
    done = models.BooleanField(_("Done"), default=False)

    class Meta:
        ordering = ["measure__sequence", "deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class TaskProgress(models.Model):
    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="progress")
    recorded_on = models.DateField(_("Date"))
    text = models.TextField(_("Work done"))
    figure = models.DecimalField(
        _("Figure"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    computed = models.BooleanField(default=False)
    attachment = models.FileField(_("Attachment"), upload_to="plan/progress/", blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"progress {self.pk}"


class AnnualReport(models.Model):
    """A unit's report of the year to the joint-conference office at its level (due 15
    December), or a district joint conference's report to the municipal joint conference
    and the district government (due 30 December)."""

    class Level(models.TextChoices):
        MEMBER_UNIT = "member_unit", _("Member unit → joint-conference office")
        DISTRICT = "district", _("District joint conference → municipal joint conference")

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("annual report status", "Due")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", pgettext_lazy("annual report status", "Accepted")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("Year"))
    level = models.CharField(_("Level"), max_length=12, choices=Level.choices)
    due_on = models.DateField(pgettext_lazy("annual report", "Due"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DUE
    )
    body = models.TextField(_("Report"), blank=True)
    figures = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("Review note"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "level"], name="coordination_one_report"
            )
        ]

    def __str__(self) -> str:
        return f"report {self.agency_id}/{self.year}"


class Meeting(models.Model):
    """A meeting of a joint conference (district or municipal), with minutes."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("Held on"))
    title = models.CharField(pgettext_lazy("meeting", "Title"), max_length=200)
    minutes = models.TextField(_("Minutes"))
    decisions = models.TextField(_("Decisions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        STAGE = "stage", _("Annual stage evaluation")
        FINAL = "final", _("Final evaluation (2030)")

    kind = models.CharField(_("Kind"), max_length=6, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("Year"))
    # Scheduled by tick() (七、(一): a stage evaluation every year, the final one at the end
    # of 2030); the municipal office is prompted from ``prompted_at`` until it publishes.
    due_on = models.DateField(pgettext_lazy("evaluation", "Due"), null=True, blank=True)
    prompted_at = models.DateTimeField(null=True, blank=True)
    run_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="coordination_one_evaluation")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"


class Scorecard(models.Model):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scorecards")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    grade = models.CharField(
        pgettext_lazy("evaluation", "Grade"), max_length=10, choices=Grade.choices
    )
    verdict = models.CharField(
        _("Outcome"),
        max_length=12,
        blank=True,
        choices=[("commended", _("Commended")), ("criticised", _("Publicly criticised"))],
    )
    grounds = models.CharField(pgettext_lazy("verdict", "Grounds"), max_length=300, blank=True)

    class Meta:
        ordering = ["-total", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "agency"], name="coordination_one_scorecard"
            )
        ]

    def __str__(self) -> str:
        return f"scorecard {self.pk}"


class RegionListing(models.Model):
    """A key region listed for supervision (挂牌督办) by the municipal joint conference,
    with a warning, a deadline and the district's progress reports. Key cases are listed
    in the case module (cases.SupervisionListing)."""

    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("District")
    )
    reason = models.CharField(_("Reason"), max_length=300)
    warning = models.CharField(_("Warning"), max_length=300, blank=True)
    deadline = models.DateField(pgettext_lazy("key region", "Deadline"))
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    listed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(_("Lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["lifted_at", "deadline"]

    def __str__(self) -> str:
        return f"region listing {self.pk}"


class RegionProgress(models.Model):
    listing = models.ForeignKey(RegionListing, on_delete=models.CASCADE, related_name="progress")
    reported_on = models.DateField(_("Date"))
    text = models.TextField(_("Progress"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"region progress {self.pk}"


class BudgetLine(models.Model):
    """A district's (or the municipality's) anti-trafficking budget line of a year."""

    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    budgeted = models.DecimalField(_("Budgeted (yuan)"), max_digits=14, decimal_places=2)
    executed = models.DecimalField(_("Spent (yuan)"), max_digits=14, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "division__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year"], name="coordination_one_budget_line"
            )
        ]

    def __str__(self) -> str:
        return f"budget {self.division_id}/{self.year}"


class Donation(models.Model):
    class DonorKind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        INDIVIDUAL = "individual", _("Individual")

    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    donor_kind = models.CharField(_("Donor"), max_length=14, choices=DonorKind.choices)
    donor_name = models.CharField(_("Donor's name"), max_length=120)
    amount = models.DecimalField(_("Amount (yuan)"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("Received on"))
    purpose = models.CharField(_("Purpose"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"donation {self.pk}"


class Activity(models.Model):
    """Chapter 五: a publicity campaign or a training, recorded by the unit that held it."""

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", _("Publicity campaign")
        TRAINING = "training", _("Training")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("Held on"))
    title = models.CharField(pgettext_lazy("activity", "Title"), max_length=200)
    place = models.CharField(_("Where"), max_length=120, blank=True)
    audience = models.CharField(_("Audience"), max_length=120, blank=True)
    people = models.PositiveIntegerField(_("People reached or trained"))
    hours = models.DecimalField(_("Hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    materials = models.CharField(_("Materials"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class VolunteerTeam(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("Team"), max_length=120)
    members = models.PositiveIntegerField(_("Members"))
    activities = models.TextField(_("What the team does"), blank=True)
    evaluation = models.CharField(_("Evaluation"), max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__code", "name"]

    def __str__(self) -> str:
        return self.name

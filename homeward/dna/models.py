"""DNA tables. Genotypes are encrypted at rest; the link from a specimen to a person
lives in its own table that only the DNA role reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division
from homeward.dna.kits import Kit


class ReferenceFamily(models.Model):
    """The parents of one missing child, searched together as a couple."""

    code = models.CharField(_("Family code"), max_length=40, unique=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    missing_child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Missing child"),
    )
    missing_since = models.DateField(_("Missing since"), null=True, blank=True)
    # How many parents the newest row of this family in the reference index holds; a
    # second parent registered later appends a fuller row (the search keeps the best).
    indexed_members = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("reference family")
        verbose_name_plural = _("reference families")

    def __str__(self) -> str:
        return self.code


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        REJECTED = "rejected", _("Rejected")
        IMPORTED = "imported", _("Imported")

    file_name = models.CharField(_("File"), max_length=200)
    kit = models.CharField(_("Kit"), max_length=32, choices=Kit.choices)
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices)
    row_count = models.PositiveIntegerField(_("Rows"), default=0)
    specimen_count = models.PositiveIntegerField(_("Specimens"), default=0)
    # [{"row": 3, "column": "allele2", "reason": "..."}]: reasons, never genotypes.
    errors = models.JSONField(_("Errors"), default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class Specimen(models.Model):
    class SampleType(models.TextChoices):
        PARENT_OF_MISSING_CHILD = "parent", _("Parent of a missing child")
        UNKNOWN_ORIGIN_CHILD = "unknown_child", _("Child of unknown origin")
        RESCUED_VICTIM = "rescued_victim", _("Rescued victim")
        SUSPECTED_TRAFFICKED = "suspected", _("Person suspected of being trafficked")
        UNIDENTIFIED_REMAINS = "remains", _("Unidentified remains")

    class FamilyRole(models.TextChoices):
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    specimen_id = models.CharField(_("Specimen id"), max_length=40, unique=True)
    sample_type = models.CharField(_("Sample type"), max_length=20, choices=SampleType.choices)
    collecting_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Collecting agency")
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    lab = models.CharField(_("Laboratory"), max_length=80)
    kit = models.CharField(_("Kit"), max_length=32, choices=Kit.choices)
    collected_on = models.DateField(_("Collected on"), null=True, blank=True)
    # JSON {"D3S1358": ["15", "16"], ...}, encrypted with the column name as context.
    genotype = EncryptedTextField(_("Genotype"))
    loci_count = models.PositiveSmallIntegerField(_("Loci typed"))
    family = models.ForeignKey(
        ReferenceFamily,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="specimens",
        verbose_name=_("Reference family"),
    )
    family_role = models.CharField(
        _("Role in the family"), max_length=8, choices=FamilyRole.choices, blank=True
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="specimens"
    )
    indexed = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("specimen")
        verbose_name_plural = _("specimens")
        permissions = [
            ("search_kinship", _("Run kinship searches")),
            ("review_match", _("Review kinship matches")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "family_role"],
                condition=models.Q(family__isnull=False),
                name="dna_one_parent_per_role_per_family",
            ),
            models.CheckConstraint(
                condition=models.Q(family__isnull=True, family_role="")
                | models.Q(family__isnull=False, sample_type="parent") & ~models.Q(family_role=""),
                name="dna_family_members_are_parents_with_a_role",
            ),
        ]

    def __str__(self) -> str:
        return self.specimen_id

    @property
    def is_reference_parent(self) -> bool:
        return self.sample_type == self.SampleType.PARENT_OF_MISSING_CHILD

    @property
    def decidable(self) -> bool:
        """Typed at enough loci for the engine to decide a comparison (19 by the
        Chinese rules, ``DecisionRules.min_loci``). A profile with fewer is imported and
        searched, but every comparison of it is 'insufficient loci'."""
        from homeward.kinship.decisions import DecisionRules

        return self.loci_count >= DecisionRules().min_loci_duo


class SpecimenPersonLink(models.Model):
    """Who a specimen came from. A separate table, read by the DNA role only."""

    specimen = models.OneToOneField(Specimen, on_delete=models.PROTECT, related_name="person_link")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("specimen–person link")
        verbose_name_plural = _("specimen–person links")

    def __str__(self) -> str:
        return f"{self.specimen_id}->{self.person_id}"


class MatchRun(models.Model):
    class Direction(models.TextChoices):
        CHILD_AGAINST_PARENTS = "child", _("Child against registered parents")
        PARENTS_AGAINST_CHILDREN = "parents", _("Parents against children of unknown origin")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    direction = models.CharField(_("Direction"), max_length=10, choices=Direction.choices)
    query_specimen = models.ForeignKey(
        Specimen, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    query_family = models.ForeignKey(
        ReferenceFamily, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("Purpose"), max_length=200)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("Progress (%)"), default=0)
    # Engine version, parameters, table digest, index size, loci: everything needed to
    # reproduce the run.
    provenance = models.JSONField(_("Provenance"), default=dict)
    error = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(query_specimen__isnull=False)
                | models.Q(query_family__isnull=False),
                name="dna_run_has_a_query",
            )
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def query_label(self) -> str:
        """What was searched: the specimen, else the family (one is always set)."""
        if self.query_specimen is not None:
            return self.query_specimen.specimen_id
        return self.query_family.code if self.query_family is not None else ""


class MatchCandidate(models.Model):
    """One ranked hit of a run. Only a hit that reaches the decision threshold at the
    size of the searched database is a candidate (比中待复核); the others are kept, below
    the threshold, for the record and are never reviewed."""

    class Review(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate (比中待复核)")
        RESAMPLING = "resampling", _("Re-sampling requested")
        CONFIRMED = "confirmed", _("Confirmed by re-test")
        REJECTED = "rejected", _("Rejected")
        BELOW_THRESHOLD = "below", _("Below the decision threshold (not a match)")

    class Hypothesis(models.TextChoices):
        COUPLE = "couple", _("Both parents")
        DUO = "duo", _("One parent")
        TRIO = "trio", _("One parent, the other known")

    class Decision(models.TextChoices):
        SUPPORTS = "SUPPORTS", _("Supports parentage")
        INCONCLUSIVE = "INCONCLUSIVE", _("Inconclusive")
        EXCLUDES = "EXCLUDES", _("Excludes parentage")
        INSUFFICIENT_LOCI = "INSUFFICIENT_LOCI", _("Too few loci to decide")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="candidates")
    rank = models.PositiveSmallIntegerField(_("Rank"))
    child_specimen = models.ForeignKey(Specimen, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(
        ReferenceFamily, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent_specimen = models.ForeignKey(
        Specimen, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hypothesis = models.CharField(_("Hypothesis"), max_length=10, choices=Hypothesis.choices)
    log10_lr = models.FloatField(_("log10 LR"))
    inconsistent_loci = models.PositiveSmallIntegerField(_("Inconsistent loci"))
    loci_compared = models.PositiveSmallIntegerField(_("Loci compared"))
    decision = models.CharField(_("Decision"), max_length=20, choices=Decision.choices)
    # Expected unrelated records at this LR or above in a database of the searched size,
    # and the posterior with a prior of one in that size (kinship.chance).
    expected_chance_hits = models.FloatField(_("Expected chance hits"), null=True, blank=True)
    posterior = models.FloatField(_("Posterior probability"), null=True, blank=True)
    # JSON [{"locus", "child", "father", "mother", "lr", "inconsistent"}]: the genotypes
    # of three people, encrypted like Specimen.genotype; read through
    # selectors.candidate_loci_read (purpose, step-up and audit), never in a template.
    per_locus_table = EncryptedTextField(_("Per-locus table"))
    review = models.CharField(
        _("Review"), max_length=12, choices=Review.choices, default=Review.CANDIDATE
    )
    review_note = models.CharField(_("Review note"), max_length=500, blank=True)
    # Who asked for re-sampling: neither they nor the analyst who ran the search may
    # confirm (a second DNA analyst confirms, on a re-test specimen that matches).
    resampling_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retest_specimen = models.ForeignKey(
        Specimen,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Re-test specimen"),
    )
    retest_log10_lr = models.FloatField(_("Re-test log10 LR"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("match candidate")
        verbose_name_plural = _("match candidates")
        constraints = [
            models.UniqueConstraint(fields=["run", "rank"], name="dna_one_candidate_per_rank"),
            models.CheckConstraint(
                condition=models.Q(family__isnull=False) | models.Q(parent_specimen__isnull=False),
                name="dna_candidate_names_a_parent_or_family",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.rank}"

    @property
    def is_candidate(self) -> bool:
        """Over the decision threshold: reviewable, printed as 比中待复核 until confirmed."""
        return self.review != self.Review.BELOW_THRESHOLD


class AccuracyReport(models.Model):
    """A simulation of search accuracy at several panel sizes (see homeward.kinship.accuracy)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    queries = models.PositiveIntegerField(_("Simulated families"))
    decoys = models.PositiveIntegerField(_("Unrelated decoys"))
    seed = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    results = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("accuracy report")
        verbose_name_plural = _("accuracy reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(queries__gte=1, queries__lte=1000),
                name="dna_accuracy_queries_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(decoys__gte=1, decoys__lte=2_000_000),
                name="dna_accuracy_decoys_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"accuracy {self.pk} ({self.status})"


class CheckRequest(models.Model):
    """A unit's request that the police sample a person of unclear origin and search the
    DNA database (a found child, a registration or adoption check, a rescued victim).
    The requester sees the status only; samples and genotypes stay with the police, who
    alone collect DNA."""

    class Source(models.TextChoices):
        FOUND_CHILD = "found_child", _("Street minor or abandoned infant")
        REGISTRATION = "registration", _("Household registration or adoption check")
        # Finding relatives (reunion): a verified family search (sample the parents), and
        # a found person ranked as a candidate for a search (sample the found person).
        FAMILY_SEARCH = "family_search", _("Family searching for a lost child")
        REUNION_CANDIDATE = "reunion", _("Candidate for a family search")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested, awaiting the police")
        SAMPLED = "sampled", _("Sampled and searched")
        NO_MATCH = "no_match", _("No family found")
        MATCHED = "matched", _("Family found (confirmed)")

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("Person")
    )
    source = models.CharField(_("Source"), max_length=16, choices=Source.choices)
    reason = models.CharField(_("Reason"), max_length=300)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("Note to the requester"), max_length=300, blank=True)

    class Meta:
        ordering = ["status", "-requested_at"]

    def __str__(self) -> str:
        return f"DNA check request {self.pk}"

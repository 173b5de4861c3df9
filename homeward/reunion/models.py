"""Finding relatives (寻亲, issue 14): search registrations, found persons, candidates.

A :class:`SearchRegistration` is a family's search for a lost child (寻亲登记) or an
adult's search for the family they were taken from (自主寻亲). A :class:`FoundPerson`
is a person whose family is sought; it is a *link* to the record that already holds the
person (an unknown-identity victim, a found child, a registration check that suspected
a purchase, a self-search), and holds only the matching fields that record lacks. A
:class:`Candidate` is one (search, found person) pair the linkage engine ranked.

Names, places, marks and remembered details are encrypted at rest (DP-01); dates,
codes and the engine's numbers are not personal text and stay plain.
"""

from __future__ import annotations

import functools
import operator

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division, Township


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class BloodType(models.TextChoices):
    UNKNOWN = "", _("Not known")
    A = "A", "A"
    B = "B", "B"
    AB = "AB", "AB"
    O = "O", "O"  # noqa: E741 - the blood type's name


class SearchRegistration(models.Model):
    """寻亲登记: who is sought, and everything the family (or the searcher) remembers."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("Family searching for a lost child")
        SELF = "self", _("Self-search (searching for one's own family)")

    class Channel(models.TextChoices):
        POLICE = "police", _("At a police station")
        CIVIL_AFFAIRS = "civil_affairs", _("Through civil affairs")
        PUBLIC = "public", _("Public site")
        ALERT = "alert", _("From an alert still unresolved")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting police verification")
        VERIFIED = "verified", _("Verified, being searched")
        MATCHED = "matched", _("Family found (confirmed by DNA)")
        CLOSED = "closed", _("Closed")

    class Calendar(models.TextChoices):
        SOLAR = "solar", _("Solar calendar (公历)")
        LUNAR = "lunar", _("Lunar calendar (农历)")

    class AgeKind(models.TextChoices):
        FULL = "full", _("Full years (周岁)")
        NOMINAL = "nominal", _("Nominal age (虚岁)")

    tracking_code = models.CharField(_("Tracking code"), max_length=16, unique=True)
    # Public registrations: the family's secret as a keyed verifier, the idempotency
    # key's keyed digest and the payload fingerprint (as public clue intake does).
    secret_hash = models.CharField(max_length=128, blank=True)
    idempotency_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    payload_digest = models.CharField(max_length=64, blank=True)
    kind = models.CharField(_("Kind of search"), max_length=8, choices=Kind.choices)
    channel = models.CharField(_("Registered through"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    # Who is sought (family search) or who searches (self-search).
    name = EncryptedTextField(_("Name"))
    other_names = EncryptedTextField(_("Other names (pinyin, remembered in part)"))
    nickname = EncryptedTextField(_("Nickname (小名)"))
    sex = models.CharField(_("Sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    # A partial date: YYYY, YYYY-MM or YYYY-MM-DD (checked by the services).
    birth_date = models.CharField(_("Date of birth"), max_length=10, blank=True)
    birth_calendar = models.CharField(
        _("Calendar of the birth date"),
        max_length=6,
        choices=Calendar.choices,
        default=Calendar.SOLAR,
    )
    age_stated = models.PositiveSmallIntegerField(_("Age when lost"), null=True, blank=True)
    age_kind = models.CharField(
        _("Age counted as"), max_length=8, choices=AgeKind.choices, default=AgeKind.FULL
    )
    missing_date = models.CharField(_("Lost on (a month is enough)"), max_length=10, blank=True)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("District where lost (or of registration)"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Township where lost"),
    )
    missing_place = EncryptedTextField(_("Place where lost"))
    home_features = EncryptedTextField(_("Home and landmarks near it"))
    height_band = models.CharField(_("Height when lost (cm)"), max_length=20, blank=True)
    marks = EncryptedTextField(_("Marks (birthmarks, moles, scars …)"))
    blood_type = models.CharField(
        _("Blood type"), max_length=2, choices=BloodType.choices, default="", blank=True
    )
    father_name = EncryptedTextField(_("Father's name"))
    mother_name = EncryptedTextField(_("Mother's name"))
    report_date = models.DateField(_("Reported on"), default=timezone.localdate)
    contact_name = EncryptedTextField(_("Contact person"))
    contact_phone = EncryptedTextField(_("Contact phone"))
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Police unit")
    )
    registering_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Registered by the unit"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    # Set at verification: the person sought (or the searcher) in the registry, and the
    # request that the police take the family's blood (only public security samples).
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dna_request = models.ForeignKey(
        "dna.CheckRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.CharField(_("Note"), max_length=300, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Case"),
    )
    # A missing-child alert still unresolved after REUNION_ALERT_DAYS becomes a search
    # (one search an alert: the tick job that creates it may run twice or late).
    alert = models.OneToOneField(
        "alerts.Alert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Alert"),
    )
    # Matching: the time of the last engine run over this search.
    matched_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = _("search registration")
        verbose_name_plural = _("search registrations")
        permissions = [
            ("match_search", _("Verify searches and work on their candidates")),
        ]
        indexes = [models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return self.tracking_code


# The source of a found person and the link each source sets (the others are null).
SOURCE_LINKS = ("victim", "found_child", "registration_check", "self_search")


def _exactly_one_link() -> models.Q:
    return functools.reduce(
        operator.or_,
        (
            models.Q(source=source, **{f"{link}__isnull": link != source for link in SOURCE_LINKS})
            for source in SOURCE_LINKS
        ),
    )


class FoundPerson(models.Model):
    """A person whose family is sought, linked to the record that holds them."""

    class Source(models.TextChoices):
        VICTIM = "victim", _("Rescued victim of unknown identity")
        FOUND_CHILD = "found_child", _("Street minor, abandoned infant or child of unknown origin")
        REGISTRATION_CHECK = "registration_check", _("Registration or adoption check")
        SELF_SEARCH = "self_search", _("Self-search")

    class AgeMethod(models.TextChoices):
        UNKNOWN = "", _("Not estimated")
        BONE = "bone", _("Bone age (X-ray)")
        DENTAL = "dental", _("Dental")
        VISUAL = "visual", _("By appearance")
        REGISTER = "register", _("Household register")
        SELF = "self", _("Self-report")

    class Status(models.TextChoices):
        OPEN = "open", _("Family sought")
        MATCHED = "matched", _("Family found (confirmed by DNA)")
        CLOSED = "closed", _("Closed")

    source = models.CharField(_("Source"), max_length=20, choices=Source.choices)
    victim = models.OneToOneField(
        "victims.Victim", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_child = models.OneToOneField(
        "prevention.FoundChild", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registration_check = models.OneToOneField(
        "prevention.RegistrationCheck",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    self_search = models.OneToOneField(
        SearchRegistration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="found_person",
    )
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    # What the source record lacks.
    est_age_low = models.PositiveSmallIntegerField(_("Estimated age from"), null=True, blank=True)
    est_age_high = models.PositiveSmallIntegerField(_("Estimated age to"), null=True, blank=True)
    age_method = models.CharField(
        _("Age estimated by"), max_length=10, choices=AgeMethod.choices, blank=True, default=""
    )
    age_estimated_on = models.DateField(_("Age estimated on"), null=True, blank=True)
    found_province = models.CharField(
        _("Province where found or living"), max_length=20, blank=True
    )
    found_city = models.CharField(_("City or county"), max_length=40, blank=True)
    name_remembered = EncryptedTextField(_("Name or nickname remembered"))
    parent_surname_remembered = EncryptedTextField(_("A parent's surname remembered"))
    parent_relation = models.CharField(
        _("Whose surname"),
        max_length=8,
        blank=True,
        choices=[("father", pgettext_lazy("parent", "Father")), ("mother", _("Mother"))],
    )
    marks = EncryptedTextField(_("Marks (birthmarks, moles, scars …)"))
    landmarks_remembered = EncryptedTextField(_("Landmarks remembered near home"))
    accent = models.CharField(_("Accent"), max_length=40, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("Height when found (cm)"), null=True, blank=True)
    blood_type = models.CharField(
        _("Blood type"), max_length=2, choices=BloodType.choices, default="", blank=True
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = _("found person")
        verbose_name_plural = _("found persons")
        constraints = [
            # Exactly the source's own link is set.
            models.CheckConstraint(
                condition=_exactly_one_link(),
                name="reunion_found_person_links_its_source",
            ),
            models.CheckConstraint(
                condition=models.Q(est_age_low__isnull=True)
                | models.Q(est_age_high__isnull=True)
                | models.Q(est_age_low__lte=models.F("est_age_high")),
                name="reunion_found_age_interval_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"found person {self.pk}"


class Candidate(models.Model):
    """A found person the engine ranked for a search."""

    class Band(models.TextChoices):
        LIKELY = "likely", _("Likely")
        POSSIBLE = "possible", _("Possible")

    class State(models.TextChoices):
        OPEN = "open", _("To be examined")
        DNA_REQUESTED = "dna_requested", _("DNA comparison requested")
        NOT_SAME = "not_same", _("Not the same person")
        CONFIRMED = "confirmed", _("Confirmed by DNA")

    search = models.ForeignKey(
        SearchRegistration, on_delete=models.CASCADE, related_name="candidates"
    )
    found = models.ForeignKey(FoundPerson, on_delete=models.CASCADE, related_name="candidates")
    rank = models.PositiveSmallIntegerField(_("Rank"))
    score = models.FloatField(_("Match weight (bits)"))
    posterior = models.FloatField(_("Probability"))
    band = models.CharField(_("Band"), max_length=8, choices=Band.choices)
    # [{"field": "name", "level": "nickname_exact", "bits": 7.2}, …] in the engine's order.
    contributions = models.JSONField(_("Contribution of each field"), default=list)
    engine_version = models.CharField(max_length=20)
    # The targeted kinship comparison (the family's parents against the found person),
    # run when both sides are sampled: its log10 LR, the engine's decision, and the one
    # posterior of every field and the DNA together (linkage.combine).
    log10_lr_dna = models.FloatField(_("DNA log10 LR"), null=True, blank=True)
    dna_decision = models.CharField(_("DNA decision"), max_length=20, blank=True)
    combined_posterior = models.FloatField(_("Probability with DNA"), null=True, blank=True)
    state = models.CharField(_("State"), max_length=14, choices=State.choices, default=State.OPEN)
    dna_request = models.ForeignKey(
        "dna.CheckRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("Note"), max_length=300, blank=True)
    ranked_at = models.DateTimeField(default=timezone.now)
    # The DNA module's own search of the found person's specimen, started with the
    # targeted comparison: its candidate for this family is reviewed there (a second
    # analyst confirms on a re-test), and that confirmation is what lets a child of
    # unknown identity go home (victims.services.victim_return).
    dna_run = models.ForeignKey(
        "dna.MatchRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The way home of a found person who is not a rescued victim (a self-searcher, a
    # found child): the day the family met again (团聚), recorded by the police. A
    # victim's return home is civil affairs' step on the victim's record.
    reunited_on = models.DateField(_("Reunited on"), null=True, blank=True)
    reunited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reunion_note = EncryptedTextField(_("How the family met again"), blank=True, default="")

    class Meta:
        ordering = ["search", "rank"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["search", "found"], name="reunion_one_candidate_a_pair"
            ),
            models.UniqueConstraint(
                fields=["search"],
                condition=models.Q(state="confirmed"),
                name="reunion_one_confirmed_candidate_a_search",
            ),
            models.UniqueConstraint(
                fields=["found"],
                condition=models.Q(state="confirmed"),
                name="reunion_one_confirmed_candidate_a_found_person",
            ),
            models.CheckConstraint(
                condition=models.Q(posterior__gte=0) & models.Q(posterior__lte=1),
                name="reunion_candidate_posterior_is_a_probability",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.search_id}~{self.found_id}"

    def get_dna_decision_display(self) -> str:
        """The kinship engine's decision in the words of the DNA module."""
        from homeward.dna.models import MatchCandidate

        if self.dna_decision in MatchCandidate.Decision.values:
            return str(MatchCandidate.Decision(self.dna_decision).label)
        return self.dna_decision


class DuplicateDismissal(models.Model):
    """ "Not a duplicate" (不是重复): two searches, or two found persons, the engine
    suggested as one person registered twice, and the police said they are not. The
    pair is stored lowest id first and is never suggested again."""

    class Side(models.TextChoices):
        SEARCH = "search", _("Search registrations")
        FOUND = "found", _("Found persons")

    side = models.CharField(max_length=8, choices=Side.choices)
    search_low = models.ForeignKey(
        SearchRegistration, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    search_high = models.ForeignKey(
        SearchRegistration, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    found_low = models.ForeignKey(
        FoundPerson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    found_high = models.ForeignKey(
        FoundPerson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("Note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dismissed duplicate suggestion")
        verbose_name_plural = _("dismissed duplicate suggestions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        side="search",
                        search_low__isnull=False,
                        search_high__isnull=False,
                        found_low__isnull=True,
                        found_high__isnull=True,
                        search_low__lt=models.F("search_high"),
                    )
                    | models.Q(
                        side="found",
                        search_low__isnull=True,
                        search_high__isnull=True,
                        found_low__isnull=False,
                        found_high__isnull=False,
                        found_low__lt=models.F("found_high"),
                    )
                ),
                name="reunion_dismissal_one_ordered_pair",
            ),
            models.UniqueConstraint(
                fields=["search_low", "search_high"], name="reunion_dismissal_one_search_pair"
            ),
            models.UniqueConstraint(
                fields=["found_low", "found_high"], name="reunion_dismissal_one_found_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"not a duplicate ({self.side})"

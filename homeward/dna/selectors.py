"""Reads of the DNA module: DNA role only, scoped to the analyst's district (municipal
analysts see all), every genotype read audited with its purpose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.counts import Counts
from homeward.core.figures import FigureDefinition, figure_counts
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import User
from homeward.core.scoping import scope_filter
from homeward.core.stepup import require_step_up
from homeward.dna.models import ImportBatch, MatchCandidate, MatchRun, Specimen


def specimens_visible_to(user: User) -> QuerySet[Specimen]:
    return scope_filter(Specimen.objects.all(), user).select_related(
        "collecting_agency", "family", "division"
    )


def specimen_get_for_user(user: User, specimen_id: str) -> Specimen:
    try:
        return specimens_visible_to(user).get(specimen_id=specimen_id)
    except Specimen.DoesNotExist:
        audit_record(
            actor=user,
            action=AuditAction.DNA_READ,
            object_type="dna.specimen",
            object_id=specimen_id[:64],
            outcome="denied",
        )
        raise Http404 from None


def specimen_genotype_read(user: User, specimen: Specimen, *, purpose: str) -> dict[str, list[str]]:
    """The genotype, decrypted, with an audit event naming the purpose."""
    import json

    require_step_up()
    audit_record(actor=user, action=AuditAction.DNA_READ, obj=specimen, detail={"purpose": purpose})
    data: dict[str, list[str]] = json.loads(specimen.genotype) if specimen.genotype else {}
    return data


def runs_visible_to(user: User) -> QuerySet[MatchRun]:
    return (
        MatchRun.objects.filter(requested_by__agency=user.agency)
        if not user.agency.is_municipal
        else MatchRun.objects.all()
    )


def run_get_for_user(user: User, pk: int) -> MatchRun:
    try:
        return runs_visible_to(user).select_related("query_specimen", "query_family").get(pk=pk)
    except MatchRun.DoesNotExist:
        raise Http404 from None


def candidate_get_for_user(user: User, pk: int) -> MatchCandidate:
    try:
        candidate = MatchCandidate.objects.select_related(
            "run__requested_by",
            "child_specimen",
            "parent_specimen",
            "family",
            "resampling_by",
            "retest_specimen",
        ).get(pk=pk, run__in=runs_visible_to(user))
    except MatchCandidate.DoesNotExist:
        # A refused read is audited like an allowed one (AUD-01), the same answer for a
        # candidate outside the analyst's runs as for one that does not exist.
        audit_record(
            actor=user,
            action=AuditAction.DNA_READ,
            object_type="dna.matchcandidate",
            object_id=str(pk),
            outcome="denied",
        )
        raise Http404 from None
    audit_record(
        actor=user,
        action=AuditAction.DNA_READ,
        obj=candidate,
        detail={"purpose": candidate.run.purpose},
    )
    return candidate


def candidate_loci_read(
    user: User, candidate: MatchCandidate, *, purpose: str
) -> list[dict[str, object]]:
    """The per-locus table of a hit (genotypes of child, father and mother), decrypted,
    with an audit event naming the purpose. The caller has checked the step-up
    (``views.loci_gate``), and the read itself refuses without it (``require_step_up``):
    the same rule as :func:`specimen_genotype_read`."""
    import json

    require_step_up()
    audit_record(
        actor=user,
        action=AuditAction.DNA_READ,
        obj=candidate,
        detail={"purpose": purpose, "loci": True},
    )
    rows: list[dict[str, object]] = (
        json.loads(candidate.per_locus_table) if candidate.per_locus_table else []
    )
    return rows


def imports_visible_to(user: User) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("uploaded_by")
    if user.agency.is_municipal:
        return batches
    return batches.filter(uploaded_by__agency=user.agency)


def confirmed_family_for_child(person_id: int) -> int | None:
    """The seam for the victims module (issue 6): the id of the missing child (a Person)
    whose parents' DNA matched ``person_id``'s specimen, once the match is confirmed by
    re-test; None otherwise. No genetic data leaves the module through here."""
    candidate = (
        MatchCandidate.objects.filter(
            review=MatchCandidate.Review.CONFIRMED,
            child_specimen__person_link__person_id=person_id,
            family__isnull=False,
        )
        .select_related("family")
        .order_by("-reviewed_at")
        .first()
    )
    if candidate is None or candidate.family is None:
        return None
    return candidate.family.missing_child_id


# The module's figure (core.figures): a number of specimens, never DNA data.
FIGURES: list[FigureDefinition] = [
    FigureDefinition(
        key="dna_samples",
        label=gettext_lazy("DNA specimens registered"),
        model="dna.Specimen",
        date_field="created_at",
        category_field="sample_type",
        category_labels=dict(Specimen.SampleType.choices),
        changed_field="created_at",
        police_only=True,
    ),
]


@dataclass(frozen=True)
class RunOutcome:
    """Where the DNA module's search of a specimen stands for one family: the run's
    state, and the review of its candidate naming that family (None when the run put
    no candidate over the threshold for it). Labels only, no DNA data."""

    run_status: str
    run_status_label: str
    review: str | None
    review_label: str | None


def run_outcome_for_child(run_id: int, missing_child_id: int | None) -> RunOutcome | None:
    """The seam for finding relatives (issue 14): how the DNA module's own search,
    started for a candidate, judged the family of ``missing_child_id``."""
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    review: str | None = None
    if missing_child_id is not None:
        hit = (
            MatchCandidate.objects.filter(run=run, family__missing_child_id=missing_child_id)
            .exclude(review=MatchCandidate.Review.BELOW_THRESHOLD)
            .order_by("rank")
            .first()
        )
        review = hit.review if hit is not None else None
    return RunOutcome(
        run_status=run.status,
        run_status_label=str(MatchRun.Status(run.status).label),
        review=review,
        review_label=str(MatchCandidate.Review(review).label) if review else None,
    )


def plan_counts(start: datetime, end: datetime) -> Counts:
    """DNA specimens registered in [start, end), per district (a number, no DNA data)."""
    return figure_counts(FIGURES, start, end)


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's DNA figures (numbers only): check requests from other units
    waiting for the police, and supporting matches waiting for review."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from homeward.core.roles import P_DNA_VIEW
    from homeward.dna.models import CheckRequest

    if not user.has_perm(P_DNA_VIEW):
        return []
    requests = scope_filter(CheckRequest.objects.filter(status=CheckRequest.Status.REQUESTED), user)
    items = [
        WorkItem(
            WorkKind.WAITING,
            _("DNA check requests waiting for sampling"),
            requests.count(),
            reverse("dna:check_requests"),
        ),
        WorkItem(
            WorkKind.WAITING,
            _("Supporting matches waiting for review"),
            MatchCandidate.objects.filter(
                run__in=runs_visible_to(user),
                review=MatchCandidate.Review.CANDIDATE,
                decision="SUPPORTS",
            ).count(),
            reverse("dna:run_list"),
        ),
    ]
    if since is not None:
        items.append(
            WorkItem(
                WorkKind.NEW,
                _("DNA check requests received"),
                scope_filter(CheckRequest.objects.filter(requested_at__gte=since), user).count(),
                reverse("dna:check_requests"),
            )
        )
    return items

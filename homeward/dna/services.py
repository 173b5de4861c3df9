"""Writes of the DNA module. Only public-security DNA analysts reach them; every
call is audited with the purpose the analyst gave."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import require_public_security as core_require_public_security
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.background import enqueue_after_commit
from homeward.core.errors import DomainError
from homeward.core.models import Division, User
from homeward.dna.engine import frequency_table, genotype_json
from homeward.dna.kits import kit_loci
from homeward.dna.models import (
    AccuracyReport,
    CheckRequest,
    ImportBatch,
    MatchCandidate,
    MatchRun,
    ReferenceFamily,
    Specimen,
)
from homeward.dna.parsing import (
    FileUnreadable,
    ParsedSpecimen,
    RowError,
    parse_table,
    read_rows,
)


class DnaError:
    PURPOSE_REQUIRED = "purpose_required"
    BAD_TRANSITION = "bad_review_transition"
    SECOND_ANALYST = "second_analyst_required"
    RETEST_REQUIRED = "retest_required"
    RETEST_NO_MATCH = "retest_no_match"


def require_public_security(actor: User) -> None:
    """The rules forbid anyone but public security from collecting DNA data (三、(三))."""
    core_require_public_security(actor, _("Only public security may handle DNA data."))


def require_purpose(purpose: str) -> str:
    cleaned = purpose.strip()
    if len(cleaned) < 4:
        raise DomainError(
            DnaError.PURPOSE_REQUIRED, _("State the purpose (case or report number).")
        )
    return cleaned[:200]


def _division_of(actor: User) -> Division:
    agency = actor.agency
    if agency.division is not None:
        return agency.division
    # Municipal forensic centre: records belong to the municipality's seat (渝中区) for
    # scoping; municipal users see every district anyway.
    return Division.objects.get(code="500103")


def _validate(parsed: list[ParsedSpecimen], *, kit: str, sample_type: str) -> list[RowError]:
    errors: list[RowError] = []
    minimum = settings.DNA_MIN_LOCI
    existing = set(
        Specimen.objects.filter(specimen_id__in=[p.specimen_id for p in parsed]).values_list(
            "specimen_id", flat=True
        )
    )
    roles_in_family: dict[tuple[str, str], str] = {}
    for specimen in parsed:
        if specimen.specimen_id in existing:
            errors.append(
                RowError(
                    specimen.first_row,
                    "sample",
                    _("Specimen %(id)s is already registered.") % {"id": specimen.specimen_id},
                )
            )
        if len(specimen.genotypes) < minimum:
            errors.append(
                RowError(
                    specimen.first_row,
                    "sample",
                    _("Specimen %(id)s has %(n)d loci; at least %(min)d are needed.")
                    % {"id": specimen.specimen_id, "n": len(specimen.genotypes), "min": minimum},
                )
            )
        if specimen.family or specimen.family_role:
            if sample_type != Specimen.SampleType.PARENT_OF_MISSING_CHILD:
                errors.append(
                    RowError(
                        specimen.first_row,
                        "family",
                        _("Only parents of a missing child belong to a family."),
                    )
                )
            elif specimen.family_role not in {"father", "mother"}:
                errors.append(
                    RowError(
                        specimen.first_row,
                        "family_role",
                        _("The role in the family is father or mother."),
                    )
                )
            elif not specimen.family:
                errors.append(
                    RowError(specimen.first_row, "family", _("The family code is missing."))
                )
            else:
                key = (specimen.family, specimen.family_role)
                if key in roles_in_family:
                    errors.append(
                        RowError(
                            specimen.first_row,
                            "family_role",
                            _("Family %(family)s has two %(role)s specimens.")
                            % {"family": specimen.family, "role": specimen.family_role},
                        )
                    )
                roles_in_family[key] = specimen.specimen_id
    del kit
    return errors


def specimens_import(
    *,
    actor: User,
    file_name: str,
    data: bytes,
    kit: str,
    sample_type: str,
    lab: str,
    collected_on: date | None = None,
) -> ImportBatch:
    """Import a genotype table: all or nothing. A rejected file is recorded with every
    error (row, column, reason) and stores no specimen."""
    require_public_security(actor)
    table = frequency_table()
    allowed = kit_loci(kit)
    encoding = ""
    try:
        encoding, rows = read_rows(file_name, data)
        parsed, errors = parse_table(
            rows,
            locus_map=table.locus_map,
            allowed_loci=frozenset(allowed) if allowed else None,
        )
    except FileUnreadable as unreadable:
        parsed, errors = [], [RowError(1, "", unreadable.reason)]
    # Every problem is reported at once: parsing and registry checks alike.
    errors = sorted(
        [*errors, *_validate(parsed, kit=kit, sample_type=sample_type)], key=lambda e: e.row
    )
    if not parsed and not errors:
        errors = [RowError(1, "", _("The file holds no specimen."))]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=file_name[:200],
            kit=kit,
            status=ImportBatch.Status.REJECTED if errors else ImportBatch.Status.IMPORTED,
            row_count=max((p.first_row for p in parsed), default=1) - 1,
            specimen_count=0 if errors else len(parsed),
            errors=[e.as_dict() for e in errors[:1000]],
            uploaded_by=actor,
        )
        if not errors:
            _store(
                actor=actor,
                batch=batch,
                parsed=parsed,
                kit=kit,
                sample_type=sample_type,
                lab=lab,
                collected_on=collected_on,
            )
        audit_record(
            actor=actor,
            action=AuditAction.DNA_IMPORT,
            obj=batch,
            outcome="success" if not errors else "failure",
            detail={
                "specimens": batch.specimen_count,
                "errors": len(errors),
                "encoding": encoding,
            },
        )
    batch.encoding = encoding  # type: ignore[attr-defined]  # for the page's message
    if not errors:
        from homeward.dna.tasks import index_refresh

        enqueue_after_commit(index_refresh)
    return batch


def _store(
    *,
    actor: User,
    batch: ImportBatch,
    parsed: list[ParsedSpecimen],
    kit: str,
    sample_type: str,
    lab: str,
    collected_on: date | None,
) -> None:
    division = _division_of(actor)
    families: dict[str, ReferenceFamily] = {}
    for item in parsed:
        family = None
        if item.family:
            family = families.get(item.family)
            if family is None:
                family, _created = ReferenceFamily.objects.get_or_create(
                    code=item.family,
                    defaults={"division": division, "owning_agency": actor.agency},
                )
                families[item.family] = family
            if Specimen.objects.filter(family=family, family_role=item.family_role).exists():
                raise DomainError(
                    DnaError.BAD_TRANSITION,
                    _("Family %(family)s already has a %(role)s.")
                    % {"family": item.family, "role": item.family_role},
                )
        Specimen.objects.create(
            specimen_id=item.specimen_id,
            sample_type=sample_type,
            collecting_agency=actor.agency,
            division=division,
            lab=lab[:80],
            kit=kit,
            collected_on=collected_on,
            genotype=genotype_json(item.genotypes, item.amelogenin),
            loci_count=len(item.genotypes),
            family=family,
            family_role=item.family_role if family else "",
            import_batch=batch,
            created_by=actor,
        )


REVIEW_TRANSITIONS: dict[str, set[str]] = {
    MatchCandidate.Review.CANDIDATE: {
        MatchCandidate.Review.RESAMPLING,
        MatchCandidate.Review.REJECTED,
    },
    MatchCandidate.Review.RESAMPLING: {
        MatchCandidate.Review.CONFIRMED,
        MatchCandidate.Review.REJECTED,
    },
    MatchCandidate.Review.CONFIRMED: set(),
    MatchCandidate.Review.REJECTED: set(),
    # Under the decision threshold: not a candidate, nothing to review.
    MatchCandidate.Review.BELOW_THRESHOLD: set(),
}


@transaction.atomic
def candidate_review(
    *,
    actor: User,
    candidate: MatchCandidate,
    to: str,
    note: str,
    retest_specimen_id: str = "",
) -> MatchCandidate:
    """candidate → re-sampling requested → confirmed by re-test, or rejected. A match is
    confirmed only by a second DNA analyst (neither the one who ran the search nor the
    one who asked for re-sampling) on a re-test: a new specimen of the child that, compared
    with the same family or parent, supports parentage. Nobody outside the DNA role sees
    a match before."""
    require_public_security(actor)
    locked = (
        MatchCandidate.objects.select_for_update(of=("self",))
        .select_related("run", "family", "parent_specimen", "child_specimen")
        .get(pk=candidate.pk)
    )
    if locked.review == MatchCandidate.Review.BELOW_THRESHOLD:
        raise DomainError(
            DnaError.BAD_TRANSITION,
            _("This record is below the decision threshold: it is not a candidate."),
            status=409,
        )
    if to not in REVIEW_TRANSITIONS[locked.review]:
        raise DomainError(
            DnaError.BAD_TRANSITION,
            _("A match cannot go from %(from)s to %(to)s.")
            % {
                "from": locked.get_review_display(),
                "to": MatchCandidate.Review(to).label if to in MatchCandidate.Review else to,
            },
            status=409,
        )
    retest: tuple[Specimen, float] | None = None
    if to == MatchCandidate.Review.CONFIRMED:
        if actor.pk in {locked.run.requested_by_id, locked.resampling_by_id}:
            raise DomainError(
                DnaError.SECOND_ANALYST,
                _(
                    "A second DNA analyst confirms a match: you ran this search or asked for "
                    "the re-test."
                ),
                status=409,
            )
        retest = _retest(actor, locked, retest_specimen_id)
        if len(note.strip()) < 4:
            raise DomainError(
                DnaError.PURPOSE_REQUIRED, _("Name the re-test that confirms the match.")
            )
    before = locked.review
    locked.review = to
    locked.review_note = note.strip()[:500]
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    fields = ["review", "review_note", "reviewed_by", "reviewed_at"]
    if to == MatchCandidate.Review.RESAMPLING:
        locked.resampling_by = actor
        fields.append("resampling_by")
    if retest is not None:
        locked.retest_specimen, locked.retest_log10_lr = retest
        fields += ["retest_specimen", "retest_log10_lr"]
    locked.save(update_fields=fields)
    detail: dict[str, object] = {"from": before, "to": to}
    if retest is not None:
        detail |= {"retest": retest[0].specimen_id, "retest_log10_lr": round(retest[1], 3)}
    audit_record(actor=actor, action=AuditAction.DNA_MATCH_REVIEW, obj=locked, detail=detail)
    return locked


def _retest(actor: User, candidate: MatchCandidate, specimen_id: str) -> tuple[Specimen, float]:
    """The re-test specimen (a new sample of the child) compared with the candidate's
    family or parent; it must support parentage by the casework rules."""
    from homeward.dna.matching import family_profiles, specimen_profile
    from homeward.dna.selectors import specimens_visible_to
    from homeward.kinship.compare import compare_couple, compare_duo
    from homeward.kinship.decisions import Decision

    specimen_id = specimen_id.strip()
    if not specimen_id:
        raise DomainError(
            DnaError.RETEST_REQUIRED,
            _("Give the re-test specimen: a new sample of the child, typed again."),
        )
    specimen = specimens_visible_to(actor).filter(specimen_id=specimen_id).first()
    if specimen is None or specimen.status != Specimen.Status.ACTIVE:
        raise DomainError(
            DnaError.RETEST_REQUIRED,
            _("No active specimen %(id)s in your area of responsibility.") % {"id": specimen_id},
        )
    compared = {candidate.child_specimen_id, candidate.parent_specimen_id}
    if candidate.family is not None:
        compared |= {m.pk for m in candidate.family.specimens.all()}
    if specimen.pk in compared or specimen.is_reference_parent:
        raise DomainError(
            DnaError.RETEST_REQUIRED,
            _(
                "The re-test is a new specimen of the child, not one of the specimens already "
                "compared."
            ),
        )
    table = frequency_table()
    child = specimen_profile(specimen)
    if candidate.family is not None:
        father, mother = family_profiles(candidate.family)
        if father is not None and mother is not None:
            result = compare_couple(table, father, mother, child)
        else:
            parent = father or mother
            assert parent is not None  # noqa: S101  (an indexed family has a parent)
            result = compare_duo(table, parent, child)
    else:
        assert candidate.parent_specimen is not None  # noqa: S101  (a constraint)
        result = compare_duo(table, specimen_profile(candidate.parent_specimen), child)
    if result.decision != Decision.SUPPORTS:
        raise DomainError(
            DnaError.RETEST_NO_MATCH,
            _(
                "The re-test specimen %(id)s does not support the match (log10 LR %(lr).2f, "
                "%(loci)d loci, %(bad)d inconsistent): the match cannot be confirmed."
            )
            % {
                "id": specimen.specimen_id,
                "lr": max(result.log10_cpi, -999.0),
                "loci": result.loci_compared,
                "bad": result.inconsistent_loci,
            },
            status=409,
        )
    return specimen, result.log10_cpi


@transaction.atomic
def match_run_start(*, actor: User, specimen: Specimen, purpose: str) -> MatchRun:
    """Queue a kinship search for ``specimen``; it runs after commit as a task.

    A parent of a missing child is searched (with the other parent of the family when
    registered) against every child of unknown origin; anyone else is searched as a
    child against every registered couple and single parent."""
    require_public_security(actor)
    purpose = require_purpose(purpose)
    if specimen.status != Specimen.Status.ACTIVE:
        raise DomainError(DnaError.BAD_TRANSITION, _("A withdrawn specimen is not searched."))
    if specimen.is_reference_parent:
        run = MatchRun.objects.create(
            direction=MatchRun.Direction.PARENTS_AGAINST_CHILDREN,
            query_specimen=specimen,
            query_family=specimen.family,
            purpose=purpose,
            requested_by=actor,
        )
    else:
        run = MatchRun.objects.create(
            direction=MatchRun.Direction.CHILD_AGAINST_PARENTS,
            query_specimen=specimen,
            purpose=purpose,
            requested_by=actor,
        )
    audit_record(
        actor=actor,
        action=AuditAction.DNA_SEARCH,
        obj=run,
        detail={"purpose": purpose, "specimen": specimen.specimen_id},
    )
    from homeward.dna.tasks import match_run_execute

    enqueue_after_commit(match_run_execute, run.pk)
    return run


@transaction.atomic
def accuracy_report_request(
    *, actor: User, queries: int = 100, decoys: int = 100_000
) -> AccuracyReport:
    """Queue a simulation of search accuracy; it runs after commit as a task."""
    require_public_security(actor)
    report = AccuracyReport.objects.create(queries=queries, decoys=decoys, requested_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.DNA_ACCURACY_REPORT,
        obj=report,
        detail={"queries": queries, "decoys": decoys},
    )
    from homeward.dna.tasks import accuracy_report_run

    enqueue_after_commit(accuracy_report_run, report.pk)
    return report


def accuracy_report_execute(report_id: int) -> AccuracyReport:
    from homeward.kinship.accuracy import accuracy_report

    report = AccuracyReport.objects.get(pk=report_id)
    if report.status != AccuracyReport.Status.QUEUED:
        return report
    try:
        results = accuracy_report(
            frequency_table(), queries=report.queries, decoys=report.decoys, seed=report.seed
        )
    except Exception:
        AccuracyReport.objects.filter(pk=report.pk).update(
            status=AccuracyReport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    AccuracyReport.objects.filter(pk=report.pk).update(
        status=AccuracyReport.Status.DONE, results=results, finished_at=timezone.now()
    )
    report.refresh_from_db()
    return report


@transaction.atomic
def specimen_link_person(*, actor: User, specimen: Specimen, person_id: int, purpose: str) -> None:
    """Record who a specimen came from. The link table is read by the DNA role only;
    the person must be in the analyst's scope."""
    from homeward.dna.models import SpecimenPersonLink
    from homeward.people.selectors import person_get_for_user

    require_public_security(actor)
    purpose = require_purpose(purpose)
    person = person_get_for_user(actor, person_id, purpose=purpose)
    SpecimenPersonLink.objects.update_or_create(
        specimen=specimen,
        defaults={"person": person, "linked_by": actor, "linked_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.DNA_PERSON_LINK,
        obj=specimen,
        detail={"purpose": purpose, "person": person.pk},
    )


@transaction.atomic
def family_link_missing_child(
    *, actor: User, family: ReferenceFamily, person_id: int, purpose: str
) -> ReferenceFamily:
    """Record whose parents a reference family are: the missing child's registry person
    (a verified family search registers the child and asks for the parents' blood). A
    confirmed match of this family then names that child (selectors.confirmed_family_for_child),
    and finding relatives compares the search's candidates with this family."""
    from homeward.people.selectors import person_get_for_user

    require_public_security(actor)
    purpose = require_purpose(purpose)
    person = person_get_for_user(actor, person_id, purpose=purpose)
    locked = ReferenceFamily.objects.select_for_update().get(pk=family.pk)
    before = locked.missing_child_id
    locked.missing_child = person
    locked.save(update_fields=["missing_child"])
    audit_record(
        actor=actor,
        action=AuditAction.DNA_FAMILY_LINK,
        obj=locked,
        detail={"purpose": purpose, "person": person.pk, "before": before},
    )
    return locked


@transaction.atomic
def check_request_create(
    *, actor: User, person: Any, source: str, reason: str, division: Division
) -> CheckRequest:
    """Ask the police to sample and search a person of unclear origin. Any unit may ask;
    only public security handles the request (see :func:`check_request_handle`)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why a DNA check is needed.")]})
    request = CheckRequest.objects.create(
        person=person,
        source=source,
        reason=reason[:300],
        division=division,
        requesting_agency=actor.agency,
        requested_by=actor,
    )
    audit_record(
        actor=actor, action=AuditAction.DNA_CHECK_REQUEST, obj=request, detail={"source": source}
    )
    return request


@transaction.atomic
def check_request_handle(
    *, actor: User, request: CheckRequest, status: str, note: str = ""
) -> CheckRequest:
    """The DNA unit reports back: sampled, no family found, or a confirmed family."""
    require_public_security(actor)
    if status not in CheckRequest.Status.values or status == CheckRequest.Status.REQUESTED:
        raise ValidationError({"status": [_("Choose what was done.")]})
    request.status = status
    request.note = note.strip()[:300]
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.save(update_fields=["status", "note", "handled_by", "handled_at"])
    audit_record(
        actor=actor, action=AuditAction.DNA_CHECK_HANDLE, obj=request, detail={"status": status}
    )
    return request

"""What the police do with a candidate: request a DNA comparison (a request to sample
the found person, or the targeted kinship comparison when both sides are sampled),
mark it "not the same person" (never suggested again), confirm it by DNA (links the
search, the found person, the case and the way home)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.linkage.combine import combine
from homeward.reunion import engine
from homeward.reunion.models import Candidate, FoundPerson, SearchRegistration
from homeward.reunion.services.common import ReunionError, require_police_in_area

State = Candidate.State
# A log10 LR of -inf (a locus excludes) is stored as this floor.
LOG10_LR_FLOOR = -99.0


def found_registry_person(found: FoundPerson) -> Any:
    """The registry person behind a found person (None for an unverified self-search)."""
    if found.victim is not None:
        return found.victim.person
    if found.found_child is not None:
        return found.found_child.person
    if found.registration_check is not None:
        return found.registration_check.child
    if found.self_search is not None:
        return found.self_search.person
    return None


def _locked(candidate: Candidate, *, allowed: set[str]) -> Candidate:
    locked = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related(
            "search",
            "found__victim__person",
            "found__found_child__person",
            "found__registration_check__child",
            "found__self_search",
        )
        .get(pk=candidate.pk)
    )
    if locked.state not in allowed:
        raise DomainError(
            ReunionError.CANDIDATE_STATE,
            _("Not possible for a candidate that is %(state)s.")
            % {"state": locked.get_state_display()},
            status=409,
        )
    if locked.search.status != SearchRegistration.Status.VERIFIED:
        raise DomainError(ReunionError.NOT_VERIFIED, _("The search is not open."), status=409)
    return locked


def _dna_sides(candidate: Candidate) -> tuple[Any, Any]:
    """The family's reference family (parents sampled) and the found person's specimen."""
    from homeward.dna.models import ReferenceFamily, Specimen

    family = None
    if candidate.search.person_id is not None:
        family = (
            ReferenceFamily.objects.filter(
                missing_child_id=candidate.search.person_id,
                specimens__status=Specimen.Status.ACTIVE,
            )
            .distinct()
            .first()
        )
    person = found_registry_person(candidate.found)
    specimen = None
    if person is not None:
        specimen = (
            Specimen.objects.filter(person_link__person_id=person.pk, status=Specimen.Status.ACTIVE)
            .order_by("-created_at")
            .first()
        )
    return family, specimen


def _start_dna_search(actor: User, candidate: Candidate, specimen: Any) -> None:
    """The DNA module's own search of the found person's specimen against every
    registered family, once: its candidate for this family goes through the DNA
    module's review (re-sampling, a second analyst confirming on a re-test), which is
    what the way home of a child of unknown identity waits for."""
    from homeward.dna.services import match_run_start

    if candidate.dna_run_id is not None:
        return
    candidate.dna_run = match_run_start(
        actor=actor,
        specimen=specimen,
        purpose=_("Finding relatives: search %(code)s") % {"code": candidate.search.tracking_code},
    )


def _compare(candidate: Candidate, family: Any, specimen: Any) -> None:
    """The targeted kinship comparison; its LR joins the other fields' in one posterior."""
    from homeward.dna.engine import frequency_table
    from homeward.dna.matching import family_profiles, specimen_profile
    from homeward.kinship.compare import compare_couple, compare_duo

    father, mother = family_profiles(family)
    child = specimen_profile(specimen)
    table = frequency_table()
    if father is not None and mother is not None:
        result = compare_couple(table, father, mother, child)
    elif father is not None:
        result = compare_duo(table, father, child, parent_role="father")
    elif mother is not None:
        result = compare_duo(table, mother, child, parent_role="mother")
    else:
        raise DomainError(ReunionError.NOT_SAMPLED, _("The family has not been sampled yet."))
    log10_lr = result.log10_cpi if math.isfinite(result.log10_cpi) else LOG10_LR_FLOOR
    log10_lr = max(log10_lr, LOG10_LR_FLOOR)
    searched = max(engine.matchable_found().count(), 1)
    prior = min(max(engine.model().prior_has_match / searched, 1e-9), 1 - 1e-9)
    evidence = combine(
        field_bits={c["field"]: float(c["bits"]) for c in candidate.contributions},
        log10_lr_dna=log10_lr,
        prior=prior,
    )
    candidate.log10_lr_dna = log10_lr
    candidate.dna_decision = result.decision.value
    candidate.combined_posterior = evidence.posterior


@transaction.atomic
def candidate_request_dna(*, actor: User, candidate: Candidate, note: str = "") -> Candidate:
    """Ask for the DNA comparison. When the family's parents and the found person are
    both sampled, the kinship engine compares them now; otherwise a DNA request asks
    the police to sample the found person (the family was asked at verification)."""
    from homeward.dna.models import CheckRequest
    from homeward.dna.services import check_request_create

    require_police_in_area(actor, candidate.search.division_id)
    locked = _locked(candidate, allowed={State.OPEN})
    family, specimen = _dna_sides(locked)
    if family is not None and specimen is not None:
        _compare(locked, family, specimen)
        _start_dna_search(actor, locked, specimen)
    elif specimen is None:
        person = found_registry_person(locked.found)
        if person is None:
            raise DomainError(
                ReunionError.NOT_VERIFIED,
                _("Verify the self-search first: the searcher enters the registry then."),
            )
        locked.dna_request = check_request_create(
            actor=actor,
            person=person,
            source=CheckRequest.Source.REUNION_CANDIDATE,
            reason=_("Candidate for search %(code)s: sample and compare with the family.")
            % {"code": locked.search.tracking_code},
            division=locked.found.division,
        )
    locked.state = State.DNA_REQUESTED
    locked.note = note.strip()[:300] or locked.note
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_CANDIDATE_DNA,
        obj=locked,
        detail={
            "purpose": locked.search.tracking_code,
            "compared": locked.log10_lr_dna is not None,
            "dna_request": locked.dna_request_id,
            "dna_run": locked.dna_run_id,
        },
    )
    return locked


@transaction.atomic
def candidate_compare_dna(*, actor: User, candidate: Candidate) -> Candidate:
    """Run (or run again) the targeted comparison once both sides are sampled."""
    require_police_in_area(actor, candidate.search.division_id)
    locked = _locked(candidate, allowed={State.DNA_REQUESTED})
    family, specimen = _dna_sides(locked)
    if family is None or specimen is None:
        raise DomainError(
            ReunionError.NOT_SAMPLED,
            _("Not yet: both the family and the found person must be sampled and typed."),
            status=409,
        )
    _compare(locked, family, specimen)
    _start_dna_search(actor, locked, specimen)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_CANDIDATE_DNA_COMPARE,
        obj=locked,
        detail={"purpose": locked.search.tracking_code, "decision": locked.dna_decision},
    )
    return locked


@transaction.atomic
def candidate_not_same(*, actor: User, candidate: Candidate, note: str) -> Candidate:
    """Not the same person: remembered, and never suggested for this search again."""
    require_police_in_area(actor, candidate.search.division_id)
    if not note.strip():
        from django.core.exceptions import ValidationError

        raise ValidationError({"note": [_("Say why this is not the same person.")]})
    locked = _locked(candidate, allowed={State.OPEN, State.DNA_REQUESTED})
    locked.state = State.NOT_SAME
    locked.note = note.strip()[:300]
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_CANDIDATE_NOT_SAME,
        obj=locked,
        detail={"purpose": locked.search.tracking_code},
    )
    return locked


def _dna_confirms(candidate: Candidate) -> bool:
    """The targeted comparison supports parentage, or the DNA module confirmed (by
    re-test) that the found person's specimen matches this family's parents."""
    from homeward.dna.selectors import confirmed_family_for_child
    from homeward.kinship.decisions import Decision

    if candidate.dna_decision == Decision.SUPPORTS.value:
        return True
    person = found_registry_person(candidate.found)
    if person is None or candidate.search.person_id is None:
        return False
    return confirmed_family_for_child(person.pk) == candidate.search.person_id


@transaction.atomic
def candidate_confirm(*, actor: User, candidate: Candidate, note: str = "") -> Candidate:
    """The family is found: the search and the found person are matched and linked,
    with the case of a rescued victim. The return home itself is civil affairs' step
    (victims.services.victim_return, or the prevention module's status for a found
    child); :func:`homeward.reunion.selectors.confirmed_search_for_person` tells them
    which family."""
    require_police_in_area(actor, candidate.search.division_id)
    locked = _locked(candidate, allowed={State.DNA_REQUESTED})
    if not _dna_confirms(locked):
        raise DomainError(
            ReunionError.NO_DNA_SUPPORT,
            _("Not yet: the DNA comparison does not support that this is the family."),
            status=409,
        )
    now = timezone.now()
    locked.state = State.CONFIRMED
    locked.note = note.strip()[:300] or locked.note
    locked.decided_by = actor
    locked.decided_at = now
    locked.save()
    search = SearchRegistration.objects.select_for_update().get(pk=locked.search_id)
    search.status = SearchRegistration.Status.MATCHED
    search.version += 1
    found = locked.found
    if found.victim is not None and found.victim.case_id is not None:
        search.case_id = found.victim.case_id
    search.save()
    FoundPerson.objects.filter(pk=found.pk).update(
        status=FoundPerson.Status.MATCHED, version=found.version + 1
    )
    if found.self_search is not None:
        SearchRegistration.objects.filter(pk=found.self_search.pk).update(
            status=SearchRegistration.Status.MATCHED
        )
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_CANDIDATE_CONFIRM,
        obj=locked,
        detail={
            "purpose": search.tracking_code,
            "search": search.pk,
            "found": found.pk,
            "case": search.case_id,
        },
    )
    return locked


def dna_review(candidate: Candidate) -> Any:
    """How the DNA module's search, started for this candidate, judged the family
    (dna.selectors.RunOutcome, labels only), or None before it was started."""
    from homeward.dna.selectors import run_outcome_for_child

    if candidate.dna_run_id is None:
        return None
    return run_outcome_for_child(candidate.dna_run_id, candidate.search.person_id)


def returned_victim(candidate: Candidate) -> Any:
    """The rescued victim behind a confirmed candidate, for the way home: civil affairs
    return the victim on the victim's record; None for any other found person."""
    return candidate.found.victim


@transaction.atomic
def candidate_reunite(
    *, actor: User, candidate: Candidate, reunited_on: date, note: str = ""
) -> Candidate:
    """团聚: the family found by DNA met the person again. Recorded by the police for a
    self-searcher or a found child; a rescued victim goes home on the victim's record
    (victims.services.victim_return), where the DNA module's confirmation is checked."""
    from django.core.exceptions import ValidationError

    require_police_in_area(actor, candidate.search.division_id)
    locked = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("search", "found__victim")
        .get(pk=candidate.pk)
    )
    if locked.state != State.CONFIRMED:
        raise DomainError(
            ReunionError.CANDIDATE_STATE,
            _("Only a candidate confirmed by DNA can be reunited."),
            status=409,
        )
    if locked.found.victim is not None:
        raise DomainError(
            ReunionError.VICTIM_GOES_HOME,
            _(
                "A rescued victim goes home on the victim's record, by the civil-affairs unit "
                "that looks after the victim."
            ),
            status=409,
        )
    if locked.reunited_on is not None:
        raise DomainError(
            ReunionError.CANDIDATE_STATE, _("The reunion is already recorded."), status=409
        )
    today = timezone.localdate()
    confirmed_on = timezone.localdate(locked.decided_at) if locked.decided_at else None
    if reunited_on > today:
        raise ValidationError({"reunited_on": [_("The date cannot be in the future.")]})
    if confirmed_on is not None and reunited_on < confirmed_on:
        raise ValidationError(
            {"reunited_on": [_("The family met after the DNA confirmation, not before.")]}
        )
    locked.reunited_on = reunited_on
    locked.reunited_by = actor
    locked.reunion_note = note.strip()[:500]
    locked.save(update_fields=["reunited_on", "reunited_by", "reunion_note"])
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_CANDIDATE_REUNITE,
        obj=locked,
        detail={"purpose": locked.search.tracking_code, "reunited_on": reunited_on.isoformat()},
    )
    return locked

"""People in a case (links to the person registry, never copies) and the one-stop
interviews of victims (一站式询问, rules 三、(五))."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.cases.errors import CaseError
from homeward.cases.models import Case, CaseParty, EventKind, Interview, PartyRole
from homeward.cases.selectors import is_case_team
from homeward.cases.services.common import (
    case_lock,
    ensure_not_closed,
    event_add,
    require_case_team,
)
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.people.models import Person
from homeward.people.selectors import persons_visible_to

# Clocks of phones and servers differ a little; an interview "now" is not in the future.
_CLOCK_SKEW = timedelta(minutes=5)


@transaction.atomic
def case_party_add(*, actor: User, case: Case, person: Person, role: str) -> CaseParty:
    """Link a registered person to the case in a role. The actor must be able to see
    the person in the registry."""
    require_case_team(actor, case)
    case_lock(case)
    ensure_not_closed(case)
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Choose the person's role in the case.")})
    if not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise DomainError(
            CaseError.PERSON_NOT_VISIBLE,
            _("No such person in your area of responsibility."),
            status=404,
        )
    try:
        with transaction.atomic():
            party = CaseParty.objects.create(case=case, person=person, role=role, added_by=actor)
    except IntegrityError as error:
        raise DomainError(
            CaseError.PERSON_ALREADY_IN_ROLE,
            _("This person is already in the case in this role."),
            status=409,
        ) from error
    event_add(
        case=case,
        kind=EventKind.PERSON_ADDED,
        actor=actor,
        party_id=party.pk,
        person_id=person.pk,
        role=role,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CASE_PARTY_ADD,
        obj=party,
        detail={"case_id": case.pk, "person_id": person.pk, "role": role},
    )
    return party


def was_minor_on(person: Person, moment: datetime) -> bool:
    """``Person.is_minor`` on the day of ``moment`` (Asia/Shanghai)."""
    age = person.age_on(timezone.localdate(moment))
    return age is not None and age < 18


@transaction.atomic
def interview_record(
    *,
    actor: User,
    case: Case,
    party: CaseParty,
    conducted_at: datetime,
    location: str,
    interviewer: User,
    summary: str,
    adult_present_name: str = "",
    adult_present_relation: str = "",
) -> Interview:
    """Record a one-stop interview of a victim. Whether the victim was a minor is
    derived from the registry; a minor's interview needs the guardian or appropriate
    adult who was present. The summary is encrypted at rest."""
    case_lock(case)
    ensure_not_closed(case)
    if not is_case_team(actor, case):
        raise DomainError(
            CaseError.NOT_CASE_TEAM,
            _("Only the task force and the opening unit record interviews."),
            status=403,
        )
    if party.case_id != case.pk or party.role != PartyRole.VICTIM:
        raise DomainError(
            CaseError.INTERVIEW_SUBJECT_NOT_VICTIM,
            _("One-stop interviews are for the victims of this case."),
        )
    if timezone.is_naive(conducted_at):
        raise ValidationError({"conducted_at": _("Give the time with its time zone.")})
    if conducted_at > timezone.now() + _CLOCK_SKEW:
        raise DomainError(CaseError.INTERVIEW_IN_FUTURE, _("The interview time is in the future."))
    if not (interviewer.is_active and interviewer.agency.is_public_security):
        raise DomainError(
            CaseError.INTERVIEWER_NOT_POLICE, _("The interviewer must be a police officer.")
        )
    location = location.strip()
    if not location:
        raise ValidationError({"location": _("Say where the interview took place.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Write the summary of the interview.")})
    adult_present_name = adult_present_name.strip()
    if adult_present_relation and adult_present_relation not in Interview.AdultRelation.values:
        raise ValidationError({"adult_present_relation": _("Choose the relation.")})
    minor = was_minor_on(party.person, conducted_at)
    if minor and not (adult_present_name and adult_present_relation):
        raise DomainError(
            CaseError.GUARDIAN_REQUIRED,
            _(
                "The victim was a minor: name the guardian or appropriate adult who was"
                " present, and their relation to the victim."
            ),
        )
    interview = Interview.objects.create(
        case=case,
        party=party,
        conducted_at=conducted_at,
        location=location[:200],
        interviewer=interviewer,
        subject_was_minor=minor,
        adult_present_name=adult_present_name,
        adult_present_relation=adult_present_relation,
        summary=summary.strip(),
        recorded_by=actor,
    )
    event_add(
        case=case,
        kind=EventKind.INTERVIEW_RECORDED,
        actor=actor,
        interview_id=interview.pk,
        party_id=party.pk,
        minor=minor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.INTERVIEW_RECORD,
        obj=interview,
        detail={"case_id": case.pk, "minor": minor},
    )
    return interview

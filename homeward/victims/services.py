"""Every write of the victims module, each in one transaction with its audit event, and
the rules the platform enforces:

- a child is never placed with, or returned to, the family that bought it: buyers in the
  victim's cases are blocked by identity and by address;
- a victim whose identity is still unknown three months after admission gets the
  district's household-registration task (tick), tracked until done, overdue if late;
- a child whose identity is unknown goes home to its parents only after the DNA match
  is confirmed (dna.selectors.confirmed_family_for_child);
- victims from other provinces or abroad leave by a transfer with escort and hand-over;
- vocational training is for victims of 16 and over, school placement for school age;
- legal aid for victims goes through the green channel with a deadline for each step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import (
    check_transition,
    require_division,
    require_permission,
    require_public_security,
    require_unit,
)
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import ActorError, DomainError
from homeward.core.models import Agency, Division, User
from homeward.core.policy import policy_value
from homeward.core.roles import P_LEGAL_AID, P_REFERENCE, P_VICTIM_MANAGE, P_VICTIM_SERVICE
from homeward.core.workdays import add_working_days
from homeward.people.models import Person
from homeward.victims.models import (
    RECEIVING_AGENCIES_BY_KIND,
    SERVICE_PROVIDERS,
    AgeGroup,
    FollowUp,
    Guardian,
    IdentityStatus,
    Institution,
    LegalAidApplication,
    Origin,
    Placement,
    PlanGoal,
    PlanReview,
    ReceivingAgency,
    RegistrationTask,
    ServiceKind,
    ServiceReferral,
    Transfer,
    Victim,
    VictimStatus,
)


class VictimError:
    BUYER_FAMILY = "victim_buyer_family"
    DNA_NOT_CONFIRMED = "victim_dna_not_confirmed"
    NEEDS_TRANSFER = "victim_needs_transfer"
    FULL = "institution_full"
    NOT_ELIGIBLE = "service_not_eligible"
    BAD_STEP = "bad_step"
    CLOSED = "victim_closed"
    BAD_STATUS = "victim_bad_status"


# The victim's file: how its status may move. Placement, return and transfer move it
# through their services; "living independently" and "closed" are set by the receiving
# unit (victim_status_set). A closed file stays closed.
VICTIM_TRANSITIONS: dict[str, frozenset[str]] = {
    VictimStatus.RESCUED: frozenset(
        {
            VictimStatus.IN_CARE,
            VictimStatus.RETURNED,
            VictimStatus.TRANSFERRED,
            VictimStatus.INDEPENDENT,
            VictimStatus.CLOSED,
        }
    ),
    # IN_CARE -> IN_CARE: a move from one institution to another.
    VictimStatus.IN_CARE: frozenset(
        {
            VictimStatus.IN_CARE,
            VictimStatus.RETURNED,
            VictimStatus.TRANSFERRED,
            VictimStatus.INDEPENDENT,
            VictimStatus.CLOSED,
        }
    ),
    # A return that failed brings the victim back into care.
    VictimStatus.RETURNED: frozenset({VictimStatus.IN_CARE, VictimStatus.CLOSED}),
    VictimStatus.INDEPENDENT: frozenset({VictimStatus.IN_CARE, VictimStatus.CLOSED}),
    VictimStatus.TRANSFERRED: frozenset({VictimStatus.CLOSED}),
    VictimStatus.CLOSED: frozenset(),
}

# The legal-aid green channel (四、(四)5): received -> reviewed -> lawyer assigned -> closed.
LEGAL_AID_TRANSITIONS: dict[str, frozenset[str]] = {
    LegalAidApplication.Status.RECEIVED: frozenset(
        {LegalAidApplication.Status.REVIEWED, LegalAidApplication.Status.REFUSED}
    ),
    LegalAidApplication.Status.REVIEWED: frozenset({LegalAidApplication.Status.ASSIGNED}),
    LegalAidApplication.Status.ASSIGNED: frozenset({LegalAidApplication.Status.CLOSED}),
    LegalAidApplication.Status.CLOSED: frozenset(),
    LegalAidApplication.Status.REFUSED: frozenset(),
}


def _move(victim: Victim, to: str) -> None:
    check_transition(
        VICTIM_TRANSITIONS,
        victim.status,
        to,
        code=VictimError.BAD_STATUS,
        message=_("The victim's file cannot go from %(from)s to %(to)s.")
        % {"from": VictimStatus(victim.status).label, "to": VictimStatus(to).label},
    )
    victim.status = to


def _unit(division: Division, kind: str) -> Agency:
    return Agency.objects.get(division=division, kind=kind)


def age_group_for(age: int) -> str:
    if age < 14:
        return AgeGroup.CHILD
    if age < 18:
        return AgeGroup.MINOR
    return AgeGroup.ADULT


def current_age(victim: Victim, today: date | None = None) -> int:
    today = today or timezone.localdate()
    born = victim.person.date_of_birth
    if born is not None:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    rescued = timezone.localtime(victim.rescued_at).date()
    return int(victim.age_at_rescue + relativedelta(today, rescued).years)


def _require_unit(actor: User, agency: Agency, message: str) -> None:
    """The unit that manages the victim (its receiving civil affairs, or the municipal
    bureau of the same kind), with the permission to manage victims."""
    require_permission(actor, P_VICTIM_MANAGE)
    require_unit(actor, agency, message)


def _require_manager_in_scope(actor: User, victim: Victim) -> None:
    """Police and civil affairs of the victim's district (or municipal) manage the file."""
    require_permission(actor, P_VICTIM_MANAGE)
    require_division(actor, victim.division_id)


def _open(victim: Victim) -> None:
    if victim.status == VictimStatus.CLOSED:
        raise DomainError(VictimError.CLOSED, _("This victim's file is closed."))


# --- Rescue and hand-over ----------------------------------------------------------------


@transaction.atomic
def victim_register(
    *,
    actor: User,
    person: Person,
    identity_status: str,
    age_at_rescue: int,
    origin: str,
    rescued_at: datetime,
    how_rescued: str,
    division: Division,
    origin_detail: str = "",
    case: Any = None,
) -> Victim:
    """The police rescue and hand over to civil affairs of the district."""
    require_public_security(actor, _("The police register rescued victims."))
    require_permission(actor, P_VICTIM_MANAGE)
    require_division(actor, division.pk)
    errors: dict[str, list[str]] = {}
    if identity_status not in IdentityStatus.values:
        errors["identity_status"] = [_("Choose identified or unknown.")]
    if origin not in Origin.values:
        errors["origin"] = [_("Choose where the victim comes from.")]
    elif origin != Origin.CHONGQING and not origin_detail.strip():
        errors["origin_detail"] = [_("Name the province or the nationality.")]
    if not 0 <= age_at_rescue <= 120:
        errors["age_at_rescue"] = [_("Give the age in years.")]
    if rescued_at > timezone.now() + timedelta(minutes=5):
        errors["rescued_at"] = [_("This time is in the future.")]
    if errors:
        raise ValidationError(errors)
    victim = Victim.objects.create(
        person=person,
        case=case,
        identity_status=identity_status,
        age_group=age_group_for(age_at_rescue),
        age_at_rescue=age_at_rescue,
        origin=origin,
        origin_detail=origin_detail.strip(),
        rescued_at=rescued_at,
        how_rescued=how_rescued.strip(),
        rescuing_agency=actor.agency,
        division=division,
        owning_agency=_unit(division, "civil_affairs"),
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.VICTIM_REGISTER,
        obj=victim,
        detail={"identity": identity_status, "age_group": victim.age_group, "origin": origin},
    )
    return victim


# --- Placement ---------------------------------------------------------------------------


@transaction.atomic
def placement_propose(*, actor: User, victim: Victim, institution: Institution) -> Placement:
    _open(victim)
    _require_unit(actor, victim.owning_agency, _("The receiving civil-affairs unit places."))
    if victim.is_minor and institution.kind == Institution.Kind.RESCUE_MANAGEMENT:
        raise ValidationError(
            {"institution": [_("A minor goes to a minors' or child-welfare institution.")]}
        )
    placement = Placement.objects.create(victim=victim, institution=institution, proposed_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.PLACEMENT_PROPOSE,
        obj=victim,
        detail={"institution": institution.pk},
    )
    return placement


@transaction.atomic
def placement_decide(
    *, actor: User, placement: Placement, accept: bool, reason: str = ""
) -> Placement:
    """The receiving institution's unit accepts (the stay starts) or declines."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    _require_unit(
        actor,
        placement.institution.operating_agency,
        _("The unit that runs the institution accepts or declines."),
    )
    if placement.status != Placement.Status.PROPOSED:
        raise DomainError(VictimError.BAD_STEP, _("This placement has been decided."))
    placement.decided_by = actor
    if not accept:
        if not reason.strip():
            raise ValidationError({"decline_reason": [_("Say why.")]})
        placement.status = Placement.Status.DECLINED
        placement.decline_reason = reason.strip()[:200]
        placement.save()
        audit_record(actor=actor, action=AuditAction.PLACEMENT_DECLINE, obj=placement.victim)
        return placement
    institution = Institution.objects.select_for_update().get(pk=placement.institution_id)
    staying = Placement.objects.filter(institution=institution, status=Placement.Status.ACTIVE)
    if staying.count() >= institution.capacity:
        raise DomainError(VictimError.FULL, _("The institution is full."))
    today = timezone.localdate()
    Placement.objects.filter(victim=placement.victim, status=Placement.Status.ACTIVE).update(
        status=Placement.Status.ENDED, ended_on=today
    )
    placement.status = Placement.Status.ACTIVE
    placement.started_on = today
    placement.save()
    victim = placement.victim
    _open(victim)
    _move(victim, VictimStatus.IN_CARE)
    if victim.admitted_at is None:
        victim.admitted_at = today
    victim.save(update_fields=["status", "admitted_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PLACEMENT_ACCEPT,
        obj=victim,
        detail={"institution": institution.pk},
    )
    return placement


# --- The 3-month household-registration duty ---------------------------------------------


def registration_tasks_due(today: date | None = None) -> int:
    """The tick job: a task for every victim admitted three months ago whose identity is
    still unknown; tasks not done within the allowed days are flagged overdue."""
    today = today or timezone.localdate()
    created = 0
    limit = today - relativedelta(months=3)
    candidates = Victim.objects.filter(
        identity_status=IdentityStatus.UNKNOWN,
        admitted_at__isnull=False,
        admitted_at__lte=limit,
        registration_task__isnull=True,
    ).exclude(status=VictimStatus.CLOSED)
    for victim in candidates:
        with transaction.atomic():
            task, made = RegistrationTask.objects.get_or_create(
                victim=victim,
                defaults={
                    "due_on": victim.admitted_at + relativedelta(months=3),
                    "police_agency": _unit(victim.division, "public_security"),
                    "civil_affairs_agency": victim.owning_agency,
                },
            )
            if made:
                audit_record(
                    actor=None,
                    action=AuditAction.REGISTRATION_TASK_CREATED,
                    obj=victim,
                    detail={"due_on": task.due_on.isoformat()},
                    actor_username="system",
                )
                created += 1
    allowed = timedelta(days=settings.VICTIMS_REGISTRATION_TASK_DAYS)
    late = RegistrationTask.objects.filter(done_at__isnull=True, overdue=False)
    for task in late:
        if task.due_on + allowed < today:
            RegistrationTask.objects.filter(pk=task.pk).update(overdue=True)
    return created


@transaction.atomic
def registration_task_complete(
    *, actor: User, task: RegistrationTask, note: str
) -> RegistrationTask:
    require_permission(actor, P_VICTIM_MANAGE)
    if actor.agency_id not in (task.police_agency_id, task.civil_affairs_agency_id):
        raise DomainError(
            ActorError.NOT_YOUR_UNIT,
            _("The district police and civil affairs complete this task."),
            status=403,
        )
    if task.done_at is not None:
        raise DomainError(VictimError.BAD_STEP, _("Already done."))
    task.done_at = timezone.now()
    task.done_by = actor
    task.overdue = False
    task.note = note.strip()[:200]
    task.save()
    audit_record(actor=actor, action=AuditAction.REGISTRATION_TASK_DONE, obj=task.victim)
    return task


# --- Return home, and the buyer block ------------------------------------------------------


def normalise_address(text: str) -> str:
    """For comparison only: width-folded, no spaces or punctuation, no "号/室/栋" noise."""
    folded = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\-—_,，.。、()（）#]", "", folded).lower()


def buyers_of(victim: Victim) -> list[Person]:
    """People recorded as buyers in the victim's case or in any case where the victim's
    person is a party."""
    from homeward.cases.models import CaseParty, PartyRole

    case_ids = set(CaseParty.objects.filter(person=victim.person).values_list("case_id", flat=True))
    if victim.case_id:
        case_ids.add(victim.case_id)
    return [
        party.person
        for party in CaseParty.objects.filter(
            case_id__in=case_ids, role=PartyRole.BUYER
        ).select_related("person")
    ]


def check_not_buyers(victim: Victim, people: Iterable[Person], address: str) -> None:
    buyers = buyers_of(victim)
    chosen = {p.pk for p in people}
    if any(b.pk in chosen for b in buyers):
        raise DomainError(
            VictimError.BUYER_FAMILY,
            _(
                "Stopped: this person bought the child (recorded as a buyer in the case). "
                "A child is never placed with or returned to the family that bought it."
            ),
        )
    target = normalise_address(address)
    for buyer in buyers:
        theirs = normalise_address(buyer.address)
        if (
            target
            and theirs
            and len(min(target, theirs, key=len)) >= 6
            and (target in theirs or theirs in target)
        ):
            raise DomainError(
                VictimError.BUYER_FAMILY,
                _(
                    "Stopped: this address is the address of a buyer in the case. "
                    "A child is never placed with or returned to the family that bought it."
                ),
            )


@transaction.atomic
def victim_return(
    *,
    actor: User,
    victim: Victim,
    kind: str,
    people: list[Person],
    address: str,
    returned_on: date,
) -> Guardian:
    """Return home (or place with a family) after the checks; follow-up visits are
    scheduled."""
    from homeward.dna.selectors import confirmed_family_for_child

    _open(victim)
    _require_unit(actor, victim.owning_agency, _("The receiving civil-affairs unit returns."))
    if kind not in ("parents", "relatives", "foster"):
        raise ValidationError({"kind": [_("Choose who the victim goes to.")]})
    if not people:
        raise ValidationError({"people": [_("Name who the victim goes to.")]})
    if not address.strip():
        raise ValidationError({"address": [_("Give the address.")]})
    check_not_buyers(victim, people, address)
    if victim.origin != Origin.CHONGQING:
        raise DomainError(
            VictimError.NEEDS_TRANSFER,
            _("A victim from another province or abroad goes home by a transfer with escort."),
        )
    dna_confirmed = False
    if victim.is_minor and victim.identity_status == IdentityStatus.UNKNOWN:
        if kind != "parents" and kind != "foster":
            raise DomainError(
                VictimError.DNA_NOT_CONFIRMED,
                _(
                    "A child whose identity is unknown goes to its parents (after DNA) or a foster family."
                ),
            )
        if kind == "parents":
            dna_confirmed = confirmed_family_for_child(victim.person_id) is not None
            if not dna_confirmed:
                raise DomainError(
                    VictimError.DNA_NOT_CONFIRMED,
                    _(
                        "Not yet: a child whose identity is unknown goes home only after the"
                        " DNA match with the parents is confirmed by re-test."
                    ),
                )
    guardian = Guardian.objects.create(
        victim=victim,
        kind=kind,
        address=address.strip(),
        returned_on=returned_on,
        returned_by=actor,
        dna_confirmed=dna_confirmed,
    )
    guardian.people.set(people)
    Placement.objects.filter(victim=victim, status=Placement.Status.ACTIVE).update(
        status=Placement.Status.ENDED, ended_on=returned_on
    )
    if kind == "parents" and dna_confirmed:
        victim.identity_status = IdentityStatus.IDENTIFIED
    _move(victim, VictimStatus.RETURNED)
    victim.save(update_fields=["status", "identity_status"])
    FollowUp.objects.bulk_create(
        [
            FollowUp(victim=victim, due_on=returned_on + timedelta(days=days))
            for days in policy_value("victims_follow_up_days")
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.VICTIM_RETURN,
        obj=victim,
        detail={"kind": kind, "dna_confirmed": dna_confirmed},
    )
    return guardian


@transaction.atomic
def transfer_start(
    *,
    actor: User,
    victim: Victim,
    kind: str,
    destination: str,
    receiving_agency: str,
    escort: str,
    departed_on: date,
) -> Transfer:
    _open(victim)
    _require_unit(actor, victim.owning_agency, _("The receiving civil-affairs unit transfers."))
    if victim.origin == Origin.CHONGQING:
        raise ValidationError({"kind": [_("A victim from Chongqing goes home, not by transfer.")]})
    if kind not in Transfer.Kind.values:
        raise ValidationError({"kind": [_("Choose transfer or repatriation.")]})
    errors = {
        field: [_("Required.")]
        for field, value in (("destination", destination), ("escort", escort))
        if not value.strip()
    }
    if receiving_agency not in RECEIVING_AGENCIES_BY_KIND[kind]:
        errors["receiving_agency"] = [
            _(
                "Abroad: the Foreign Affairs Office or the border inspection receives the"
                " victim; another province: that province's agencies."
            )
            if receiving_agency in ReceivingAgency.values
            else _("Choose the receiving agency from the list.")
        ]
    if victim.origin == Origin.FOREIGN and kind != Transfer.Kind.REPATRIATION:
        errors["kind"] = [_("A victim from abroad is repatriated.")]
    if victim.origin == Origin.OTHER_PROVINCE and kind != Transfer.Kind.TRANSFER:
        errors["kind"] = [_("A victim from another province is transferred there.")]
    if errors:
        raise ValidationError(errors)
    transfer = Transfer.objects.create(
        victim=victim,
        kind=kind,
        destination=destination.strip(),
        receiving_agency=receiving_agency,
        escort=escort.strip(),
        departed_on=departed_on,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.TRANSFER_START, obj=victim, detail={"kind": kind})
    return transfer


@transaction.atomic
def transfer_handover(*, actor: User, transfer: Transfer, handed_over_to: str) -> Transfer:
    """The receiving agency took the victim over: the stay ends, the file says so."""
    victim = transfer.victim
    _require_unit(
        actor, victim.owning_agency, _("The receiving civil-affairs unit confirms the hand-over.")
    )
    _open(victim)
    if transfer.handed_over_at is not None:
        raise DomainError(VictimError.BAD_STEP, _("The hand-over is already confirmed."))
    if not handed_over_to.strip():
        raise ValidationError({"handed_over_to": [_("Name who received the victim.")]})
    transfer.handed_over_at = timezone.now()
    transfer.handed_over_to = handed_over_to.strip()
    transfer.save(update_fields=["handed_over_at", "handed_over_to"])
    Placement.objects.filter(victim=victim, status=Placement.Status.ACTIVE).update(
        status=Placement.Status.ENDED, ended_on=timezone.localdate()
    )
    _move(victim, VictimStatus.TRANSFERRED)
    victim.save(update_fields=["status"])
    audit_record(actor=actor, action=AuditAction.TRANSFER_HANDOVER, obj=victim)
    return transfer


MANUAL_STATUSES = (VictimStatus.INDEPENDENT, VictimStatus.CLOSED)


@transaction.atomic
def victim_status_set(*, actor: User, victim: Victim, status: str, reason: str) -> Victim:
    """The receiving unit records that the victim lives independently, or closes the
    file; the other statuses follow from placement, return and transfer."""
    _require_unit(actor, victim.owning_agency, _("The receiving civil-affairs unit decides."))
    if status not in MANUAL_STATUSES:
        raise ValidationError({"status": [_("Choose living independently or close the file.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why.")]})
    before = victim.status
    _move(victim, status)
    if status == VictimStatus.CLOSED:
        Placement.objects.filter(victim=victim, status=Placement.Status.ACTIVE).update(
            status=Placement.Status.ENDED, ended_on=timezone.localdate()
        )
    victim.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.VICTIM_STATUS,
        obj=victim,
        detail={"from": before, "to": status, "reason": reason.strip()[:200]},
    )
    return victim


# --- Services, the plan and follow-up ---------------------------------------------------


@transaction.atomic
def service_refer(
    *,
    actor: User,
    victim: Victim,
    kind: str,
    due_on: date,
    note: str = "",
    placement: Placement | None = None,
) -> ServiceReferral:
    """Refer the victim to a service. ``placement``, when given, is the stay the service
    is for: one of this victim's, and current (a stay that ended takes no new service)."""
    _require_manager_in_scope(actor, victim)
    _open(victim)
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": [_("Choose a service.")]})
    if placement is not None:
        _check_placement_for_referral(victim, placement)
    age = current_age(victim)
    if kind == ServiceKind.VOCATIONAL and age < 16:
        raise DomainError(
            VictimError.NOT_ELIGIBLE,
            _("Vocational training and jobs are for victims of 16 and over."),
        )
    if kind == ServiceKind.SCHOOL and not 6 <= age <= 17:
        raise DomainError(
            VictimError.NOT_ELIGIBLE, _("School placement is for school-age children.")
        )
    if kind == ServiceKind.LEGAL_AID:
        # One service, one track: referring legal aid files the application in the
        # green channel, whose steps move this referral (see _legal_aid_referral_sync).
        if not note.strip():
            raise ValidationError({"note": [_("Say what legal help is needed.")]})
        legal_aid_apply(actor=actor, victim=victim, matter=note, placement=placement)
        referral = _open_legal_aid_referral(victim)
        assert referral is not None  # noqa: S101  (created by legal_aid_apply)
        return referral
    provider_kind, _needs_identity = SERVICE_PROVIDERS[kind]
    referral = ServiceReferral.objects.create(
        victim=victim,
        placement=placement,
        kind=kind,
        owner_agency=_unit(victim.division, provider_kind),
        due_on=due_on,
        note=note.strip()[:300],
        referred_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_REFER,
        obj=victim,
        detail={"kind": kind, "placement": placement.pk if placement else None},
    )
    return referral


def _check_placement_for_referral(victim: Victim, placement: Placement) -> None:
    if placement.victim_id != victim.pk:
        raise ValidationError({"placement": [_("This placement is another person's.")]})
    if placement.status != Placement.Status.ACTIVE:
        raise ValidationError(
            {
                "placement": [
                    _("This stay is not current: a service is referred for a current stay.")
                ]
            }
        )


@transaction.atomic
def service_update(
    *, actor: User, referral: ServiceReferral, status: str, outcome: str = ""
) -> ServiceReferral:
    require_permission(actor, P_VICTIM_SERVICE)
    require_unit(
        actor, referral.owner_agency, _("The unit the service was referred to updates it.")
    )
    allowed: dict[str, set[str]] = {
        ServiceReferral.Status.REFERRED: {
            ServiceReferral.Status.ACCEPTED,
            ServiceReferral.Status.DECLINED,
        },
        ServiceReferral.Status.ACCEPTED: {ServiceReferral.Status.DONE},
    }
    if referral.kind == ServiceKind.LEGAL_AID:
        raise DomainError(
            VictimError.BAD_STEP,
            _(
                "Legal aid moves through the legal-aid green channel: accept, assign a lawyer, close."
            ),
        )
    if status not in allowed.get(referral.status, set()):
        raise DomainError(VictimError.BAD_STEP, _("This step is not possible now."))
    if (
        status in (ServiceReferral.Status.DONE, ServiceReferral.Status.DECLINED)
        and not outcome.strip()
    ):
        raise ValidationError({"outcome": [_("Say what came of it.")]})
    referral.status = status
    if outcome.strip():
        referral.outcome = outcome.strip()
    if status in (ServiceReferral.Status.DONE, ServiceReferral.Status.DECLINED):
        referral.closed_at = timezone.now()
    referral.save()
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_UPDATE,
        obj=referral.victim,
        detail={"status": status},
    )
    return referral


@transaction.atomic
def plan_goal_add(*, actor: User, victim: Victim, goal: str) -> PlanGoal:
    _require_manager_in_scope(actor, victim)
    _open(victim)
    if not goal.strip():
        raise ValidationError({"goal": [_("Write the goal.")]})
    record = PlanGoal.objects.create(victim=victim, goal=goal.strip()[:200], created_by=actor)
    audit_record(actor=actor, action=AuditAction.PLAN_GOAL_ADD, obj=victim)
    return record


@transaction.atomic
def plan_review_add(
    *, actor: User, victim: Victim, reviewed_on: date, notes: str, next_review_on: date | None
) -> PlanReview:
    _require_manager_in_scope(actor, victim)
    _open(victim)
    if not notes.strip():
        raise ValidationError({"notes": [_("Write the review.")]})
    review = PlanReview.objects.create(
        victim=victim,
        reviewed_on=reviewed_on,
        notes=notes.strip(),
        next_review_on=next_review_on,
        reviewer=actor,
    )
    audit_record(actor=actor, action=AuditAction.PLAN_REVIEW, obj=victim)
    return review


@transaction.atomic
def follow_up_record(*, actor: User, follow_up: FollowUp, done_on: date, notes: str) -> FollowUp:
    """A visit after the return home, by the unit that manages the victim."""
    _require_unit(
        actor, follow_up.victim.owning_agency, _("The receiving civil-affairs unit visits.")
    )
    if follow_up.done_on is not None:
        raise DomainError(VictimError.BAD_STEP, _("This visit has been recorded."))
    errors: dict[str, list[str]] = {}
    if not notes.strip():
        errors["notes"] = [_("Write what you found.")]
    if done_on > timezone.localdate():
        errors["done_on"] = [_("This date is in the future.")]
    if errors:
        raise ValidationError(errors)
    follow_up.done_on = done_on
    follow_up.notes = notes.strip()
    follow_up.visitor = actor
    follow_up.overdue = False
    follow_up.save()
    audit_record(actor=actor, action=AuditAction.FOLLOW_UP_RECORD, obj=follow_up.victim)
    return follow_up


def follow_ups_flag_overdue(today: date | None = None) -> int:
    today = today or timezone.localdate()
    return FollowUp.objects.filter(done_on__isnull=True, due_on__lt=today, overdue=False).update(
        overdue=True
    )


# --- The legal-aid green channel ----------------------------------------------------------


def _sla(step: str) -> int:
    """Working days for a step (a policy setting; HOMEWARD_VICTIMS_LEGAL_AID_SLA_DAYS by
    default)."""
    return int(policy_value("legal_aid_sla_days")[step])


@transaction.atomic
def legal_aid_apply(
    *, actor: User, victim: Victim, matter: str, placement: Placement | None = None
) -> LegalAidApplication:
    """A victim's application, filed by the units that manage the victim or taken by the
    district's legal-aid office itself; it enters the green channel. ``placement``: the
    current stay the referral it opens is for (see service_refer)."""
    justice = _unit(victim.division, "justice")
    if not (actor.has_perm(P_LEGAL_AID) and actor.agency_id == justice.pk):
        _require_manager_in_scope(actor, victim)
    _open(victim)
    if placement is not None:
        _check_placement_for_referral(victim, placement)
    if not matter.strip():
        raise ValidationError({"matter": [_("Say what legal help is needed.")]})
    now = timezone.now()
    application = LegalAidApplication.objects.create(
        victim=victim,
        matter=matter.strip(),
        division=victim.division,
        justice_agency=justice,
        received_at=now,
        step_due_at=add_working_days(now, _sla("review")),
    )
    if _open_legal_aid_referral(victim) is None:
        total = _sla("review") + _sla("assign") + _sla("handle")
        ServiceReferral.objects.create(
            victim=victim,
            placement=placement,
            kind=ServiceKind.LEGAL_AID,
            owner_agency=justice,
            due_on=timezone.localtime(add_working_days(now, total)).date(),
            note=matter.strip()[:300],
            referred_by=actor,
        )
    audit_record(
        actor=actor,
        action=AuditAction.LEGAL_AID_APPLY,
        obj=victim,
        detail={"placement": placement.pk} if placement else None,
    )
    return application


def _open_legal_aid_referral(victim: Victim) -> ServiceReferral | None:
    return (
        ServiceReferral.objects.filter(
            victim=victim,
            kind=ServiceKind.LEGAL_AID,
            status__in=[ServiceReferral.Status.REFERRED, ServiceReferral.Status.ACCEPTED],
        )
        .order_by("pk")
        .first()
    )


def _legal_aid_referral_sync(application: LegalAidApplication, outcome: str = "") -> None:
    """The legal-aid referral of the victim follows its application: accepted when the
    office accepts, done when the matter is concluded, declined when refused."""
    referral = _open_legal_aid_referral(application.victim)
    if referral is None:
        return
    statuses: dict[str, str] = {
        LegalAidApplication.Status.REVIEWED: ServiceReferral.Status.ACCEPTED,
        LegalAidApplication.Status.ASSIGNED: ServiceReferral.Status.ACCEPTED,
        LegalAidApplication.Status.CLOSED: ServiceReferral.Status.DONE,
        LegalAidApplication.Status.REFUSED: ServiceReferral.Status.DECLINED,
    }
    status = statuses.get(application.status)
    if status is None or status == referral.status:
        return
    referral.status = status
    if outcome:
        referral.outcome = outcome
    if status in (ServiceReferral.Status.DONE, ServiceReferral.Status.DECLINED):
        referral.closed_at = timezone.now()
    referral.save()


def _legal_aid_unit(actor: User, application: LegalAidApplication) -> None:
    require_permission(actor, P_LEGAL_AID)
    require_unit(
        actor, application.justice_agency, _("The district's legal-aid office handles this.")
    )


def _legal_aid_move(application: LegalAidApplication, to: str) -> None:
    check_transition(
        LEGAL_AID_TRANSITIONS,
        application.status,
        to,
        code=VictimError.BAD_STEP,
        message=_("This step is not possible now."),
    )
    application.status = to


@transaction.atomic
def legal_aid_review(
    *, actor: User, application: LegalAidApplication, accept: bool, note: str = ""
) -> LegalAidApplication:
    _legal_aid_unit(actor, application)
    now = timezone.now()
    if accept:
        _legal_aid_move(application, LegalAidApplication.Status.REVIEWED)
        application.reviewed_at = now
        application.step_due_at = add_working_days(now, _sla("assign"))
    else:
        _legal_aid_move(application, LegalAidApplication.Status.REFUSED)
        if not note.strip():
            raise ValidationError({"outcome": [_("Say why the application is refused.")]})
        application.reviewed_at = now
        application.outcome = note.strip()[:300]
        application.closed_at = now
    application.escalated_at = None
    application.save()
    _legal_aid_referral_sync(application, application.outcome)
    audit_record(
        actor=actor,
        action=AuditAction.LEGAL_AID_REVIEW,
        obj=application.victim,
        detail={"accept": accept},
    )
    return application


@transaction.atomic
def legal_aid_assign(
    *, actor: User, application: LegalAidApplication, lawyer: User
) -> LegalAidApplication:
    _legal_aid_unit(actor, application)
    _legal_aid_move(application, LegalAidApplication.Status.ASSIGNED)
    if lawyer.agency_id != application.justice_agency_id or not lawyer.has_perm(
        "victims.handle_legal_aid"
    ):
        raise ValidationError({"lawyer": [_("Choose a lawyer of this legal-aid office.")]})
    now = timezone.now()
    application.lawyer = lawyer
    application.assigned_at = now
    application.step_due_at = add_working_days(now, _sla("handle"))
    application.escalated_at = None
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.LEGAL_AID_ASSIGN,
        obj=application.victim,
        detail={"lawyer": lawyer.pk},
    )
    return application


@transaction.atomic
def legal_aid_close(
    *, actor: User, application: LegalAidApplication, outcome: str
) -> LegalAidApplication:
    _legal_aid_unit(actor, application)
    _legal_aid_move(application, LegalAidApplication.Status.CLOSED)
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Say how the matter ended.")]})
    application.outcome = outcome.strip()[:300]
    application.closed_at = timezone.now()
    application.save()
    _legal_aid_referral_sync(application, application.outcome)
    audit_record(actor=actor, action=AuditAction.LEGAL_AID_CLOSE, obj=application.victim)
    return application


def legal_aid_escalate_overdue(now: datetime | None = None) -> int:
    """The tick job: a late step goes to the head of the district's justice bureau."""
    now = now or timezone.now()
    escalated = 0
    late = LegalAidApplication.objects.filter(
        status__in=[
            LegalAidApplication.Status.RECEIVED,
            LegalAidApplication.Status.REVIEWED,
            LegalAidApplication.Status.ASSIGNED,
        ],
        step_due_at__lt=now,
        escalated_at__isnull=True,
    )
    for application in late:
        head = (
            User.objects.filter(
                agency=application.justice_agency, leader_post="head", is_active=True
            )
            .order_by("pk")
            .first()
        )
        with transaction.atomic():
            # The condition is re-checked in the update: two sweeps escalate once.
            if not LegalAidApplication.objects.filter(
                pk=application.pk, escalated_at__isnull=True
            ).update(escalated_at=now, escalated_to=head):
                continue
            audit_record(
                actor=None,
                action=AuditAction.LEGAL_AID_ESCALATE,
                obj=application.victim,
                detail={
                    "application": application.pk,
                    "status": application.status,
                    "to": head.pk if head else None,
                },
                actor_username="system",
            )
            escalated += 1
    return escalated


# --- Reference data: the institutions victims are placed in ------------------------------


@transaction.atomic
def institution_save(
    *,
    actor: User,
    institution: Institution | None = None,
    name: str,
    kind: str,
    division: Division,
    operating_agency: Agency,
    capacity: int,
) -> Institution:
    """Create an institution, or change one (``institution`` given): the system
    administrator's reference data, checked field by field.

    The running unit is of the institution's district or a municipal unit; the capacity
    is never below the people staying there now.
    """
    require_permission(actor, P_REFERENCE)
    require_division(actor, division.pk)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the institution's name.")]
    elif (
        Institution.objects.filter(name=name)
        .exclude(pk=institution.pk if institution is not None else 0)
        .exists()
    ):
        errors["name"] = [_("An institution with this name exists already.")]
    if kind not in Institution.Kind.values:
        errors["kind"] = [_("Choose a kind of institution.")]
    if operating_agency.division_id not in (None, division.pk):
        errors["operating_agency"] = [
            _("The running unit must be of the institution's district or a municipal unit.")
        ]
    if capacity < 1:
        errors["capacity"] = [_("The capacity is at least one place.")]
    elif institution is not None:
        staying = Placement.objects.filter(
            institution=institution, status=Placement.Status.ACTIVE
        ).count()
        if capacity < staying:
            errors["capacity"] = [
                _("%(count)d people stay here now; the capacity cannot be lower.")
                % {"count": staying}
            ]
    if errors:
        raise ValidationError(errors)
    created = institution is None
    if institution is None:
        institution = Institution()
    institution.name = name
    institution.kind = kind
    institution.division = division
    institution.operating_agency = operating_agency
    institution.capacity = capacity
    institution.save()
    audit_record(
        actor=actor,
        action=AuditAction.INSTITUTION_SAVE,
        obj=institution,
        detail={
            "created": created,
            "kind": kind,
            "division": division.code,
            "operating_agency": operating_agency.code,
            "capacity": capacity,
        },
    )
    return institution

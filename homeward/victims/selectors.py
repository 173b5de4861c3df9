"""Reads of the victims module: each department sees its part.

- Units that manage victims (the police who rescue, civil affairs who receive) see the
  victims of their district (municipal units: all districts).
- A unit that only delivers a service sees the victims referred to it, and their
  identity only when its service needs it (medical care, disability certificate, school,
  legal aid, family search, assistance); otherwise the name is masked.
- Minors' records are doubly restricted: a service unit sees a minor only through an
  open referral, and every read of a victim states its purpose and is audited.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from homeward.core.audit import read_audited_or_404
from homeward.core.counts import Counts, per_division
from homeward.core.models import User
from homeward.core.roles import P_VICTIM_MANAGE, P_VICTIM_VIEW
from homeward.core.scoping import scope_filter
from homeward.people.selectors import mask
from homeward.victims.models import (
    SERVICE_PROVIDERS,
    Institution,
    LegalAidApplication,
    Placement,
    RegistrationTask,
    ServiceReferral,
    Victim,
)

OPEN_REFERRALS = (ServiceReferral.Status.REFERRED, ServiceReferral.Status.ACCEPTED)


def manages_victims(user: User) -> bool:
    return user.has_perm(P_VICTIM_MANAGE)


def victims_visible_to(user: User) -> QuerySet[Victim]:
    base = Victim.objects.select_related("person", "division", "owning_agency", "case")
    if not user.has_perm(P_VICTIM_VIEW):
        return base.none()
    if manages_victims(user):
        return scope_filter(base, user)
    referred = ServiceReferral.objects.filter(owner_agency=user.agency)
    adults_or_open = Q(services__in=referred.filter(status__in=OPEN_REFERRALS)) | Q(
        services__in=referred, age_group="adult"
    )
    legal = Q(legal_aid__justice_agency=user.agency)
    return base.filter(adults_or_open | legal).distinct()


def victim_get(user: User, pk: int) -> Victim:
    return read_audited_or_404(user, victims_visible_to(user), pk, purpose="victim file")


def identity_visible(user: User, victim: Victim) -> bool:
    return victim.pk in _identity_visible_ids(user, [victim.pk])


def _identity_visible_ids(user: User, ids: list[int]) -> set[int]:
    """Of ``ids``, the victims whose identity ``user`` may see: all of them for the units
    that manage victims; for a service unit, those with a referral whose service needs
    the identity, or a legal-aid application at the unit."""
    if manages_victims(user):
        return set(ids)
    needing = [kind for kind, (_unit, needs) in SERVICE_PROVIDERS.items() if needs]
    return set(
        ServiceReferral.objects.filter(
            victim_id__in=ids, owner_agency=user.agency, kind__in=needing
        ).values_list("victim_id", flat=True)
    ) | set(
        LegalAidApplication.objects.filter(
            victim_id__in=ids, justice_agency=user.agency
        ).values_list("victim_id", flat=True)
    )


def display_name(user: User, victim: Victim) -> str:
    return display_names(user, [victim])[victim.pk]


def display_names(user: User, victims: list[Victim]) -> dict[int, str]:
    """The names ``user`` may see for many victims, in two queries whatever their number."""
    visible = _identity_visible_ids(user, [v.pk for v in victims])
    return {
        v.pk: v.person.full_name
        if v.pk in visible
        else mask(v.person.full_name, keep_start=1, keep_end=0)
        for v in victims
    }


def referrals_for(user: User) -> QuerySet[ServiceReferral]:
    """The department's queue: services referred to the user's unit."""
    return (
        ServiceReferral.objects.filter(owner_agency=user.agency)
        .select_related("victim__person", "owner_agency")
        .order_by("status", "due_on", "pk")
    )


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    return scope_filter(Institution.objects.select_related("division", "operating_agency"), user)


def board(institution: Institution, today: date | None = None) -> list[dict[str, object]]:
    """Who is here, since when, identity status, days to the 3-month mark."""
    from dateutil.relativedelta import relativedelta

    today = today or timezone.localdate()
    rows = []
    for placement in (
        Placement.objects.filter(institution=institution, status=Placement.Status.ACTIVE)
        .select_related("victim__person")
        .order_by("started_on")
    ):
        victim = placement.victim
        mark = (victim.admitted_at + relativedelta(months=3)) if victim.admitted_at else None
        rows.append(
            {
                "victim": victim,
                "since": placement.started_on,
                "days_to_mark": (mark - today).days
                if mark and victim.identity_status == "unknown"
                else None,
            }
        )
    return rows


def proposals_for(institution: Institution) -> QuerySet[Placement]:
    return Placement.objects.filter(
        institution=institution, status=Placement.Status.PROPOSED
    ).select_related("victim__person")


def tasks_for(user: User) -> QuerySet[RegistrationTask]:
    return (
        RegistrationTask.objects.filter(
            Q(police_agency=user.agency) | Q(civil_affairs_agency=user.agency),
            done_at__isnull=True,
        )
        .select_related("victim__person")
        .order_by("due_on")
    )


def legal_aid_queue(user: User) -> QuerySet[LegalAidApplication]:
    """Green channel first, then the nearest deadline."""
    return (
        LegalAidApplication.objects.filter(justice_agency=user.agency)
        .select_related("victim__person", "lawyer", "escalated_to")
        .order_by("-green_channel", "closed_at", "step_due_at", "pk")
    )


def plan_counts(start: datetime, end: datetime) -> Counts:
    """Victims placed, services delivered, legal-aid applications and follow-up visits
    done in [start, end), per district."""
    from django.db.models import Count

    from homeward.core.counts import merge
    from homeward.victims.models import FollowUp

    first, last = start.date(), end.date()
    return merge(
        [
            per_division(
                Placement.objects.filter(started_on__gte=first, started_on__lt=last),
                division_field="victim__division",
                victims_placed=Count("pk"),
            ),
            per_division(
                ServiceReferral.objects.filter(
                    status=ServiceReferral.Status.DONE, closed_at__gte=start, closed_at__lt=end
                ),
                division_field="victim__division",
                services_done=Count("pk"),
            ),
            per_division(
                LegalAidApplication.objects.filter(received_at__gte=start, received_at__lt=end),
                legal_aid=Count("pk"),
            ),
            per_division(
                FollowUp.objects.filter(done_on__gte=first, done_on__lt=last),
                division_field="victim__division",
                follow_ups_done=Count("pk"),
            ),
        ]
    )

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
from django.utils.translation import gettext_lazy

from homeward.core import provinces
from homeward.core.audit import read_audited_or_404
from homeward.core.counts import Counts
from homeward.core.figures import FigureDefinition, figure_counts
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import User
from homeward.core.roles import P_VICTIM_MANAGE, P_VICTIM_VIEW
from homeward.core.scoping import scope_filter
from homeward.people.models import Person
from homeward.people.selectors import mask
from homeward.victims.models import (
    SERVICE_PROVIDERS,
    AgeGroup,
    Institution,
    LegalAidApplication,
    Origin,
    Placement,
    RegistrationTask,
    ServiceKind,
    ServiceReferral,
    Victim,
)

OPEN_REFERRALS = (ServiceReferral.Status.REFERRED, ServiceReferral.Status.ACCEPTED)


def manages_victims(user: User) -> bool:
    return user.has_perm(P_VICTIM_MANAGE)


def serves_victims_only(user: User) -> bool:
    """A department that delivers services referred to it (health, education, human
    resources, the women's federation …) but does not manage victims."""
    return user.has_perm(P_VICTIM_VIEW) and not user.has_perm(P_VICTIM_MANAGE)


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


def referrals_visible_to(user: User) -> QuerySet[ServiceReferral]:
    """Referrals a user may open: those referred to the user's unit, and, for the units
    that manage victims, every referral of the victims in their scope (the caseworker
    follows what was referred; only the delivering unit updates it)."""
    base = ServiceReferral.objects.select_related(
        "victim__person", "owner_agency", "placement__institution"
    )
    if not user.has_perm(P_VICTIM_VIEW):
        return base.none()
    own = Q(owner_agency=user.agency)
    if manages_victims(user):
        own |= Q(victim__in=victims_visible_to(user).values("pk"))
    return base.filter(own)


def referral_get(user: User, pk: int) -> ServiceReferral:
    return read_audited_or_404(user, referrals_visible_to(user), pk, purpose="service")


def placements_visible_to(user: User) -> QuerySet[Placement]:
    """Placements the units that manage victims may open: of the victims in their scope,
    or in the institutions they run or oversee."""
    base = Placement.objects.select_related(
        "victim__person", "institution__operating_agency", "institution__division"
    )
    if not manages_victims(user):
        return base.none()
    return base.filter(
        Q(victim__in=victims_visible_to(user).values("pk"))
        | Q(institution__in=institutions_visible_to(user).values("pk"))
    )


def placement_get(user: User, pk: int) -> Placement:
    return read_audited_or_404(user, placements_visible_to(user), pk, purpose="placement")


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
                "placement": placement,
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


# The module's figures (core.figures), read by the plan's indicators and the situation
# analysis: victims by origin, province of origin (the free-text "province or
# nationality" normalised by core.provinces), age band and sex of the rescue's month; placements,
# services, legal aid and follow-up visits.
FIGURES: list[FigureDefinition] = [
    FigureDefinition(
        key="victims_rescued",
        label=gettext_lazy("Victims rescued, by origin"),
        model="victims.Victim",
        date_field="rescued_at",
        category_field="origin",
        category_labels=dict(Origin.choices),
        changed_field="registered_at",
    ),
    FigureDefinition(
        key="victims_by_province",
        label=gettext_lazy("Victims rescued, by province of origin"),
        model="victims.Victim",
        date_field="rescued_at",
        category_fields=("origin", "origin_detail"),
        categorise=provinces.origin_category,
        category_labels=provinces.category_labels(),
        changed_field="registered_at",
    ),
    FigureDefinition(
        key="victims_by_age",
        label=gettext_lazy("Victims rescued, by age group"),
        model="victims.Victim",
        date_field="rescued_at",
        category_field="age_group",
        category_labels=dict(AgeGroup.choices),
        changed_field="registered_at",
        children_categories=frozenset({AgeGroup.CHILD}),
    ),
    FigureDefinition(
        key="victims_by_sex",
        label=gettext_lazy("Victims rescued, by sex"),
        model="victims.Victim",
        date_field="rescued_at",
        category_field="person__sex",
        category_labels=dict(Person.Sex.choices),
        changed_field="registered_at",
    ),
    FigureDefinition(
        key="victims_placed",
        label=gettext_lazy("Victims placed"),
        model="victims.Placement",
        date_field="started_on",
        division_field="victim__division",
    ),
    FigureDefinition(
        key="services_done",
        label=gettext_lazy("Services delivered"),
        model="victims.ServiceReferral",
        date_field="closed_at",
        division_field="victim__division",
        category_field="kind",
        category_labels=dict(ServiceKind.choices),
        condition=Q(status=ServiceReferral.Status.DONE),
    ),
    FigureDefinition(
        key="legal_aid",
        label=gettext_lazy("Legal-aid applications"),
        model="victims.LegalAidApplication",
        date_field="received_at",
        changed_field="received_at",
    ),
    FigureDefinition(
        key="follow_ups_done",
        label=gettext_lazy("Follow-up visits done"),
        model="victims.FollowUp",
        date_field="done_on",
        division_field="victim__division",
    ),
]
_PLAN_FIGURES = frozenset({"victims_placed", "services_done", "legal_aid", "follow_ups_done"})


def plan_counts(start: datetime, end: datetime) -> Counts:
    """Victims placed, services delivered, legal-aid applications and follow-up visits
    done in [start, end), per district."""
    return figure_counts([f for f in FIGURES if f.key in _PLAN_FIGURES], start, end)


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's victim-services figures: services referred to the user's unit
    (late, due this week, new), placements proposed to the unit's institutions,
    household-registration tasks, legal-aid steps past or near their deadline."""
    from datetime import timedelta

    from django.db.models import Count
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from homeward.core.roles import P_LEGAL_AID

    if not user.has_perm(P_VICTIM_VIEW):
        return []
    queue = reverse("victims:queue")
    week_end = today + timedelta(days=7)
    referrals = ServiceReferral.objects.filter(
        owner_agency=user.agency, status__in=OPEN_REFERRALS
    ).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        week=Count("pk", filter=Q(due_on__gte=today, due_on__lte=week_end)),
        new=Count("pk", filter=Q(referred_at__gte=since) if since else Q(pk__in=[])),
    )
    items = [
        WorkItem(
            WorkKind.OVERDUE,
            _("Referred services past their due date"),
            referrals["overdue"],
            queue,
        ),
        WorkItem(WorkKind.WEEK, _("Referred services due this week"), referrals["week"], queue),
        WorkItem(
            WorkKind.WAITING,
            _("Placements proposed to your institutions"),
            Placement.objects.filter(
                institution__operating_agency=user.agency, status=Placement.Status.PROPOSED
            ).count(),
            queue,
        ),
    ]
    if since is not None:
        items.append(
            WorkItem(
                WorkKind.NEW,
                _("Services newly referred to your unit"),
                referrals["new"],
                queue,
            )
        )
    tasks = tasks_for(user)
    items.append(
        WorkItem(
            WorkKind.OVERDUE,
            _("Household-registration tasks past due"),
            tasks.filter(due_on__lt=today).count(),
            queue,
        )
    )
    if user.has_perm(P_LEGAL_AID):
        now = timezone.now()
        open_aid = LegalAidApplication.objects.filter(
            justice_agency=user.agency,
            status__in=[
                LegalAidApplication.Status.RECEIVED,
                LegalAidApplication.Status.REVIEWED,
                LegalAidApplication.Status.ASSIGNED,
            ],
        )
        url = reverse("victims:legal_aid")
        items += [
            WorkItem(
                WorkKind.OVERDUE,
                _("Legal-aid steps past their deadline"),
                open_aid.filter(step_due_at__lt=now).count(),
                url,
            ),
            WorkItem(
                WorkKind.WEEK,
                _("Legal-aid steps due this week"),
                open_aid.filter(
                    step_due_at__gte=now, step_due_at__lt=now + timedelta(days=7)
                ).count(),
                url,
            ),
        ]
    return items

"""Reads of the prevention module: who sees which people.

- A township worker (``WorkArea.township``) sees their township's ledger, dropout files
  and found children; a school (``WorkArea.school``) sees its own students' dropout
  files only.
- District units see their district, municipal units every district, each for the
  records its permissions cover (the ledger: civil affairs and women's federations;
  dropouts: education; found children, registration checks and released offenders: the
  police and civil affairs; released offenders: the justice bureau too).
- The overview (counts on the map) shows numbers, never names.
- Every single-record read is audited (these are minors and people at risk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from homeward.core.audit import read_audited_or_404
from homeward.core.counts import Counts
from homeward.core.figures import FigureDefinition, figure_counts
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import Division, Township, User
from homeward.core.roles import Role
from homeward.core.scoping import scope_filter, scope_of
from homeward.prevention.models import Category as LedgerCategory
from homeward.prevention.models import (
    DropoutFile,
    FoundChild,
    LedgerEntry,
    OffenderFollowUp,
    RegistrationCheck,
    Visit,
    WorkArea,
)


def work_area(user: User) -> WorkArea | None:
    return WorkArea.objects.filter(user=user).select_related("township", "school").first()


# Roles that work district-wide on the ledger: a user holding one of them is not narrowed
# to a township by default.
_DISTRICT_LEDGER_ROLES = frozenset({Role.CIVIL_AFFAIRS_CASEWORKER, Role.WOMENS_FEDERATION_OFFICER})


def requires_work_area(user: User) -> bool:
    """A village or township worker (儿童主任, 儿童督导员, women's director) works in one
    township. Without a work area they see nothing and write nothing — never the whole
    district — until the system administrator sets their township."""
    roles = user.role_codes
    return Role.PREVENTION_WORKER in roles and not roles & _DISTRICT_LEDGER_ROLES


def _township_or_district(queryset: QuerySet, user: User) -> QuerySet:  # type: ignore[type-arg]
    area = work_area(user)
    if area is not None and area.township_id is not None:
        return scope_filter(queryset.filter(township_id=area.township_id), user)
    if area is None and requires_work_area(user):
        return queryset.none()
    return scope_filter(queryset, user)


def ledger_visible_to(user: User) -> QuerySet[LedgerEntry]:
    if not user.has_perm("prevention.view_ledgerentry"):
        return LedgerEntry.objects.none()
    return _township_or_district(
        LedgerEntry.objects.select_related("person", "township", "responsible_worker"), user
    )


def ledger_entry_get(user: User, pk: int) -> LedgerEntry:
    return read_audited_or_404(user, ledger_visible_to(user), pk, purpose="prevention ledger")


def my_worklist(user: User, today: date | None = None) -> dict[str, QuerySet[LedgerEntry]]:
    """The worker's own people: overdue, due this week, and the rest."""
    today = today or timezone.localdate()
    mine = ledger_visible_to(user).filter(responsible_worker=user, status=LedgerEntry.Status.ACTIVE)
    week_end = today + timedelta(days=7)
    return {
        "overdue": mine.filter(next_visit_due__lt=today),
        "this_week": mine.filter(next_visit_due__gte=today, next_visit_due__lte=week_end),
        "later": mine.filter(next_visit_due__gt=week_end),
    }


def dropouts_visible_to(user: User) -> QuerySet[DropoutFile]:
    if not user.has_perm("prevention.view_dropoutfile"):
        return DropoutFile.objects.none()
    queryset = DropoutFile.objects.select_related("person", "school", "township")
    area = work_area(user)
    if area is not None and area.school_id is not None:
        return scope_filter(queryset.filter(school_id=area.school_id), user)
    return _township_or_district(queryset, user)


def dropout_get(user: User, pk: int) -> DropoutFile:
    return read_audited_or_404(user, dropouts_visible_to(user), pk, purpose="dropout file")


def found_children_visible_to(user: User) -> QuerySet[FoundChild]:
    if not user.has_perm("prevention.view_foundchild"):
        return FoundChild.objects.none()
    return _township_or_district(
        FoundChild.objects.select_related("person", "dna_request", "township"), user
    )


def found_child_get(user: User, pk: int) -> FoundChild:
    return read_audited_or_404(user, found_children_visible_to(user), pk, purpose="found child")


def registration_checks_visible_to(user: User) -> QuerySet[RegistrationCheck]:
    if not user.has_perm("prevention.view_registrationcheck"):
        return RegistrationCheck.objects.none()
    return scope_filter(
        RegistrationCheck.objects.select_related("child", "dna_request", "owning_agency"), user
    )


def registration_check_get(user: User, pk: int) -> RegistrationCheck:
    return read_audited_or_404(
        user, registration_checks_visible_to(user), pk, purpose="registration check"
    )


def offenders_visible_to(user: User) -> QuerySet[OffenderFollowUp]:
    if not user.has_perm("prevention.view_offenderfollowup"):
        return OffenderFollowUp.objects.none()
    return scope_filter(OffenderFollowUp.objects.select_related("person"), user)


def offender_get(user: User, pk: int) -> OffenderFollowUp:
    return read_audited_or_404(user, offenders_visible_to(user), pk, purpose="offender follow-up")


@dataclass(frozen=True)
class AreaCount:
    code: str
    name: str
    followed: int
    overdue: int
    open_dropouts: int


def _counts(
    entries: QuerySet[LedgerEntry], dropouts: QuerySet[DropoutFile], key: str
) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for row in (
        entries.filter(status=LedgerEntry.Status.ACTIVE)
        .values(key)
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(overdue=True)))
        .order_by()
    ):
        table.setdefault(row[key], {})["followed"] = row["n"]
        table[row[key]]["overdue"] = row["late"]
    for row in (
        dropouts.filter(status=DropoutFile.Status.OPEN)
        .values(key)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        table.setdefault(row[key], {})["open_dropouts"] = row["n"]
    return table


def overview(user: User) -> tuple[str, list[AreaCount]]:
    """Counts per district (municipal users) or per township (district and township
    users), for the map and the table. Numbers only."""
    area = work_area(user)
    entries = _township_or_district(LedgerEntry.objects.all(), user)
    dropouts = _township_or_district(DropoutFile.objects.all(), user)
    scope = scope_of(user)
    if scope.all_divisions and area is None:
        table = _counts(entries, dropouts, "division__code")
        divisions = Division.objects.order_by("code")
        return "district", [
            AreaCount(
                d.code,
                d.display_name,
                table.get(d.code, {}).get("followed", 0),
                table.get(d.code, {}).get("overdue", 0),
                table.get(d.code, {}).get("open_dropouts", 0),
            )
            for d in divisions
        ]
    table = _counts(entries, dropouts, "township__code")
    townships = Township.objects.filter(division_id=scope.division_id or 0).order_by("code")
    if area is not None and area.township_id is not None:
        townships = townships.filter(pk=area.township_id)
    elif requires_work_area(user):
        townships = townships.none()
    return "township", [
        AreaCount(
            t.code,
            t.name_zh,
            table.get(t.code, {}).get("followed", 0),
            table.get(t.code, {}).get("overdue", 0),
            table.get(t.code, {}).get("open_dropouts", 0),
        )
        for t in townships
    ]


def overdue_by_division(user: User) -> dict[str, int]:
    """Overdue visits per district code in the user's view, for the map."""
    entries = _township_or_district(
        LedgerEntry.objects.filter(status=LedgerEntry.Status.ACTIVE, overdue=True), user
    )
    return {
        row["division__code"]: row["n"]
        for row in entries.values("division__code").annotate(n=Count("pk")).order_by()
    }


# The module's figures (core.figures), read by the plan's indicators and the situation
# analysis.
FIGURES: list[FigureDefinition] = [
    FigureDefinition(
        key="visits_done",
        label=gettext_lazy("Ledger visits done"),
        model="prevention.Visit",
        date_field="visited_on",
        division_field="entry__division",
        category_field="kind",
        category_labels=dict(Visit.Kind.choices),
        changed_field="recorded_at",
    ),
    FigureDefinition(
        key="ledger_entries",
        label=gettext_lazy("People entered in the at-risk ledger"),
        model="prevention.LedgerEntry",
        date_field="opened_at",
        category_field="category",
        category_labels=dict(LedgerCategory.choices),
        changed_field="opened_at",
        children_categories=frozenset(
            {
                LedgerCategory.LEFT_BEHIND_CHILD,
                LedgerCategory.CHILD_IN_DIFFICULTY,
                LedgerCategory.STREET_MINOR,
                LedgerCategory.ABANDONED_INFANT,
                LedgerCategory.DROPOUT,
            }
        ),
    ),
    FigureDefinition(
        key="dropouts",
        label=gettext_lazy("Students who dropped out"),
        model="prevention.DropoutFile",
        date_field="left_on",
        category_field="reason",
        category_labels=dict(DropoutFile.Reason.choices),
        changed_field="opened_at",
        children=True,
    ),
    FigureDefinition(
        key="children_found_alone",
        label=gettext_lazy("Street minors and abandoned infants found"),
        model="prevention.FoundChild",
        date_field="found_at",
        category_field="kind",
        category_labels=dict(FoundChild.Kind.choices),
        changed_field="recorded_at",
        children=True,
    ),
]


def plan_counts(start: datetime, end: datetime) -> Counts:
    """Visits to people in the ledger done in [start, end), per district."""
    return figure_counts(FIGURES[:1], start, end)


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's prevention figures: the worker's visits overdue and due this
    week, dropout files still followed, registration checks waiting for the police."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from homeward.core.roles import P_REGCHECK_DECIDE

    items: list[WorkItem] = []
    if user.has_perm("prevention.view_ledgerentry"):
        week_end = today + timedelta(days=7)
        visits = (
            ledger_visible_to(user)
            .filter(responsible_worker=user, status=LedgerEntry.Status.ACTIVE)
            .aggregate(
                overdue=Count("pk", filter=Q(next_visit_due__lt=today)),
                week=Count("pk", filter=Q(next_visit_due__gte=today, next_visit_due__lte=week_end)),
            )
        )
        url = reverse("prevention:worklist")
        items += [
            WorkItem(WorkKind.OVERDUE, _("Visits overdue"), visits["overdue"], url),
            WorkItem(WorkKind.WEEK, _("Visits due this week"), visits["week"], url),
        ]
    if user.has_perm("prevention.view_dropoutfile"):
        dropouts = dropouts_visible_to(user)
        url = reverse("prevention:dropouts")
        items.append(
            WorkItem(
                WorkKind.WAITING,
                _("Dropout files still followed"),
                dropouts.filter(status=DropoutFile.Status.OPEN).count(),
                url,
            )
        )
        if since is not None:
            items.append(
                WorkItem(
                    WorkKind.NEW,
                    _("Dropout files opened"),
                    dropouts.filter(opened_at__gte=since).count(),
                    url,
                )
            )
    if user.has_perm(P_REGCHECK_DECIDE):
        items.append(
            WorkItem(
                WorkKind.WAITING,
                _("Registration and adoption checks waiting for the police"),
                registration_checks_visible_to(user)
                .filter(status=RegistrationCheck.Status.PENDING)
                .count(),
                reverse("prevention:registration_checks"),
            )
        )
    return items

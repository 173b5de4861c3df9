"""Figure definitions: what a module counts, written once, in the module that owns the data.

Each module declares ``FIGURES`` in its selectors: a list of :class:`FigureDefinition`
(the key, the label, the model and filter, the date that places a row in a month, the
district it belongs to, and an optional category to break it down by). The plan's
indicators (``<app>.selectors.plan_counts``) and the situation analysis's monthly
rollups (``homeward.analysis``) both read these definitions, so a figure means the same
thing everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db.models import Count, DateField, Q, QuerySet
from django.utils.functional import Promise

from homeward.core.counts import Counts, merge, per_division


@dataclass(frozen=True)
class FigureDefinition:
    """One countable figure of a module.

    ``date_field`` places a row in a month (a DateField or a DateTimeField; a path across
    relations is allowed). ``division_field`` is the path to the row's district (a
    ``core.Division`` foreign key). ``category_field`` (optional) breaks the figure down
    (crime, clue category, age band, sex, origin …); ``multi_category`` marks a category
    reached through a to-many relation, where one row may count under several categories
    (their sum is not the figure's total). ``changed_field`` (optional) is a timestamp
    that moves whenever a row is added or changes in a way that moves the figure; without
    it the rollup rechecks the current and previous month on every tick and every month
    nightly. ``police_only`` figures are shown to public-security users only;
    ``point_fields`` name a location (latitude, longitude) counted on H3 cells.

    ``categorise`` (optional) makes the category from free text: the rollup groups the
    rows by the raw values of ``category_fields`` (one grouped query, as for
    ``category_field``) and passes each group's values to ``categorise``, whose result is
    the category stored (a victim's origin and "province or nationality" become a
    province, see core.provinces).
    """

    key: str
    label: str | Promise
    model: str  # "app_label.ModelName"
    date_field: str
    division_field: str = "division"
    category_field: str | None = None
    category_labels: dict[str, str | Promise] = field(default_factory=dict)
    condition: Q | None = None
    changed_field: str | None = None
    multi_category: bool = False
    police_only: bool = False
    point_fields: tuple[str, str] | None = None  # (latitude, longitude) for hot spots
    category_fields: tuple[str, ...] = ()
    categorise: Callable[..., str] | None = None
    # What the figure counts decides its rate's population: ``children`` figures (a
    # missing child, a street minor, a dropout …) are shown per 100,000 residents aged
    # 0–14, the others per 100,000 residents; ``children_categories`` are the categories
    # of a mixed figure that count children (a victim's age group "child").
    children: bool = False
    children_categories: frozenset[str] = frozenset()

    def base_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = apps.get_model(self.model)._default_manager.all()
        if self.condition is not None:
            queryset = queryset.filter(self.condition)
        return queryset

    def date_is_day(self) -> bool:
        """Whether ``date_field`` holds a day (DateField) rather than an instant."""
        model = apps.get_model(self.model)
        target: Any = None
        for part in self.date_field.split("__"):
            target = model._meta.get_field(part)
            if target.is_relation:
                model = target.related_model
        return isinstance(target, DateField) and target.get_internal_type() == "DateField"

    def between(self, start: datetime, end: datetime) -> Q:
        """Rows whose date falls in [start, end) (days compare by the local date)."""
        first: date | datetime = start
        last: date | datetime = end
        if self.date_is_day():
            first, last = start.date(), end.date()
        return Q(**{f"{self.date_field}__gte": first, f"{self.date_field}__lt": last})

    def has_category(self) -> bool:
        return bool(self.category_field or self.categorise)

    def grouped_category_fields(self) -> tuple[str, ...]:
        """The fields the rollup groups by to find a row's category."""
        if self.categorise is not None:
            return self.category_fields
        return (self.category_field,) if self.category_field else ()

    def category_of(self, values: Sequence[Any]) -> str:
        """The category of a group of rows from the values of its grouped fields."""
        if self.categorise is not None:
            return self.categorise(*[value if value is not None else "" for value in values])
        return str(values[0] or "") if values else ""

    def same_total_as(self, other: FigureDefinition) -> bool:
        """Whether the two figures count the same rows (only their breakdown differs)."""
        return (self.model, self.date_field, self.division_field, self.condition) == (
            other.model,
            other.date_field,
            other.division_field,
            other.condition,
        )

    def category_label(self, category: str) -> str:
        label = self.category_labels.get(category)
        return str(label) if label is not None else category

    def counts_children(self, category: str = "") -> bool:
        """Whether the figure (under ``category``, "" for all) counts children, so that
        its rate is per 100,000 children aged 0–14."""
        return self.children or (bool(category) and category in self.children_categories)


RATE_PER = 100_000


def rate_population(
    definition: FigureDefinition, category: str, division: Any, *, children: bool | None = None
) -> int | None:
    """The population a district's rate of the figure divides by: residents aged 0–14
    for a children's figure, all residents otherwise (2020 census); None where the
    reference data has no value (then the district has no rate, never a guessed one).
    ``children`` overrides the figure's own choice (a page that lets its reader choose)."""
    if definition.counts_children(category) if children is None else children:
        return division.population_0_14_2020  # type: ignore[no-any-return]
    return division.population_2020  # type: ignore[no-any-return]


def rate_per_100k(
    definition: FigureDefinition,
    category: str,
    count: int | None,
    division: Any,
    *,
    children: bool | None = None,
) -> float | None:
    """``count`` per 100,000 of :func:`rate_population`; None when the count is
    suppressed or the population unknown."""
    population = rate_population(definition, category, division, children=children)
    if count is None or not population:
        return None
    return count / population * RATE_PER


def rate_label(
    definition: FigureDefinition, category: str = "", *, children: bool | None = None
) -> str:
    """The column heading of the figure's rate: per 100,000 children or residents."""
    from django.utils.translation import gettext

    if definition.counts_children(category) if children is None else children:
        return gettext("Per 100,000 children")
    return gettext("Per 100,000 residents")


def figure_counts(
    definitions: Sequence[FigureDefinition], start: datetime, end: datetime
) -> Counts:
    """Counts per district of ``definitions`` over [start, end): one grouped query per
    model, date and district (figures of the same records share it through filtered
    counts)."""
    groups: dict[tuple[str, str, str], list[FigureDefinition]] = {}
    for definition in definitions:
        groups.setdefault(
            (definition.model, definition.date_field, definition.division_field), []
        ).append(definition)
    tables: list[Counts] = []
    for group in groups.values():
        first = group[0]
        queryset = apps.get_model(first.model)._default_manager.filter(first.between(start, end))
        aggregates = {
            definition.key: Count("pk", filter=definition.condition)
            if definition.condition is not None
            else Count("pk")
            for definition in group
        }
        tables.append(per_division(queryset, division_field=first.division_field, **aggregates))
    return merge(tables)


def by_key(definitions: Iterable[FigureDefinition]) -> dict[str, FigureDefinition]:
    return {definition.key: definition for definition in definitions}


# The modules that declare ``FIGURES`` in their selectors, in the order they are shown.
FIGURE_SOURCES: tuple[str, ...] = (
    "homeward.tips.selectors.FIGURES",
    "homeward.alerts.selectors.FIGURES",
    "homeward.cases.selectors.FIGURES",
    "homeward.dna.selectors.FIGURES",
    "homeward.victims.selectors.FIGURES",
    "homeward.reunion.selectors.FIGURES",
    "homeward.prevention.selectors.FIGURES",
)


def all_figures() -> list[FigureDefinition]:
    from django.utils.module_loading import import_string

    figures: list[FigureDefinition] = []
    for dotted in FIGURE_SOURCES:
        figures.extend(import_string(dotted))
    return figures

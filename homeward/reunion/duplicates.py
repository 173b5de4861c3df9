"""Duplicate suggestions (可能重复登记): the same child registered twice (by the mother
and the father, in two districts, years apart), the same found person entered twice.

The engine's ``linkage.dedup`` scores each pair of one side; here the page's record
is paired with every other record of its side that could be the same person, and the
pairs the police dismissed ("不是重复") are left out. Suggestions only: nothing is
merged. A suggestion in another district is shown without its details (its district
and the reasons), so that the police know whom to call, not what the record holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from homeward.linkage.dedup import found_duplicates, report_duplicates
from homeward.linkage.records import FieldError, Found
from homeward.reunion import engine
from homeward.reunion.models import DuplicateDismissal, FoundPerson, SearchRegistration, Sex

REASON_LABELS: dict[str, Promise] = {
    "name_exact": _("same name"),
    "name_reading": _("names read the same"),
    "given_reading": _("given names read the same"),
    "surname": _("same surname"),
    "nickname": _("same nickname"),
    "age": _("ages agree"),
    "missing_date": _("lost at the same time"),
    "district": _("same district"),
    "parents": _("same parent's name"),
    "marks": _("a mark in common"),
    "found_date": _("found at about the same time"),
    "place": _("found in the same province"),
}


@dataclass(frozen=True)
class Duplicate:
    """One suggestion for the page's record: the other record, whether the user may open
    it, and the reasons in the user's language."""

    other: Any  # a SearchRegistration or a FoundPerson
    in_scope: bool
    score: float
    reasons: tuple[str, ...]


def reason_labels(reasons: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(REASON_LABELS[r]) for r in reasons if r in REASON_LABELS)


def _sexes(sex: str) -> list[str]:
    return [Sex.MALE, Sex.FEMALE, Sex.UNKNOWN] if sex == Sex.UNKNOWN else [sex, Sex.UNKNOWN]


def _dismissed_searches(search: SearchRegistration) -> set[int]:
    rows = DuplicateDismissal.objects.filter(
        Q(search_low=search) | Q(search_high=search)
    ).values_list("search_low_id", "search_high_id")
    return {low if high == search.pk else high for low, high in rows}


def _dismissed_found(found: FoundPerson) -> set[int]:
    rows = DuplicateDismissal.objects.filter(Q(found_low=found) | Q(found_high=found)).values_list(
        "found_low_id", "found_high_id"
    )
    return {low if high == found.pk else high for low, high in rows}


def search_duplicates(search: SearchRegistration, *, visible: Any) -> list[Duplicate]:
    """Other family searches that may be the same lost child, best first. ``visible`` is
    the user's queryset of searches (what they may open)."""
    if search.kind != SearchRegistration.Kind.FAMILY:
        return []
    try:
        mine = engine.report_record(search)
    except FieldError:
        return []
    others = (
        SearchRegistration.objects.filter(kind=SearchRegistration.Kind.FAMILY)
        .exclude(pk=search.pk)
        .exclude(status=SearchRegistration.Status.CLOSED)
        .exclude(pk__in=_dismissed_searches(search))
        .filter(sex__in=_sexes(search.sex))
        .select_related("division", "township")
    )
    in_scope = set(visible.values_list("pk", flat=True))
    out: list[Duplicate] = []
    for other in others:
        try:
            theirs = engine.report_record(other)
        except FieldError:
            continue
        for suggestion in report_duplicates([mine, theirs]):
            out.append(
                Duplicate(
                    other, other.pk in in_scope, suggestion.score, reason_labels(suggestion.reasons)
                )
            )
    return sorted(out, key=lambda d: (-d.score, d.other.pk))


def _pairable_found(mine: Found) -> list[int]:
    """The matchable found persons ``linkage.dedup`` could pair with ``mine`` (the same
    or an unknown sex, birth intervals within a year of each other), read from the
    columns of the process's found-person index instead of decrypting every row."""
    cols = engine.matchable_index().cols
    ok = pairable_mask(cols.sex, cols.birth_lo, cols.birth_hi, mine)
    return [int(found_id) for found_id in cols.ids[ok]]


def pairable_mask(sex: Any, birth_lo: Any, birth_hi: Any, mine: Found) -> Any:
    """Rows (columns of sex and birth interval) that ``linkage.dedup`` pairs with
    ``mine``: a superset of the pairs it scores, never fewer."""
    ok = np.ones(len(sex), dtype=bool)
    if mine.sex:
        ok &= (sex == 0) | (sex == mine.sex)
    if not math.isnan(mine.birth.low):
        known = ~np.isnan(birth_lo)
        near = (birth_lo <= mine.birth.high + 1.0) & (birth_hi >= mine.birth.low - 1.0)
        ok &= ~known | near
    return ok


def found_person_duplicates(found: FoundPerson, *, visible: Any) -> list[Duplicate]:
    """Other found persons that may be this person entered twice, best first."""
    try:
        mine = engine.found_record(found)
    except FieldError:
        return []
    others = (
        engine.matchable_found()
        .filter(pk__in=_pairable_found(mine))
        .exclude(pk=found.pk)
        .exclude(pk__in=_dismissed_found(found))
    )
    in_scope = set(visible.values_list("pk", flat=True))
    out: list[Duplicate] = []
    for other in others:
        try:
            theirs = engine.found_record(other)
        except FieldError:
            continue
        for suggestion in found_duplicates([mine, theirs]):
            out.append(
                Duplicate(
                    other, other.pk in in_scope, suggestion.score, reason_labels(suggestion.reasons)
                )
            )
    return sorted(out, key=lambda d: (-d.score, d.other.pk))

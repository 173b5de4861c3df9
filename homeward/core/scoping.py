"""Need-to-know scoping (DESIGN.md rule 4). Every selector filters through here.

Municipal agencies see all districts; district agencies see their own district.
An object outside the user's scope behaves as if it did not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet

from homeward.core.models import Division, Township, User

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What part of Chongqing a user may see: everything, or one division."""

    all_divisions: bool
    division_id: int | None

    def allows_division(self, division_id: int | None) -> bool:
        return self.all_divisions or (division_id is not None and division_id == self.division_id)


NO_SCOPE = Scope(all_divisions=False, division_id=None)


def scope_of(user: User | AnonymousUser) -> Scope:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    agency = user.agency
    if agency.is_municipal:
        return Scope(all_divisions=True, division_id=None)
    return Scope(all_divisions=False, division_id=agency.division_id)


def scope_filter(
    queryset: QuerySet[M], user: User | AnonymousUser, *, division_field: str = "division"
) -> QuerySet[M]:
    """Restrict ``queryset`` to rows whose ``division_field`` is in the user's scope."""
    scope = scope_of(user)
    if scope.all_divisions:
        return queryset
    if scope.division_id is None:
        return queryset.none()
    # "" filters the divisions themselves (their own primary key).
    field = f"{division_field}_id" if division_field else "pk"
    return queryset.filter(Q(**{field: scope.division_id}))


def divisions_in_scope(user: User | AnonymousUser) -> QuerySet[Division]:
    """The districts a user may choose on a form: all for municipal units, their own for
    district units, none for anyone else."""
    return scope_filter(Division.objects.order_by("code"), user, division_field="")


def townships_in_scope(user: User | AnonymousUser) -> QuerySet[Township]:
    return scope_filter(Township.objects.select_related("division").order_by("code"), user)

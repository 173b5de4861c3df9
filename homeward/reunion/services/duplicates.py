"""不是重复: the police dismiss a duplicate suggestion; the pair is never suggested again.
Nothing is ever merged: a suggestion is for a person to look at, and a real duplicate
is closed by hand (search_close with the other's tracking code in the note)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.reunion.models import DuplicateDismissal, FoundPerson, SearchRegistration
from homeward.reunion.services.common import ReunionError, require_police_in_area


def _no_such() -> DomainError:
    return DomainError(ReunionError.SOURCE_NOT_FOUND, _("No such record."), status=404)


@transaction.atomic
def duplicate_dismiss_search(
    *, actor: User, search: SearchRegistration, other_id: int, note: str = ""
) -> DuplicateDismissal:
    """The police of ``search``'s district say ``other_id`` is another child."""
    require_police_in_area(actor, search.division_id)
    other = SearchRegistration.objects.filter(pk=other_id).exclude(pk=search.pk).first()
    if other is None:
        raise _no_such()
    low, high = sorted((search.pk, other.pk))
    return _store(
        actor,
        DuplicateDismissal(
            side=DuplicateDismissal.Side.SEARCH,
            search_low_id=low,
            search_high_id=high,
            note=note.strip()[:300],
            decided_by=actor,
        ),
        {"search": search.pk, "other": other.pk},
    )


@transaction.atomic
def duplicate_dismiss_found(
    *, actor: User, found: FoundPerson, other_id: int, note: str = ""
) -> DuplicateDismissal:
    """The police of ``found``'s district say ``other_id`` is another person."""
    require_police_in_area(actor, found.division_id)
    other = FoundPerson.objects.filter(pk=other_id).exclude(pk=found.pk).first()
    if other is None:
        raise _no_such()
    low, high = sorted((found.pk, other.pk))
    return _store(
        actor,
        DuplicateDismissal(
            side=DuplicateDismissal.Side.FOUND,
            found_low_id=low,
            found_high_id=high,
            note=note.strip()[:300],
            decided_by=actor,
        ),
        {"found": found.pk, "other": other.pk},
    )


def _store(actor: User, row: DuplicateDismissal, detail: dict[str, int]) -> DuplicateDismissal:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Dismissed already (twice sent, or by a colleague): the same answer.
        side = DuplicateDismissal.objects.filter(side=row.side)
        if row.side == DuplicateDismissal.Side.SEARCH:
            return side.get(search_low_id=row.search_low_id, search_high_id=row.search_high_id)
        return side.get(found_low_id=row.found_low_id, found_high_id=row.found_high_id)
    audit_record(actor=actor, action=AuditAction.REUNION_DUPLICATE_DISMISS, obj=row, detail=detail)
    return row

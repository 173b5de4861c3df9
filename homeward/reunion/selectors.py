"""Every read of the reunion module, scoped to the user (DESIGN.md rule 4).

* The police with the matching permission see the searches and found persons of their
  district (municipal: all) and the candidates of those searches.
* A unit that registered searches without that permission (civil affairs) sees only
  the searches it registered, and of them only the state.
* The public sees its own search's state by tracking code and secret (services).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from homeward.core import provinces
from homeward.core.audit import audit_record, read_audited_or_404
from homeward.core.audit_actions import AuditAction
from homeward.core.figures import FigureDefinition
from homeward.core.models import User
from homeward.core.roles import P_REUNION_MATCH, P_REUNION_VIEW
from homeward.core.scoping import scope_filter
from homeward.reunion.models import Candidate, FoundPerson, SearchRegistration


def works_searches(user: User) -> bool:
    return user.has_perm(P_REUNION_MATCH) and user.agency.is_public_security


def searches_visible_to(user: User) -> QuerySet[SearchRegistration]:
    base = SearchRegistration.objects.select_related("division", "owning_agency")
    if works_searches(user):
        return scope_filter(base, user)
    if user.has_perm(P_REUNION_VIEW):
        return base.filter(registering_agency=user.agency)
    return base.none()


def found_persons_visible_to(user: User) -> QuerySet[FoundPerson]:
    if not works_searches(user):
        return FoundPerson.objects.none()
    return scope_filter(
        FoundPerson.objects.select_related(
            "division",
            "self_search",
            "victim__person",
            "found_child__person",
            "registration_check__child",
        ),
        user,
    )


def candidates_visible_to(user: User) -> QuerySet[Candidate]:
    """Candidates of the searches the police may work on (never to anyone else)."""
    if not works_searches(user):
        return Candidate.objects.none()
    return Candidate.objects.filter(
        search__in=scope_filter(SearchRegistration.objects.all(), user)
    ).select_related(
        "search",
        "found__division",
        "found__self_search",
        "found__victim__person",
        "found__found_child__person",
        "found__registration_check__child",
    )


def search_get_for_user(user: User, pk: int, *, purpose: str = "") -> SearchRegistration:
    return read_audited_or_404(user, searches_visible_to(user), pk, purpose=purpose)


def found_get_for_user(user: User, pk: int, *, purpose: str = "") -> FoundPerson:
    return read_audited_or_404(user, found_persons_visible_to(user), pk, purpose=purpose)


def candidate_get_for_user(user: User, pk: int, *, purpose: str) -> Candidate:
    """One candidate, its view audited with the stated purpose."""
    return read_audited_or_404(user, candidates_visible_to(user), pk, purpose=purpose)


def candidates_of_search(
    user: User, search: SearchRegistration, *, purpose: str
) -> list[Candidate]:
    """The ranked list of a search; the listing is audited with its purpose and ids."""
    rows = list(candidates_visible_to(user).filter(search=search).order_by("rank", "pk"))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type=Candidate._meta.label_lower,
        object_id=f"search:{search.pk}",
        detail={"purpose": purpose, "ids": [c.pk for c in rows]},
    )
    return rows


def candidates_of_found(user: User, found: FoundPerson, *, purpose: str) -> list[Candidate]:
    """The reverse list: the searches a found person was ranked for (in scope)."""
    rows = list(candidates_visible_to(user).filter(found=found).order_by("-posterior", "pk"))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type=Candidate._meta.label_lower,
        object_id=f"found:{found.pk}",
        detail={"purpose": purpose, "ids": [c.pk for c in rows]},
    )
    return rows


def confirmed_search_for_person(person_id: int) -> SearchRegistration | None:
    """The seam for the victims and prevention modules: the family search confirmed by
    DNA for the registry person ``person_id`` (a rescued victim, a found child), so that
    civil affairs' return home knows which family; None otherwise."""
    candidate = (
        Candidate.objects.filter(state=Candidate.State.CONFIRMED)
        .filter(found__victim__person_id=person_id)
        .select_related("search")
        .first()
        or Candidate.objects.filter(
            state=Candidate.State.CONFIRMED, found__found_child__person_id=person_id
        )
        .select_related("search")
        .first()
    )
    return candidate.search if candidate is not None else None


# The module's figures (core.figures), read by the situation analysis: children lost
# from a district of Chongqing whose family search was confirmed by DNA, by the province
# where the child was found or now lives (the found person's free-text province,
# normalised by core.provinces), in the month of the confirmation.
FIGURES: list[FigureDefinition] = [
    FigureDefinition(
        key="found_by_province",
        label=gettext_lazy("Children lost from here found, by province where found"),
        model="reunion.Candidate",
        date_field="decided_at",
        division_field="search__division",
        condition=Q(state=Candidate.State.CONFIRMED, search__kind=SearchRegistration.Kind.FAMILY),
        category_fields=("found__found_province",),
        categorise=provinces.place_category,
        category_labels=provinces.category_labels(),
        changed_field="decided_at",
    ),
]

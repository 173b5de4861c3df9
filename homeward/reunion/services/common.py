"""What the reunion services share: error codes, the transition map, actor checks."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from homeward.core.actors import require_division, require_permission, require_public_security
from homeward.core.models import Agency, Division, User
from homeward.core.roles import P_REUNION_MATCH
from homeward.reunion.models import SearchRegistration

Status = SearchRegistration.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.VERIFIED, Status.CLOSED},
    Status.VERIFIED: {Status.MATCHED, Status.CLOSED},
    Status.MATCHED: set(),
    Status.CLOSED: set(),
}


class ReunionError(StrEnum):
    BAD_TRANSITION = "reunion_bad_transition"
    VERSION_CONFLICT = "version_conflict"
    IDEMPOTENCY_REUSED = "idempotency_key_reused"
    DUPLICATE_FOUND = "reunion_found_person_exists"
    SOURCE_NOT_FOUND = "reunion_source_not_found"
    CANDIDATE_STATE = "reunion_candidate_state"
    NOT_VERIFIED = "reunion_search_not_verified"
    NO_DNA_SUPPORT = "reunion_dna_does_not_support"
    NOT_SAMPLED = "reunion_not_sampled"
    VICTIM_GOES_HOME = "reunion_victim_goes_home_on_the_victim_record"


def police_unit(division: Division) -> Agency:
    return Agency.objects.get(division=division, kind="public_security")


def require_police_in_area(actor: User, division_id: int | None) -> None:
    """The police of the record's district (or the municipal bureau), with the right to
    verify searches and work on their candidates."""
    require_public_security(actor, _("Only the police verify searches and examine candidates."))
    require_permission(actor, P_REUNION_MATCH)
    require_division(actor, division_id)

"""Every write of the reunion module (DESIGN.md rule 1)."""

from homeward.reunion.services.candidates import (
    candidate_compare_dna,
    candidate_confirm,
    candidate_not_same,
    candidate_request_dna,
    candidate_reunite,
    dna_review,
    found_registry_person,
    returned_victim,
)
from homeward.reunion.services.common import TRANSITIONS, ReunionError
from homeward.reunion.services.duplicates import (
    duplicate_dismiss_found,
    duplicate_dismiss_search,
)
from homeward.reunion.services.found import found_person_register, found_person_update
from homeward.reunion.services.from_alerts import (
    search_from_alert,
    searches_from_unresolved_alerts,
)
from homeward.reunion.services.matching import (
    found_match,
    search_match,
    searches_match,
    searches_rematch_due,
)
from homeward.reunion.services.registration import (
    FamilyView,
    PublicSubmission,
    search_close,
    search_register,
    search_status_for_family,
    search_submit_public,
    search_update,
    search_verify,
)

__all__ = [
    "candidate_reunite",
    "dna_review",
    "returned_victim",
    "TRANSITIONS",
    "FamilyView",
    "PublicSubmission",
    "ReunionError",
    "candidate_compare_dna",
    "candidate_confirm",
    "candidate_not_same",
    "candidate_request_dna",
    "duplicate_dismiss_found",
    "duplicate_dismiss_search",
    "found_match",
    "found_person_register",
    "found_person_update",
    "found_registry_person",
    "search_close",
    "search_from_alert",
    "search_match",
    "search_register",
    "search_status_for_family",
    "search_submit_public",
    "search_update",
    "search_verify",
    "searches_from_unresolved_alerts",
    "searches_match",
    "searches_rematch_due",
]

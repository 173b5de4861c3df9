"""The rules of the case workflow, in one place: the status transition map and who may
lead or join a task force (rules 三、(一): 由县级以上公安机关负责人担任专案组组长 …
案件不破，专案组不得撤销)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from homeward.cases.errors import CaseError
from homeward.cases.models import UNSOLVED_STATUSES, CaseStatus
from homeward.core.errors import DomainError
from homeward.core.models import Division, User

# Every allowed move. Anything else is refused; there is no way around "solved".
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPENED: frozenset({CaseStatus.INVESTIGATING}),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.SOLVED}),
    CaseStatus.SOLVED: frozenset({CaseStatus.TRANSFERRED}),
    CaseStatus.TRANSFERRED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

# Heads and deputy heads of a public-security agency (``User.leader_post``).
LEADER_POSTS = frozenset({"deputy_head", "head"})


def next_statuses(current: str) -> list[str]:
    """The statuses a case in ``current`` may move to, in workflow order."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [status for status in CaseStatus.values if status in allowed]


def check_transition(current: str, target: str) -> None:
    """Raise a :class:`DomainError` with a stable code unless ``current → target`` is allowed."""
    if target not in CaseStatus.values:
        raise DomainError(CaseError.TRANSITION_NOT_ALLOWED, _("Unknown case status."))
    if target == current:
        raise DomainError(CaseError.STATUS_UNCHANGED, _("The case already has this status."))
    if target in TRANSITIONS.get(current, frozenset()):
        return
    if target == CaseStatus.CLOSED and current in UNSOLVED_STATUSES:
        raise DomainError(
            CaseError.UNSOLVED_CANNOT_CLOSE, _("A case cannot be closed before it is solved.")
        )
    raise DomainError(
        CaseError.TRANSITION_NOT_ALLOWED,
        _("A case cannot move from “%(current)s” to “%(target)s”.")
        % {"current": CaseStatus(current).label, "target": CaseStatus(target).label},
    )


def serves_division(user: User, division: Division) -> bool:
    """The user's agency is municipal or belongs to ``division``."""
    agency = user.agency
    return agency.is_municipal or agency.division_id == division.pk


def is_qualified_leader(user: User, division: Division) -> bool:
    """A head or deputy head of public security, municipal or of the case's district
    (every public-security agency on the platform is county level or above)."""
    return (
        user.is_active
        and user.agency.is_public_security
        and user.leader_post in LEADER_POSTS
        and serves_division(user, division)
    )


def check_leader(user: User, division: Division) -> None:
    if not is_qualified_leader(user, division):
        raise DomainError(
            CaseError.LEADER_NOT_QUALIFIED,
            _(
                "The task force leader must be the head or a deputy head of the municipal"
                " public security bureau or of the district's public security bureau."
            ),
        )


def is_qualified_member(user: User, division: Division) -> bool:
    """An active officer of public security, municipal or of the case's district (so
    that every member can see the case)."""
    return user.is_active and user.agency.is_public_security and serves_division(user, division)

"""Domain errors with stable codes, shared by services, views and the API."""

from __future__ import annotations

from enum import StrEnum


class DomainError(Exception):
    """A business rule refused the operation. ``code`` is stable; ``message`` is for people."""

    def __init__(self, code: StrEnum | str, message: str = "", *, status: int = 400) -> None:
        self.code = str(code)
        self.message = message or self.code
        self.status = status
        super().__init__(f"{self.code}: {self.message}")


class AccountError(StrEnum):
    SEPARATION_OF_DUTIES = "separation_of_duties"
    SELF_ROLE_CHANGE = "self_role_change"
    UNKNOWN_ROLE = "unknown_role"
    AGENCY_REQUIRED = "agency_required"
    NO_UNIT_HEAD = "no_unit_head"
    LINK_INVALID = "signin_link_invalid"
    NOT_YOURS = "not_yours"


class ActorError(StrEnum):
    """Refusals of the actor a service checks (the same codes in every module)."""

    NOT_PUBLIC_SECURITY = "not_public_security"
    MISSING_PERMISSION = "missing_permission"
    NOT_YOUR_UNIT = "not_your_unit"
    OUT_OF_AREA = "out_of_area"


class WorkflowError(StrEnum):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"


class AuditError(StrEnum):
    WRITE_FAILED = "audit_write_failed"


class AuditWriteError(RuntimeError):
    """The audit event could not be written; the surrounding operation must fail."""


class IntegrityFailure(RuntimeError):
    """A stored ciphertext or MAC failed verification (DP-02)."""

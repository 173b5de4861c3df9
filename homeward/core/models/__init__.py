from homeward.core.models.accounts import (
    BreakGlass,
    ExportApproval,
    RoleAssignment,
    RoleRequest,
    SecurityNotice,
    SignInLink,
    User,
)
from homeward.core.models.agencies import Agency
from homeward.core.models.audit import AuditChainHead, AuditEvent
from homeward.core.models.places import Division, Township
from homeward.core.models.tick import Lease, TickRun

__all__ = [
    "Agency",
    "BreakGlass",
    "ExportApproval",
    "AuditChainHead",
    "AuditEvent",
    "Division",
    "Lease",
    "RoleAssignment",
    "RoleRequest",
    "SecurityNotice",
    "SignInLink",
    "TickRun",
    "Township",
    "User",
]

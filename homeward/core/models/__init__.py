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
from homeward.core.models.audit import (
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    KeyFingerprint,
)
from homeward.core.models.places import Division, Township
from homeward.core.models.policy import PolicySetting
from homeward.core.models.tick import Lease, TickRun

__all__ = [
    "Agency",
    "BreakGlass",
    "ExportApproval",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "Division",
    "KeyFingerprint",
    "Lease",
    "PolicySetting",
    "RoleAssignment",
    "RoleRequest",
    "SecurityNotice",
    "SignInLink",
    "TickRun",
    "Township",
    "User",
]

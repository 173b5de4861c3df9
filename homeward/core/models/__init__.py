from homeward.core.models.accounts import RoleAssignment, RoleRequest, SignInLink, User
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
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "Division",
    "KeyFingerprint",
    "Lease",
    "PolicySetting",
    "RoleAssignment",
    "RoleRequest",
    "SignInLink",
    "TickRun",
    "Township",
    "User",
]

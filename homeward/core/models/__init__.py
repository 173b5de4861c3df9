from homeward.core.models.accounts import RoleAssignment, User
from homeward.core.models.agencies import Agency
from homeward.core.models.audit import AuditChainHead, AuditEvent
from homeward.core.models.places import Division, Township
from homeward.core.models.policy import PolicySetting
from homeward.core.models.tick import Lease, TickRun

__all__ = [
    "Agency",
    "AuditChainHead",
    "AuditEvent",
    "Division",
    "Lease",
    "PolicySetting",
    "RoleAssignment",
    "TickRun",
    "Township",
    "User",
]

"""Shipping the audit trail to a separate log system (SECURITY.md AUD-04).

Every event is shipped once, after its transaction committed and the chaining step
gave it its place in the chain (so the log host receives ``seq`` and ``hash`` and can
tell a gap), as one JSON line on the logger ``homeward.audit.events``; the signed
anchors go out on ``homeward.audit.anchor``. With ``HOMEWARD_AUDIT_SYSLOG`` set, both
loggers are sent to syslog — ``/dev/log`` reaches journald and rsyslog on the same
machine, ``host:port`` a remote collector over UDP — through :class:`AuditSyslogHandler`.
The format is documented in ``docs/audit.md``.

Shipping never holds up or fails the audited action: it runs after commit, and a
logging error is reported by the logging system, not raised.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import socket
from collections.abc import Iterable, Mapping
from typing import Any

events_logger = logging.getLogger("homeward.audit.events")

FORMAT_VERSION = 1
SYSLOG_TAG = "homeward-audit"


def event_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The shipped form of one chained event (docs/audit.md, 'Shipped events')."""
    return {
        "v": FORMAT_VERSION,
        "seq": row["seq"],
        "at": row["created_at"].isoformat(),
        "actor": row["actor_username"],
        "actor_id": row["actor_id"],
        "agency": row["agency_code"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "outcome": row["outcome"],
        "request_id": row["request_id"],
        "source_ip": row["source_ip"],
        "detail": row["detail"],
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
    }


def ship_events(rows: Iterable[Mapping[str, Any]]) -> None:
    if not events_logger.isEnabledFor(logging.INFO):
        return
    for row in rows:
        line = json.dumps(event_record(row), ensure_ascii=True, sort_keys=True, default=str)
        events_logger.info("%s", line)


def _address(target: str) -> str | tuple[str, int]:
    if target.startswith("/"):
        return target
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"HOMEWARD_AUDIT_SYSLOG {target!r}: expected /path/to/socket or host:port")
    return host, int(port)


class AuditSyslogHandler(logging.handlers.SysLogHandler):
    """Syslog (RFC 3164 framing, facility ``authpriv``) of the audit loggers: each
    message is ``homeward-audit: <one JSON object>`` — JSON escapes CR and LF, so a
    value cannot forge a line. ``/dev/log`` is journald's and rsyslog's local socket."""

    def __init__(self, target: str) -> None:
        address = _address(target)
        super().__init__(
            address=address,
            facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
            socktype=socket.SOCK_DGRAM,
        )
        self.ident = f"{SYSLOG_TAG}: "
        self.setFormatter(logging.Formatter("%(message)s"))


def logging_config(target: str) -> dict[str, Any]:
    """The LOGGING entries that send the audit loggers to ``target`` (empty: none)."""
    if not target:
        return {}
    return {
        "handlers": {"audit_syslog": {"()": AuditSyslogHandler, "target": target}},
        "loggers": {
            "homeward.audit.events": {
                "handlers": ["audit_syslog"],
                "level": "INFO",
                "propagate": False,
            },
            "homeward.audit.anchor": {"handlers": ["audit_syslog"], "level": "INFO"},
        },
    }

"""AUD-04: every audit event reaches a separate log system once, in the documented
format (docs/audit.md), through a real syslog datagram socket."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from homeward.core.audit import audit_checkpoint, audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.audit_shipping import AuditSyslogHandler, logging_config
from homeward.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def collector() -> Iterator[tuple[socket.socket, str]]:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(2)
    yield receiver, f"127.0.0.1:{receiver.getsockname()[1]}"
    receiver.close()


@pytest.fixture
def shipped_to(collector: tuple[socket.socket, str]) -> Iterator[AuditSyslogHandler]:
    handler = AuditSyslogHandler(collector[1])
    loggers = [logging.getLogger(n) for n in ("homeward.audit.events", "homeward.audit.anchor")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)
    handler.close()


def _received(receiver: socket.socket, count: int) -> list[str]:
    return [receiver.recv(65536).decode() for _ in range(count)]


def test_each_event_is_shipped_once_with_its_place_in_the_chain(
    owner: User,
    collector: tuple[socket.socket, str],
    shipped_to: AuditSyslogHandler,
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.AUDIT_ANCHOR_DIR = tmp_path
    receiver, _ = collector
    # given three events committed by a request, one with a line break in a value
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            audit_record(
                actor=owner, action=AuditAction.READ, object_type="x", object_id=f"{n}\r\nFAKE"
            )
    # then the collector received three syslog lines in the documented format
    lines = _received(receiver, 3)
    records = []
    for line in lines:
        assert line.startswith("<")  # syslog priority (authpriv.info)
        assert "homeward-audit: {" in line
        assert "\n" not in line.rstrip("\x00") and "\r" not in line
        records.append(json.loads(line.split("homeward-audit: ", 1)[1].rstrip("\x00")))
    events = list(AuditEvent.objects.order_by("seq"))
    assert [r["seq"] for r in records] == [e.seq for e in events]
    assert [r["hash"] for r in records] == [e.hash for e in events]
    assert records[1]["prev_hash"] == records[0]["hash"]
    assert records[0]["object_id"] == "0\r\nFAKE"  # carried, escaped by JSON
    assert set(records[0]) == {
        "v", "seq", "at", "actor", "actor_id", "agency", "action", "object_type",
        "object_id", "outcome", "request_id", "source_ip", "detail", "prev_hash", "hash",
    }  # fmt: skip
    # and the anchor of a checkpoint is shipped too
    checkpoint = audit_checkpoint(force=True)
    assert checkpoint is not None
    (anchor_line,) = _received(receiver, 1)
    assert checkpoint.hash in anchor_line and checkpoint.signature in anchor_line


def test_events_are_not_logged_to_the_console_unless_shipped() -> None:
    assert not logging.getLogger("homeward.audit.events").isEnabledFor(logging.INFO)


def test_the_syslog_setting_wires_the_audit_loggers() -> None:
    config = logging_config("/dev/log")
    assert set(config["loggers"]) == {"homeward.audit.events", "homeward.audit.anchor"}
    assert logging_config("") == {}
    with pytest.raises(ValueError, match="HOMEWARD_AUDIT_SYSLOG"):
        AuditSyslogHandler("nonsense")

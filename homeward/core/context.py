"""Per-request context (request id, source address) that audit events carry."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    source_ip: str | None


_current: ContextVar[RequestContext | None] = ContextVar("homeward_request", default=None)


def current_request_context() -> RequestContext:
    context = _current.get()
    if context is None:
        return RequestContext(request_id="", source_ip=None)
    return context


def bind_request_context(*, source_ip: str | None) -> RequestContext:
    context = RequestContext(request_id=str(uuid.uuid4()), source_ip=source_ip)
    _current.set(context)
    return context


def clear_request_context() -> None:
    _current.set(None)

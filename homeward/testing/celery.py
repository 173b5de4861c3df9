"""Change the Celery configuration for a test.

The app reads Django settings under the ``CELERY_`` namespace, and values found there win
over plain assignments such as ``app.conf.task_always_eager = False`` (which silently do
nothing). This sets the namespaced keys and restores them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from homeward.celery import app


def _forget_routing() -> None:
    """The app caches its default queue, router and producer pool (with the broker
    connection) on first use; drop them so that changed settings take effect."""
    for name in ("default_queue", "queues", "router"):
        app.amqp.__dict__.pop(name, None)
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_conf(**values: Any) -> Iterator[None]:
    keys = {f"CELERY_{name.upper()}": value for name, value in values.items()}
    previous = {key: app.conf.get(key) for key in keys}
    for key, value in keys.items():
        app.conf[key] = value
    _forget_routing()
    try:
        for name, value in values.items():
            if app.conf[name] != value:
                raise RuntimeError(f"Celery setting {name} did not take")
        yield
    finally:
        for key, value in previous.items():
            app.conf[key] = value
        _forget_routing()

"""A real HTTP receiver for tests and benchmarks: a partner webhook, an SMS gateway, a
web push service or a cache, on 127.0.0.1 in a thread pool.

It records every request, answers with the next status of ``statuses`` (then 200), can
be slowed (``delay_seconds``) or held until released (``hold``), and counts what a real
gateway that honours idempotency keys would deliver: each message is identified by its
own key (``id`` of an SMS message or partner delivery, the ``Topic`` of a web push, else
the request's ``Idempotency-Key``). A key seen again is a *replay* (dropped, as the
gateway would); a recipient reached under two different keys is a *duplicate* — a
person who would get the same alert twice.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, *, delay_seconds: float = 0.0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.delay_seconds = delay_seconds
        # Set while requests may complete; clear it to hold every request in flight.
        self.released = threading.Event()
        self.released.set()
        self.in_flight = threading.Event()
        self.lock = threading.Lock()
        self.keys: Counter[str] = Counter()
        self.recipient_keys: dict[str, set[str]] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.in_flight.set()
                if receiver.delay_seconds:
                    time.sleep(receiver.delay_seconds)
                receiver.released.wait(120)
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.requests.append({"path": self.path, "headers": headers, "body": body})
                    if 200 <= status < 300:
                        receiver._count(headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    # --- counting ---------------------------------------------------------------------

    def _messages(self, headers: dict[str, str], body: bytes) -> list[tuple[str, str]]:
        """(key, recipient) of each message a request carries."""
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("messages"), list):
            return [(str(m.get("id")), str(m.get("to"))) for m in payload["messages"]]
        if isinstance(payload, dict) and isinstance(payload.get("deliveries"), list):
            return [(str(m.get("id")), str(m.get("recipient"))) for m in payload["deliveries"]]
        key = headers.get("topic") or headers.get("idempotency-key") or ""
        return [(key, headers.get("x-recipient", key))]

    def _count(self, headers: dict[str, str], body: bytes) -> None:
        for key, recipient in self._messages(headers, body):
            self.keys[key] += 1
            self.recipient_keys.setdefault(recipient, set()).add(key)

    @property
    def delivered(self) -> int:
        """Distinct messages a key-honouring gateway would have delivered."""
        with self.lock:
            return len(self.keys)

    @property
    def replays(self) -> int:
        """Resends of a key already received (dropped by a key-honouring gateway)."""
        with self.lock:
            return sum(n - 1 for n in self.keys.values())

    @property
    def duplicates(self) -> int:
        """Recipients reached under more than one key: people notified twice."""
        with self.lock:
            return sum(len(keys) - 1 for keys in self.recipient_keys.values())

    def recipients(self) -> set[str]:
        with self.lock:
            return set(self.recipient_keys)

    # --- lifecycle --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

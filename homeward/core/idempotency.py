"""Application HMACs and idempotency keys, one way for every module (issue 13).

Keyed digests that the platform stores to recognise something later — a partner's API
token, a retried submission's idempotency key, a payload — are made with a key of the
keyring (derived from its blind-index key), **not** ``SECRET_KEY``: rotating the Django
secret (sessions, CSRF) must not void every partner's token or every reporter's receipt.

- :func:`app_hmac` — the keyed digest of a value for one purpose (domain separated).
- :func:`idempotency_digest` — what a row stores for a client's idempotency key.
- :func:`check_replay` — a retry with the same key must carry the same payload; another
  payload is refused (409 ``idempotency_key_reused``) and reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from homeward.core.errors import DomainError
from homeward.core.keys import keyring

IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
_DERIVATION = b"homeward application hmac v1"


@lru_cache(maxsize=4)
def _app_key(blind_index_key: bytes) -> bytes:
    return hmac.new(blind_index_key, _DERIVATION, hashlib.sha256).digest()


def app_hmac(purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` for ``purpose`` under the keyring's application key (hex)."""
    key = _app_key(keyring().blind_index_key)
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def legacy_secret_key_hmac(message: str) -> str:
    """The digest older releases stored (HMAC under SECRET_KEY), for upgrading a stored
    digest the first time its owner presents the value; never used for new digests."""
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def idempotency_digest(scope: str, idempotency_key: str) -> str:
    return app_hmac(f"{scope}-idempotency", idempotency_key)


def payload_digest(scope: str, canonical_payload: str) -> str:
    return app_hmac(f"{scope}-payload", canonical_payload)


def check_replay(stored_payload_digest: str, payload: str) -> None:
    """Refuse a retry whose payload differs from the stored one's."""
    if not stored_payload_digest or not hmac.compare_digest(stored_payload_digest, payload):
        raise DomainError(
            IDEMPOTENCY_KEY_REUSED,
            _("This request was already sent with other content. Start a new one."),
            status=409,
        )

"""The VAPID key pair of web push (RFC 8292): made on first use, kept in ``var/``."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings


def vapid_private_key_path() -> Path:
    path = Path(settings.ALERT_VAPID_KEY_FILE)
    if not path.exists():
        from py_vapid import Vapid

        vapid = Vapid()
        vapid.generate_keys()
        path.parent.mkdir(parents=True, exist_ok=True)
        vapid.save_key(str(path))
        path.chmod(0o600)
    return path


def vapid_public_key() -> str:
    """The application server key a browser needs to subscribe (base64url, no padding)."""
    from py_vapid import Vapid

    vapid = Vapid.from_file(str(vapid_private_key_path()))
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

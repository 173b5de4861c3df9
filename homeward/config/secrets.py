"""Secrets that the embedded deployment generates once and keeps under ``var/``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def ensure_secret_key(path: Path) -> str:
    """Return the secret key stored at ``path``, creating it (mode 0600) if missing."""
    if path.exists():
        value = path.read_text(encoding="ascii").strip()
        if len(value) < 50:
            raise RuntimeError(f"{path} holds a secret key shorter than 50 characters")
        return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value)
    return value


def ensure_field_keys(path: Path) -> Path:
    """Create the embedded deployment's field-encryption key file (0600) if missing.

    Production sets HOMEWARD_FIELD_KEYS or points HOMEWARD_FIELD_KEYS_FILE at a
    file provisioned by its key management; nothing is generated there.
    """
    from homeward.crypto import generate_keyring_file

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generate_keyring_file(path)
    return path

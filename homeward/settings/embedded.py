"""The embedded deployment of `make run`: one machine, SQLite, in-process tasks.

Secrets that production takes from the environment are generated once into
``var/`` (mode 0600) so that a fresh checkout runs with no configuration.
"""

from __future__ import annotations

from homeward.config.secrets import ensure_field_keys, ensure_secret_key
from homeward.settings.base import *  # noqa: F403
from homeward.settings.base import HOMEWARD_FIELD_KEYS, HOMEWARD_FIELD_KEYS_FILE, VAR_DIR

SECRET_KEY = ensure_secret_key(VAR_DIR / "secret-key")
HOMEWARD_ENVIRONMENT = "embedded"
if not HOMEWARD_FIELD_KEYS:
    ensure_field_keys(HOMEWARD_FIELD_KEYS_FILE)

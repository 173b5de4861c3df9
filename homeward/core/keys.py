"""The field-encryption keyring, loaded from the environment or a key file."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from homeward.crypto import KeyConfigError, Keyring


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    """Return the configured keyring.

    ``HOMEWARD_FIELD_KEYS`` (with ``HOMEWARD_FIELD_KEY_ACTIVE`` and
    ``HOMEWARD_BLIND_INDEX_KEY``) wins; otherwise ``HOMEWARD_FIELD_KEYS_FILE``.
    Keys never live in the database or the repository.
    """
    try:
        if settings.HOMEWARD_FIELD_KEYS:
            return Keyring.from_spec(
                settings.HOMEWARD_FIELD_KEYS,
                active_key_id=settings.HOMEWARD_FIELD_KEY_ACTIVE,
                blind_index_key=settings.HOMEWARD_BLIND_INDEX_KEY,
            )
        path = settings.HOMEWARD_FIELD_KEYS_FILE
        if not path.exists():
            raise ImproperlyConfigured(
                f"No field-encryption keys: set HOMEWARD_FIELD_KEYS or create {path} "
                "(`python -m homeward.crypto init PATH`)."
            )
        return Keyring.from_file(path)
    except KeyConfigError as error:
        raise ImproperlyConfigured(f"Field-encryption keys are invalid: {error}") from error


def reset_keyring_cache() -> None:
    keyring.cache_clear()

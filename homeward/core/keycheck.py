"""The keyring must match the data (issue 19, keys and restore).

A database restored without its keys, or started with a regenerated key file, used to
start and then fail to decrypt every row (and silently miss every blind-index lookup),
while ``check`` and ``audit_verify`` passed. The database now holds a one-way
fingerprint of every key the data was written with — field-encryption keys by id, and
the blind-index key (from which the audit chain's keys are derived too) — and the
platform refuses to start when the configured keyring does not match them.

Fingerprints are ``HMAC-SHA256(key, "homeward key fingerprint v1")``: they identify a key
without revealing anything about it.

Where it runs: ``homeward.wsgi`` (gunicorn and ``manage.py serve``), the Celery worker
at start, ``manage.py check`` (error ``homeward.E010``), and after ``migrate``, which
records the fingerprints of a fresh database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from homeward.crypto import DecryptionError, Keyring, decrypt

logger = logging.getLogger("homeward.keys")

FIELD = "field"
BLIND_INDEX = "blind_index"
BLIND_INDEX_ID = "-"
_LABEL = b"homeward key fingerprint v1"


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, _LABEL, hashlib.sha256).hexdigest()


def configured_fingerprints(ring: Keyring) -> dict[tuple[str, str], str]:
    prints = {(FIELD, key_id): key_fingerprint(key) for key_id, key in ring.keys.items()}
    prints[(BLIND_INDEX, BLIND_INDEX_ID)] = key_fingerprint(ring.blind_index_key)
    return prints


def _name(purpose: str, key_id: str) -> str:
    return "the blind-index key" if purpose == BLIND_INDEX else f"field key {key_id!r}"


def _undecryptable_sample(ring: Keyring) -> str | None:
    """For a database without recorded fingerprints (written before they existed):
    the first encrypted column whose stored value the keyring cannot decrypt."""
    from homeward.core.fields import EncryptedTextField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            # The raw column: the ORM would decrypt (and fail) on the way out.
            table, column = model._meta.db_table, field.column
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {connection.ops.quote_name(column)} FROM "  # noqa: S608
                    f"{connection.ops.quote_name(table)} WHERE "
                    f"{connection.ops.quote_name(column)} <> '' LIMIT 1"
                )
                row = cursor.fetchone()
            if row is None:
                continue
            try:
                decrypt(ring, row[0], context=field.context)
            except DecryptionError:
                return field.context
    return None


def keyring_problems(ring: Keyring | None = None) -> list[str]:
    """Why the configured keyring does not match the data (empty: it does)."""
    from homeward.core.keys import keyring
    from homeward.core.models import KeyFingerprint

    ring = ring or keyring()
    configured = configured_fingerprints(ring)
    stored = {(row.purpose, row.key_id): row.fingerprint for row in KeyFingerprint.objects.all()}
    problems: list[str] = []
    for (purpose, key_id), recorded in sorted(stored.items()):
        current = configured.get((purpose, key_id))
        name = _name(purpose, key_id)
        if current is None:
            problems.append(
                f"the data was written with {name} (fingerprint {recorded[:12]}…), which the "
                "configured keyring does not hold"
            )
        elif not hmac.compare_digest(current, recorded):
            problems.append(
                f"{name} is not the key the data was written with (configured fingerprint "
                f"{current[:12]}…, recorded {recorded[:12]}…)"
            )
    if not stored:
        context = _undecryptable_sample(ring)
        if context is not None:
            problems.append(
                f"stored values of {context} cannot be decrypted with the configured keyring"
            )
    return problems


def keyring_record(*, audit: bool = True) -> int:
    """Record the fingerprint of every configured key the database does not know yet
    (a fresh database, a key added for rotation). Returns how many were recorded.
    ``audit=False`` for the set-up of a freshly migrated database."""
    from homeward.core.audit import audit_record
    from homeward.core.audit_actions import AuditAction
    from homeward.core.keys import keyring
    from homeward.core.models import KeyFingerprint

    configured = configured_fingerprints(keyring())
    recorded = 0
    with transaction.atomic():
        known = set(KeyFingerprint.objects.values_list("purpose", "key_id"))
        for (purpose, key_id), fingerprint in sorted(configured.items()):
            if (purpose, key_id) in known:
                continue
            KeyFingerprint.objects.create(
                purpose=purpose,
                key_id=key_id,
                fingerprint=fingerprint,
                recorded_at=timezone.now(),
            )
            if not audit:
                recorded += 1
                continue
            audit_record(
                actor=None,
                action=AuditAction.KEY_FINGERPRINT_RECORDED,
                object_type="core.keyfingerprint",
                object_id=f"{purpose}:{key_id}",
                detail={"fingerprint": fingerprint[:12]},
            )
            recorded += 1
    return recorded


def keyring_retire(key_ids: set[str]) -> int:
    """Forget the fingerprints of field keys no value is encrypted with any more
    (after ``rotate_field_keys``), so the old keys may leave the keyring."""
    from homeward.core.models import KeyFingerprint

    deleted, _ = KeyFingerprint.objects.filter(purpose=FIELD, key_id__in=key_ids).delete()
    return deleted


def keyring_startup_check() -> None:
    """Refuse to start when the keyring does not match the data; record new keys.

    Raises
    ------
    ImproperlyConfigured
        Naming each key that does not match and what to do.
    """
    try:
        problems = keyring_problems()
    except DatabaseError:
        # No database yet (before the first migrate): nothing to hold the keys against.
        return
    if problems:
        raise ImproperlyConfigured(refusal_message(problems))
    try:
        keyring_record()
    except DatabaseError:
        logger.warning("could not record key fingerprints", exc_info=True)


def refusal_message(problems: list[str]) -> str:
    return (
        "Homeward refuses to start: the configured keys do not match the data in the "
        "database — " + "; ".join(problems) + ". Restore the key file that was backed up "
        "with this database (HOMEWARD_FIELD_KEYS_FILE, or HOMEWARD_FIELD_KEYS and "
        "HOMEWARD_BLIND_INDEX_KEY) instead of generating new keys; see README, "
        "'Secrets to back up'."
    )

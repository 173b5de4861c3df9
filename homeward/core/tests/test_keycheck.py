"""The keyring must match the data (issue 19, keys and restore): fingerprints of every
key are stored in the database and a keyring that does not match them is refused at
start with a message that says why."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from homeward.core.keycheck import (
    keyring_problems,
    keyring_record,
    keyring_startup_check,
)
from homeward.core.keys import reset_keyring_cache
from homeward.core.models import AuditEvent, KeyFingerprint
from homeward.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

OTHER_KEY = base64.b64encode(b"another-field-key-0123456789abcd").decode()
OTHER_BLIND = base64.b64encode(b"another-blind-index-key-01234567").decode()


@pytest.fixture(autouse=True)
def _fresh_keyring() -> Iterator[None]:
    reset_keyring_cache()
    yield
    reset_keyring_cache()


def _keys(**changes: Any) -> Any:
    from django.conf import settings

    values = {
        "HOMEWARD_FIELD_KEYS": settings.HOMEWARD_FIELD_KEYS,
        "HOMEWARD_FIELD_KEY_ACTIVE": settings.HOMEWARD_FIELD_KEY_ACTIVE,
        "HOMEWARD_BLIND_INDEX_KEY": settings.HOMEWARD_BLIND_INDEX_KEY,
    }
    values.update(changes)
    return override_settings(**values)


def test_the_fingerprints_of_every_key_are_recorded_once() -> None:
    KeyFingerprint.objects.all().delete()
    assert keyring_record() == 2
    assert set(KeyFingerprint.objects.values_list("purpose", "key_id")) == {
        ("field", "t1"),
        ("blind_index", "-"),
    }
    assert AuditEvent.objects.filter(action="key_fingerprint_recorded").count() == 2
    assert keyring_record() == 0
    # a fingerprint identifies a key without being it
    stored = KeyFingerprint.objects.get(purpose="field").fingerprint
    assert base64.b64decode("dGVzdC1rZXktb25lLTAxMjM0NTY3ODlhYmNkZWYwMTI=").hex() not in stored
    keyring_startup_check()  # the matching keyring starts


def test_another_field_key_under_the_same_id_is_refused_at_start() -> None:
    keyring_record()
    # when the platform starts with a regenerated key of the same id
    with _keys(HOMEWARD_FIELD_KEYS=f"t1:{OTHER_KEY}"):
        reset_keyring_cache()
        with pytest.raises(ImproperlyConfigured) as refusal:
            keyring_startup_check()
        # then it refuses, saying which key and what to do
        message = str(refusal.value)
        assert "field key 't1' is not the key the data was written with" in message
        assert "Restore the key file" in message
        # and `manage.py check` reports the same error
        errors = [m for m in run_checks() if m.id == "homeward.E010"]
        assert len(errors) == 1


def test_a_missing_field_key_is_refused() -> None:
    keyring_record()
    with _keys(HOMEWARD_FIELD_KEYS=f"k9:{OTHER_KEY}", HOMEWARD_FIELD_KEY_ACTIVE="k9"):
        reset_keyring_cache()
        problems = keyring_problems()
    assert any("field key 't1'" in p and "does not hold" in p for p in problems)


def test_another_blind_index_key_is_refused() -> None:
    keyring_record()
    with _keys(HOMEWARD_BLIND_INDEX_KEY=OTHER_BLIND):
        reset_keyring_cache()
        with pytest.raises(ImproperlyConfigured, match="the blind-index key is not the key"):
            keyring_startup_check()


def test_a_database_without_fingerprints_is_checked_by_decrypting_a_value() -> None:
    # given data written before fingerprints existed
    KeyFingerprint.objects.all().delete()
    PersonFactory(id_number="500101201801010011")
    # when the platform starts with other keys
    with _keys(HOMEWARD_FIELD_KEYS=f"t1:{OTHER_KEY}"):
        reset_keyring_cache()
        with pytest.raises(ImproperlyConfigured, match="people.person.id_number cannot be"):
            keyring_startup_check()
        assert not KeyFingerprint.objects.exists()  # nothing recorded for the wrong keys
    # and with the right keys it starts and records them
    reset_keyring_cache()
    keyring_startup_check()
    assert KeyFingerprint.objects.count() == 2


def test_a_key_added_for_rotation_is_recorded_and_the_old_one_retired() -> None:
    from io import StringIO

    from django.core.management import call_command

    keyring_record()
    PersonFactory(id_number="500101201801010011")
    spec = f"t1:dGVzdC1rZXktb25lLTAxMjM0NTY3ODlhYmNkZWYwMTI=,t2:{OTHER_KEY}"
    with _keys(HOMEWARD_FIELD_KEYS=spec, HOMEWARD_FIELD_KEY_ACTIVE="t2"):
        reset_keyring_cache()
        keyring_startup_check()
        assert KeyFingerprint.objects.filter(key_id="t2").exists()
        call_command("rotate_field_keys", stdout=StringIO())
        assert not KeyFingerprint.objects.filter(key_id="t1").exists()
    # after the rotation the old key may leave the keyring
    with _keys(HOMEWARD_FIELD_KEYS=f"t2:{OTHER_KEY}", HOMEWARD_FIELD_KEY_ACTIVE="t2"):
        reset_keyring_cache()
        keyring_startup_check()

"""REL-03 restore drill (issue 17, issue 19 keys and restore): back up, wipe, restore
without the keys (refused, saying why), restore with them, and check rows per table,
the audit chain against its anchors and that encrypted fields decrypt. Runs on SQLite
(online backup API) and, in CI's PostgreSQL pass, with pg_dump/pg_restore."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from homeward.core.audit import audit_checkpoint, audit_record, audit_verify
from homeward.core.audit_actions import AuditAction
from homeward.core.backup import table_counts
from homeward.core.keycheck import keyring_startup_check
from homeward.core.keys import keyring, reset_keyring_cache
from homeward.crypto import generate_keyring_file
from homeward.people.models import Person
from homeward.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ID_NUMBERS = ["500101201801010011", "500103201205050022", "500240199912120033"]


@pytest.fixture
def key_file(settings: Any, tmp_path: Path) -> Any:
    # The keys in a file, as the embedded deployment keeps them.
    path = tmp_path / "var" / "field-keys.json"
    path.parent.mkdir()
    keyring().to_file(path)
    settings.HOMEWARD_FIELD_KEYS = ""
    settings.HOMEWARD_FIELD_KEYS_FILE = path
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    reset_keyring_cache()
    yield path
    reset_keyring_cache()


def test_backup_wipe_and_restore_drill(key_file: Path, tmp_path: Path) -> None:
    # given people with encrypted identity numbers and an anchored audit trail
    people = [PersonFactory(id_number=number) for number in ID_NUMBERS]
    for person in people:
        audit_record(actor=None, action=AuditAction.READ, obj=person)
    audit_checkpoint(force=True)
    before = table_counts()
    assert before["people_person"] >= 3 and before["core_auditevent"] >= 3

    # when it is backed up, with the keys in a directory of their own
    out = StringIO()
    call_command("backup", output=tmp_path / "backup", keys_output=tmp_path / "keys", stdout=out)
    assert "backup written" in out.getvalue()
    assert (tmp_path / "keys" / "field-keys.json").stat().st_mode & 0o077 == 0

    # and the database and the key file are lost
    call_command("flush", interactive=False, verbosity=0)
    key_file.unlink()
    assert not Person.objects.exists()

    # then a restore with newly generated keys (what a fresh embedded start does)
    # is refused, saying why
    generate_keyring_file(key_file)
    reset_keyring_cache()
    with pytest.raises(CommandError, match="restore checks FAILED"):
        call_command(
            "restore", input=tmp_path / "backup", yes=True, stdout=StringIO(), stderr=StringIO()
        )
    with pytest.raises(ImproperlyConfigured, match="is not the key the data was written with"):
        keyring_startup_check()

    # and a restore with the backed-up keys brings everything back
    out = StringIO()
    call_command("restore", input=tmp_path / "backup", keys=tmp_path / "keys", yes=True, stdout=out)
    assert "restored and checked" in out.getvalue()
    keyring_startup_check()
    after = table_counts()
    assert {t: n for t, n in after.items() if n != before[t]} == {}
    assert audit_verify() == []
    for person, number in zip(people, ID_NUMBERS, strict=True):
        assert Person.objects.get(pk=person.pk).id_number == number
    # the blind index still finds a person by ID number
    index = Person._meta.get_field("id_number").blind_index_of(ID_NUMBERS[1])  # type: ignore[attr-defined]
    assert Person.objects.get(id_number_index=index).pk == people[1].pk

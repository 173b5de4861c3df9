"""Re-encrypt every encrypted column under the active key (after adding a new key)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from homeward.core.fields import EncryptedTextField
from homeward.core.keycheck import keyring_record, keyring_retire
from homeward.core.keys import keyring


class Command(BaseCommand):
    help = (
        "Re-encrypt all encrypted fields under the active key id. Add the new key to the "
        "keyring and make it active first; old keys stay until this command has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        active = keyring().active_key_id
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            changed = 0
            with transaction.atomic():
                for obj in model._default_manager.select_for_update().only("pk", *names).iterator():
                    # Reading decrypts under whichever key wrote the value; saving
                    # encrypts under the active key.
                    obj.save(update_fields=names)
                    changed += 1
            total += changed
            self.stdout.write(f"{model._meta.label}: {changed} rows re-encrypted under {active}")
        # Every value is now under the active key: the database records the active
        # key's fingerprint and forgets the others, so the old keys may leave the
        # keyring without the start-up check refusing (core.keycheck).
        keyring_record()
        retired = set(keyring().keys) - {active}
        keyring_retire(retired)
        if retired:
            self.stdout.write(
                f"keys no longer used by any value: {', '.join(sorted(retired))} "
                "(they may now be removed from the keyring)"
            )
        self.stdout.write(self.style.SUCCESS(f"done: {total} rows"))

"""Model fields that encrypt personal data at rest (SECURITY.md DP-01, DP-02)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from homeward.core.errors import IntegrityFailure
from homeward.core.keys import keyring
from homeward.crypto import DecryptionError, blind_index, decrypt, encrypt


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored as an AES-GCM token bound to ``app.model.field``.

    With ``blind_index_field`` set, the HMAC blind index of the normalised value is
    written to that sibling column on every save, for exact lookup without
    decrypting (``Person.objects.filter(id_number_index=...)``).
    Reading a token that fails authentication raises :class:`IntegrityFailure`.
    """

    def __init__(self, *args: Any, blind_index_field: str | None = None, **kwargs: Any) -> None:
        self.blind_index_field = blind_index_field
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index_field:
            kwargs["blind_index_field"] = self.blind_index_field
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        try:
            return decrypt(keyring(), value, context=self.context)
        except DecryptionError as error:
            raise IntegrityFailure(f"{self.context} failed verification") from error

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(keyring(), str(value), context=self.context)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if self.blind_index_field:
            index = self.blind_index_of(value) if value else ""
            setattr(model_instance, self.blind_index_field, index)
        return value

    def blind_index_of(self, value: str) -> str:
        return blind_index(keyring(), value, context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertexts are randomised: only isnull/exact-empty make sense on the column.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)

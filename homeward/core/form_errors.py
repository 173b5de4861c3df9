"""Putting a service's refusal on the form that asked for it: field-level messages where
the error names a field, the rest above the fields."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from homeward.core.errors import DomainError


def apply_errors(
    form: forms.Form,
    error: ValidationError | DomainError,
    *,
    field_of_code: Mapping[str, str] | None = None,
) -> None:
    """Add ``error`` to ``form``. A :class:`DomainError` goes to the field its code maps
    to in ``field_of_code`` (or above the fields); a :class:`ValidationError` to its
    fields, or above the fields for names the form does not have."""
    if isinstance(error, DomainError):
        field = (field_of_code or {}).get(error.code)
        form.add_error(field if field in form.fields else None, error.message)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def error_text(error: ValidationError | DomainError) -> str:
    """One line for a message banner."""
    if isinstance(error, DomainError):
        return error.message
    return "; ".join(message for messages in error.message_dict.values() for message in messages)

"""Putting a service's refusal on the form that asked for it: field-level messages where
the error names a field, the rest above the fields.

A :class:`ValidationError` comes in three shapes — a dict of field errors, a list, or a
single message — and a :class:`DomainError` carries a stable code; every shape ends up
as readable text on the form or in a banner, never as an exception of its own."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from homeward.core.errors import DomainError
from homeward.core.form_messages import platform_errors


def field_messages(error: ValidationError) -> dict[str | None, list[str]]:
    """``{field name or None: [messages]}`` for any shape of ``error``; ``None`` is the
    form as a whole (Django's ``__all__``)."""
    if hasattr(error, "error_dict"):
        return {
            (None if name == NON_FIELD_ERRORS else name): list(messages)
            for name, messages in error.message_dict.items()
        }
    return {None: list(error.messages)}


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
    if hasattr(error, "error_dict"):
        # The ValidationError instances themselves (not their text), so that Django's
        # stock wording among them is recognised and replaced below.
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
    platform_errors(form)


def error_text(error: ValidationError | DomainError) -> str:
    """One line for a message banner."""
    if isinstance(error, DomainError):
        return error.message
    return "; ".join(message for messages in field_messages(error).values() for message in messages)

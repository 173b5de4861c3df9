"""Form fields every app's forms share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A picker of people: each shown by name and agency, never by login name (issue 12).

    The queryset should ``select_related("agency")``; the label reads it.
    """

    def label_from_instance(self, obj: Any) -> str:
        name = obj.full_name or obj.username
        agency = getattr(obj, "agency", None)
        return f"{name} · {agency.display_name}" if agency is not None else str(name)


def posted_int(data: Mapping[str, Any], name: str, default: int = 0) -> int:
    """A whole number a page posts back outside its form (a row id, a record version):
    ``default`` when it is missing or not a number, so a tampered or truncated post meets
    a 404 or a stale-version message instead of a 500."""
    raw = str(data.get(name, "") or "").strip()
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 18:
        return default
    return int(raw)

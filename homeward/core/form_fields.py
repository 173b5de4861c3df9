"""Form fields every app's forms share."""

from __future__ import annotations

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

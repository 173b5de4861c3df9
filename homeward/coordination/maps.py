"""The dashboard map: districts coloured by the state of their reporting and meetings."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString

from homeward.core.maps import banded_division_map


def status_map_svg(late: set[str], quiet: set[str], label: str) -> SafeString:
    """band-4: a report overdue; band-2: no meeting this year; band-0: in order."""
    bands = {code: 2 for code in quiet} | {code: 4 for code in late}
    return banded_division_map(bands, href=reverse("coordination:dashboard"), label=label)

"""The overview map: the 38 districts shaded by the number of overdue visits."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from homeward.core.maps import banded_division_map
from homeward.core.models import Division

# Overdue visits → shade band (0: none, 4: many).
BANDS = (0, 1, 5, 20, 50)


def band(count: int) -> int:
    return max(i for i, floor in enumerate(BANDS) if count >= floor)


def overdue_map_svg(counts: dict[str, int], highlight: str | None, label: str) -> SafeString:
    divisions = list(Division.objects.order_by("code"))
    titles = {
        d.code: _("%(district)s: %(count)s overdue visits")
        % {"district": d.display_name, "count": counts.get(d.code, 0)}
        for d in divisions
    }
    return banded_division_map(
        {d.code: band(counts.get(d.code, 0)) for d in divisions},
        href=reverse("prevention:overview"),
        label=label,
        titles=titles,
        highlight=highlight,
    )

"""The overview map: the 38 districts shaded by the number of overdue visits."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from homeward.core.maps import _geometries
from homeward.core.models import Division
from homeward.geotarget import MapRegion, render_svg_map

# Overdue visits → shade band (0: none, 4: many).
BANDS = (0, 1, 5, 20, 50)


def band(count: int) -> int:
    return max(i for i, floor in enumerate(BANDS) if count >= floor)


def overdue_map_svg(counts: dict[str, int], highlight: str | None, label: str) -> SafeString:
    geometries = _geometries()
    regions = [
        MapRegion(
            code=d.code,
            label=d.display_name,
            geometry=geometries[d.code],
            href=reverse("prevention:overview"),
            css_class=f"band-{band(counts.get(d.code, 0))}",
            title=_("%(district)s: %(count)s overdue visits")
            % {"district": d.display_name, "count": counts.get(d.code, 0)},
        )
        for d in Division.objects.order_by("code")
    ]
    # render_svg_map escapes every label, title and attribute.
    return mark_safe(render_svg_map(regions, highlight=highlight, aria_label=label))  # noqa: S308

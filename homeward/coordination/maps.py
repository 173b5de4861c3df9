"""The dashboard map: districts coloured by the state of their reporting and meetings."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from homeward.core.maps import _geometries
from homeward.core.models import Division
from homeward.geotarget import MapRegion, render_svg_map


def status_map_svg(late: set[str], quiet: set[str], label: str) -> SafeString:
    """band-4: a report overdue; band-2: no meeting this year; band-0: in order."""
    geometries = _geometries()
    regions = []
    for division in Division.objects.order_by("code"):
        band = 4 if division.code in late else 2 if division.code in quiet else 0
        regions.append(
            MapRegion(
                code=division.code,
                label=division.display_name,
                geometry=geometries[division.code],
                href=reverse("coordination:dashboard"),
                css_class=f"band-{band}",
            )
        )
    # render_svg_map escapes every label and attribute.
    return mark_safe(render_svg_map(regions, aria_label=label))  # noqa: S308

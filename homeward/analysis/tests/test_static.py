"""Plotly is served from the installed package (no CDN) with its global rules as a
static stylesheet (strict CSP): both are found by the static files finders."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders

from homeward.analysis.plotly_css import plotly_global_css
from homeward.analysis.staticfiles import PLOTLY_STATIC_PATH, plotly_js_path


def test_plotly_js_is_found_in_the_installed_package() -> None:
    found = finders.find(PLOTLY_STATIC_PATH)
    assert found is not None and Path(str(found)) == plotly_js_path()
    assert Path(str(found)).stat().st_size > 1_000_000


def test_the_plotly_stylesheet_matches_the_installed_plotly() -> None:
    shipped = finders.find("analysis/plotly-csp.css")
    assert shipped is not None
    expected = plotly_global_css(plotly_js_path().read_text(encoding="utf-8"))
    assert Path(str(shipped)).read_text(encoding="utf-8") == expected
    assert ".js-plotly-plot .plotly .modebar" in expected


def test_collectstatic_lists_plotly_under_the_vendor_folder() -> None:
    from homeward.analysis.staticfiles import PlotlyFinder

    listed = [
        f"{getattr(storage, 'prefix', '')}/{path}" for path, storage in PlotlyFinder().list([])
    ]
    assert listed == [PLOTLY_STATIC_PATH]


def test_the_pages_carry_the_guards_of_plotlys_inline_styles() -> None:
    from homeward.analysis.plotly_css import inline_style_guards
    from homeward.analysis.templatetags.analysis_charts import plotly_style_guards

    guards = inline_style_guards(plotly_js_path().read_text(encoding="utf-8"))
    html = str(plotly_style_guards())
    assert guards  # maplibre's stylesheet, in plotly.js 4.1
    assert all(f'id="{guard}"' in html for guard in guards)
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in html

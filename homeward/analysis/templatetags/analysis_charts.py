"""``{% plotly_style_guards %}``: the elements that keep plotly.js from adding ``<style>``
elements, which the strict Content-Security-Policy forbids (homeward.analysis.plotly_css)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@lru_cache(maxsize=1)
def _guards() -> tuple[str, ...]:
    from homeward.analysis.plotly_css import inline_style_guards
    from homeward.analysis.staticfiles import plotly_js_path

    return tuple(inline_style_guards(plotly_js_path().read_text(encoding="utf-8")))


@register.simple_tag
def plotly_style_guards() -> SafeString:
    stylesheet = format_html(
        '<link id="plotly.js-style-global" class="no-inline-styles" rel="stylesheet" href="{}">',
        static("analysis/plotly-csp.css"),
    )
    placeholders = format_html_join("", '<span id="{}" hidden></span>', ((g,) for g in _guards()))
    return SafeString(stylesheet + placeholders)

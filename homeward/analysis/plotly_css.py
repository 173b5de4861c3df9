"""Plotly's global style rules as a static stylesheet, for a strict Content-Security-Policy.

plotly.js inserts its global rules (the mode bar, hover labels, notifier) into a
``<style>`` element it creates, which ``style-src 'self'`` forbids. It skips that when
an element ``#plotly.js-style-global.no-inline-styles`` is on the page (plotly.js PR
7109), so the pages link this stylesheet with that id and class. The rules are read out
of the installed ``plotly.min.js`` by :func:`plotly_global_css` (the same replacement
of ``X`` and ``Y`` plotly.js does); ``static/analysis/plotly-csp.css`` is its output,
and a test fails when an upgrade of plotly changes them.
"""

from __future__ import annotations

import re

_OBJECT_START = re.compile(r'=\{"X,X div":')
_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)":(\'(?:[^\'\\]|\\.)*\'|"(?:[^"\\]|\\.)*")')


def plotly_global_css(source: str) -> str:
    """The stylesheet of plotly.js's global rules, from the text of ``plotly.min.js``."""
    match = _OBJECT_START.search(source)
    if match is None:
        raise ValueError("plotly.js global style rules not found")
    start = match.start() + 1
    end = source.index("};for(", start)
    rules = []
    for key, value in _PAIR.findall(source[start : end + 1]):
        selector = (
            re.sub(r"^,", " ,", key)
            .replace("X", ".js-plotly-plot .plotly")
            .replace("Y", ".plotly-notifier")
        )
        rules.append(f"{selector}{{{value[1:-1]}}}")
    return (
        "/* Generated from plotly.min.js by homeward.analysis.plotly_css. */\n"
        + "\n".join(rules)
        + "\n"
    )


def main() -> None:  # pragma: no cover (a maintenance command)
    from pathlib import Path

    from homeward.analysis.staticfiles import plotly_js_path

    target = Path(__file__).parent / "static" / "analysis" / "plotly-csp.css"
    target.write_text(plotly_global_css(plotly_js_path().read_text(encoding="utf-8")))


_STYLE_GUARD = re.compile(
    r'document\.getElementById\("([0-9a-f]{32,64})"\)\)\{var \w+=document\.createElement\("style"\)'
)


def inline_style_guards(source: str) -> list[str]:
    """Ids of the ``<style>`` elements plotly.js's bundled modules (maplibre's CSS) add at
    load unless an element with that id is already on the page. The pages put an empty
    element with each id there: the analysis charts draw no maps, and the strict CSP
    would block the ``<style>``."""
    return sorted(set(_STYLE_GUARD.findall(source)))


if __name__ == "__main__":  # pragma: no cover
    main()

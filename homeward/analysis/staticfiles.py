"""Serve Plotly's bundled ``plotly.min.js`` from the installed ``plotly`` package as the
static file ``homeward/vendor/plotly.min.js``: no CDN (the platform runs offline), no
copy of a 4.8 MB file in the repository, and ``collectstatic`` picks it up like any
other static file (whitenoise serves it with the rest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "homeward/vendor/plotly.min.js"


def plotly_js_path() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


class PlotlyFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[Any]:
        from django.core import checks

        if not plotly_js_path().is_file():
            return [
                checks.Error(
                    "plotly.min.js is missing from the installed plotly package",
                    id="analysis.E001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path == PLOTLY_STATIC_PATH:
            found = str(plotly_js_path())
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        source = plotly_js_path()
        storage = _PrefixedStorage(location=str(source.parent))
        yield source.name, storage


class _PrefixedStorage(FileSystemStorage):
    """The package directory, presented under ``homeward/vendor/`` to collectstatic."""

    prefix = "homeward/vendor"

"""Lines an optional app adds to the start-up banner of ``manage.py serve``.

The demo app registers its accounts here from its ``ready()``; core never imports the
demo (it is not installed in production, and an import-linter contract forbids it)."""

from __future__ import annotations

from collections.abc import Callable

_BANNERS: list[Callable[[], str]] = []


def register_banner(banner: Callable[[], str]) -> None:
    if banner not in _BANNERS:
        _BANNERS.append(banner)


def banner_text() -> str:
    """The text of every registered banner, in registration order (empty ones left out)."""
    return "\n".join(text for text in (banner() for banner in _BANNERS) if text)

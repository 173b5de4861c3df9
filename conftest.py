"""Shared fixtures: persona users and factories (CONVENTIONS.md habit 9)."""

from __future__ import annotations

pytest_plugins = ["homeward.testing.fixtures"]

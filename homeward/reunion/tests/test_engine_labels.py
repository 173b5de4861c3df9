"""Every level the linkage engine can give a candidate has a reason in Chinese."""

from __future__ import annotations

from django.utils import translation

from homeward.linkage.comparisons import COMPARISONS
from homeward.reunion import engine


def test_every_level_of_every_comparison_has_a_reason() -> None:
    missing = [
        (comparison.name, level)
        for comparison in COMPARISONS
        for level in comparison.levels[1:]
        if (comparison.name, level) not in engine.LEVEL_LABELS
    ]
    assert missing == []


def test_the_reasons_are_translated() -> None:
    untranslated = []
    for name, level in engine.LEVEL_LABELS:
        with translation.override("en"):
            english = engine.level_label(name, level)
        with translation.override("zh-hans"):
            chinese = engine.level_label(name, level)
        if chinese == english:
            untranslated.append((name, level))
    assert untranslated == []

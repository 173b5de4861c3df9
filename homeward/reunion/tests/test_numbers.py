"""A candidate's probability is never printed as a certainty."""

from __future__ import annotations

import pytest

from homeward.reunion.templatetags.reunion_numbers import probability


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (0.99999, 3, "> 0.999"),
        (1.0, 3, "> 0.999"),
        (0.9994, 3, "0.999"),
        (0.5, 3, "0.500"),
        (0.0001, 3, "< 0.001"),
        (0.99992, 4, "0.9999"),
        (0.999999, 4, "> 0.9999"),
        (None, 3, ""),
        ("x", 3, ""),
    ],
)
def test_probability(value: object, digits: int, shown: str) -> None:
    assert probability(value, digits) == shown

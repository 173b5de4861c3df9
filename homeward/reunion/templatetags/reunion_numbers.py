"""How a candidate's probability is printed: never as certainty (issue 14)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def probability(value: object, digits: int = 3) -> str:
    """``value`` with ``digits`` decimals, but a value that would round to 1 (or to 0)
    reads "> 0.999" ("< 0.001"): a ranking of field evidence is never a certainty, and
    only DNA confirms a family."""
    if value is None:
        return ""
    try:
        number = float(str(value))
    except ValueError:
        return ""
    step = 10.0**-digits
    if number >= 1 - step / 2:
        return f"> {1 - step:.{digits}f}"
    if number < step / 2:
        return f"< {step:.{digits}f}"
    return f"{number:.{digits}f}"

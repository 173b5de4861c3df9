"""Decision bands (Chinese parentage rules, FORMULAS.md section 5) and exclusion power.

Bands, in order of evaluation:

* ``INSUFFICIENT_LOCI`` - fewer loci compared than the minimum for the shape. No opinion
  is given. Default minimum 19 for every shape. 19 STRs is the standard Goldeneye-20A-type
  panel of the Chinese specification. On the Chinese Appendix D table it is also the
  smallest standard panel whose duo CPE reaches the 0.9999 system-power rule (0.999993;
  Identifiler's 15 loci reach only 0.99977).
* ``SUPPORTS`` - CPI >= 10,000 (W >= 99.99%) with fewer than 3 inconsistent loci.
* ``EXCLUDES`` - CPI < 0.0001 with >= 3 inconsistent loci.
* ``INCONCLUSIVE`` - anything else: add loci or test the other parent, and retest.

Refusing ``SUPPORTS`` at >= 3 inconsistent loci is an engine reading [inferred]: the rules
treat 3 inconsistent loci as grounds for exclusion, so they cannot also support parentage.
In a database search a band is only a screening label. Confirmation needs re-testing with
more loci (FORMULAS.md section 5, last paragraph).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal

Shape = Literal["duo", "trio", "couple"]


class Decision(StrEnum):
    """Named decision bands."""

    SUPPORTS = "SUPPORTS"
    EXCLUDES = "EXCLUDES"
    INCONCLUSIVE = "INCONCLUSIVE"
    INSUFFICIENT_LOCI = "INSUFFICIENT_LOCI"


@dataclass(frozen=True)
class DecisionRules:
    """Thresholds of the decision bands.

    Attributes
    ----------
    support_cpi : float
        CPI at or above which parentage is supported (10,000).
    exclude_cpi : float
        CPI below which parentage may be excluded (0.0001).
    exclude_min_inconsistent : int
        Inconsistent loci needed to exclude (3); at this many, support is refused.
    min_loci_duo, min_loci_trio, min_loci_couple : int
        Minimum loci compared before any decision (19 each).
    required_cpe : float
        System-power rule, reported as met or not (0.9999); not a band by itself.
    """

    support_cpi: float = 10_000.0
    exclude_cpi: float = 1e-4
    exclude_min_inconsistent: int = 3
    min_loci_duo: int = 19
    min_loci_trio: int = 19
    min_loci_couple: int = 19
    required_cpe: float = 0.9999

    def min_loci(self, shape: Shape) -> int:
        """Minimum compared loci for ``shape``."""
        return {"duo": self.min_loci_duo, "trio": self.min_loci_trio}.get(
            shape, self.min_loci_couple
        )

    def as_dict(self) -> dict[str, object]:
        """Plain-data description for provenance records."""
        return {
            "support_cpi": self.support_cpi,
            "exclude_cpi": self.exclude_cpi,
            "exclude_min_inconsistent": self.exclude_min_inconsistent,
            "min_loci": {
                "duo": self.min_loci_duo,
                "trio": self.min_loci_trio,
                "couple": self.min_loci_couple,
            },
            "required_cpe": self.required_cpe,
        }


def decide(
    log10_cpi: float, inconsistent: int, loci_compared: int, shape: Shape, rules: DecisionRules
) -> Decision:
    """Decision band of a combined result.

    Parameters
    ----------
    log10_cpi : float
        log10 of the combined index (``-inf`` for 0).
    inconsistent : int
        Number of loci inconsistent with inheritance.
    loci_compared : int
        Number of loci that entered the combined index.
    shape : {"duo", "trio", "couple"}
    rules : DecisionRules

    Examples
    --------
    >>> r = DecisionRules()
    >>> decide(4.0, 0, 19, "duo", r), decide(3.99, 0, 19, "duo", r)
    (<Decision.SUPPORTS: 'SUPPORTS'>, <Decision.INCONCLUSIVE: 'INCONCLUSIVE'>)
    >>> decide(-4.5, 3, 19, "duo", r), decide(-4.5, 2, 19, "duo", r)
    (<Decision.EXCLUDES: 'EXCLUDES'>, <Decision.INCONCLUSIVE: 'INCONCLUSIVE'>)
    >>> decide(9.0, 0, 18, "duo", r)
    <Decision.INSUFFICIENT_LOCI: 'INSUFFICIENT_LOCI'>
    """
    if loci_compared < rules.min_loci(shape):
        return Decision.INSUFFICIENT_LOCI
    if log10_cpi >= math.log10(rules.support_cpi) and (
        inconsistent < rules.exclude_min_inconsistent
    ):
        return Decision.SUPPORTS
    if log10_cpi < math.log10(rules.exclude_cpi) and (
        inconsistent >= rules.exclude_min_inconsistent
    ):
        return Decision.EXCLUDES
    return Decision.INCONCLUSIVE


def probability_of_parentage(log10_cpi: float) -> float:
    """``W = CPI / (CPI + 1)`` (prior 1/2), computed stably from log10 CPI.

    Examples
    --------
    >>> round(probability_of_parentage(4.0), 8)
    0.99990001
    >>> probability_of_parentage(float("-inf"))
    0.0
    """
    if log10_cpi == -math.inf:
        return 0.0
    if log10_cpi > 300:
        return 1.0
    return 1.0 / (1.0 + math.pow(10.0, -log10_cpi))


def exclusion_power_duo(frequencies: Sequence[float]) -> float:
    """Duo PE: ``sum p_i^2 (1-p_i)^2 + sum_{i<j} 2 p_i p_j (1 - p_i - p_j)^2`` (3.4).

    Parameters
    ----------
    frequencies : sequence of float
        Allele frequencies of the locus (a distribution).

    Examples
    --------
    >>> round(exclusion_power_duo([0.1, 0.9]), 10)  # forrel test-exclusion.R
    0.0162
    """
    p = list(frequencies)
    total = sum(x * x * (1.0 - x) ** 2 for x in p)
    for i in range(len(p)):
        for j in range(i + 1, len(p)):
            total += 2.0 * p[i] * p[j] * (1.0 - p[i] - p[j]) ** 2
    return total


def exclusion_power_trio(frequencies: Sequence[float]) -> float:
    """Trio PE: ``sum p_i (1-p_i)^2 - 1/2 sum_{i!=j} p_i^2 p_j^2 (4 - 3p_i - 3p_j)`` (3.4).

    Examples
    --------
    >>> round(exclusion_power_trio([0.5, 0.5]), 6)
    0.1875
    """
    p = list(frequencies)
    first = sum(x * (1.0 - x) ** 2 for x in p)
    second = 0.0
    for i in range(len(p)):
        for j in range(len(p)):
            if i != j:
                second += p[i] ** 2 * p[j] ** 2 * (4.0 - 3.0 * p[i] - 3.0 * p[j])
    return first - 0.5 * second


@lru_cache(maxsize=4096)
def locus_exclusion_power(frequencies: tuple[float, ...], shape: Shape) -> float:
    """Cached PE of a locus: trio formula for ``trio`` and ``couple``, duo formula for ``duo``."""
    if shape == "duo":
        return exclusion_power_duo(frequencies)
    return exclusion_power_trio(frequencies)


def cumulative_exclusion_power(powers: Iterable[float]) -> float:
    """``CPE = 1 - prod (1 - PE_l)``.

    Examples
    --------
    >>> cumulative_exclusion_power([0.5, 0.5])
    0.75
    """
    remaining = 1.0
    for power in powers:
        remaining *= 1.0 - power
    return 1.0 - remaining

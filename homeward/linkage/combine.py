"""Non-genetic evidence and the DNA likelihood ratio as one posterior.

In the framing of ``mispitools`` (Marsico et al. 2023, *Forensic Science
International: Genetics* 64), the hypotheses are H1 "the found person is the child this
family seeks" and H2 "unrelated"; every line of evidence gives a likelihood ratio and,
if the lines are independent given the hypothesis, the ratios multiply:

    posterior odds = prior odds × LR(names, age, marks, …) × LR(DNA)

The non-genetic LR is the Fellegi–Sunter Bayes factor (2 ** match weight). The prior is
the probability that a given found person is the sought one before any evidence: the
prior that the child is among the N found persons, spread evenly, p / N.

Examples
--------
>>> e = combine(field_bits={"name": 3.0, "age": 2.0}, log10_lr_dna=4.0, prior=1e-3)
>>> round(e.log10_lr_fields, 3), round(e.log10_lr_total, 3), round(e.posterior, 4)
(1.505, 5.505, 0.9969)
>>> combine(field_bits={"sex": -7.0}, log10_lr_dna=None, prior=0.01).posterior < 0.001
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

LOG10_2 = math.log10(2.0)


@dataclass(frozen=True)
class Evidence:
    prior: float
    log10_lr_fields: float
    log10_lr_dna: float | None
    log10_lr_total: float
    posterior: float
    # log10 LR per field, and "dna" when there is a DNA result.
    contributions: Mapping[str, float] = field(default_factory=dict)


def posterior_from(prior: float, log10_lr: float) -> float:
    """P(H1 | evidence) from P(H1) and log10 LR, without overflow."""
    if not 0.0 < prior < 1.0:
        raise ValueError("the prior must lie strictly between 0 and 1")
    log10_odds = math.log10(prior) - math.log10(1.0 - prior) + log10_lr
    if log10_odds > 300:
        return 1.0
    if log10_odds < -300:
        return 0.0
    odds = float(10.0**log10_odds)
    return odds / (1.0 + odds)


def combine(
    *, field_bits: Mapping[str, float], log10_lr_dna: float | None, prior: float
) -> Evidence:
    """One posterior from each field's weight (bits) and the DNA log10 LR (or None)."""
    contributions = {name: bits * LOG10_2 for name, bits in field_bits.items()}
    fields_total = sum(contributions.values())
    total = fields_total + (log10_lr_dna or 0.0)
    if log10_lr_dna is not None:
        contributions["dna"] = log10_lr_dna
    return Evidence(
        prior=prior,
        log10_lr_fields=fields_total,
        log10_lr_dna=log10_lr_dna,
        log10_lr_total=total,
        posterior=posterior_from(prior, total),
        contributions=contributions,
    )

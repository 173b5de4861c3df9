"""Decisions at database scale: chance hits, the posterior, and the bar for SUPPORTS.

A database search is not a paternity case with one alleged father. Searching a child
against ``N`` registered single parents compares it with ``N`` candidates, and the
casework rule (CPI >= 10,000) lets through unrelated people by chance: among 1,000,000
unrelated single parents at 19 loci most searches have one (FORMULAS.md section 7).
Every hit of a search is therefore judged with the size of what was searched:

* **Expected chance hits** ``E = N * P(LR >= LR_hit | unrelated)``: how many unrelated
  candidates of a database of this size are expected to score at least this hit's LR.
  ``P`` is computed exactly for the query (not simulated): each locus's LR over every
  genotype (or couple of genotypes) a random unrelated reference can have, weighted by
  its Hardy-Weinberg probability in the population table, and the loci convolved
  (:class:`ChanceDistribution`). The sum is taken on a grid of ``STEP`` in log10 with
  every value rounded *up*, so ``P`` is an upper bound; it is also capped by Markov's
  bound ``1 / LR`` (``E[LR | unrelated] = 1``).
* **Posterior** ``W = LR / (LR + N)``: the probability of parentage when, before the
  DNA, the true parent is any one of the ``N`` candidates or someone not registered, all
  equally likely (prior odds ``1 / N``; ``N = 1`` gives the casework prior of 1/2).
* **The bar.** A single-parent hit supports parentage only when the posterior odds
  ``LR / N`` reach the casework threshold, i.e. ``LR >= support_cpi * N`` (W >= 99.99%
  with the database prior). Below it the hit is a lead (``INCONCLUSIVE``): type more loci
  or the other parent. Couples keep the casework rule: among millions of unrelated
  couples none reaches 3e-4 (the two parents' evidence multiplies), so their expected
  chance hits are shown but do not move the decision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .decisions import Decision, DecisionRules
from .frequencies import FrequencyTable
from .index import ReferenceIndex, decode_table
from .likelihood import KinshipParams
from .lookup import child_table, family_table
from .profiles import Profile
from .results import DatabaseJudgement, Direction, KinshipResult, ParentQuery

STEP = 0.002
"""Grid of the convolution, in log10 units (each locus's value is rounded up to it)."""
LOW = -8.0
"""Per-locus log10 LR below which values are raised to it (only raises the upper tail)."""

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ChanceDistribution:
    """Distribution of the combined log10 LR of an unrelated reference (upper tail).

    Attributes
    ----------
    offset : int
        Grid index of ``tail[0]`` (value ``offset * STEP``).
    tail : ndarray of float64
        ``tail[i] = P(S' >= (offset + i) * STEP)`` where ``S'`` is the rounded-up sum.

    Examples
    --------
    >>> d = ChanceDistribution.from_loci([(np.array([0.0, 1.0]), np.array([0.5, 0.5]))])
    >>> d.exceedance(0.5), d.exceedance(1.0), d.exceedance(1.5)
    (0.5, 0.5, 0.0)
    """

    offset: int
    tail: F64

    @classmethod
    def from_loci(cls, loci: Sequence[tuple[F64, F64]]) -> ChanceDistribution:
        """Convolve per-locus ``(log10 LR values, probabilities)``."""
        pmfs: list[F64] = []
        offset = 0
        for values, weights in loci:
            total = float(np.sum(weights))
            if total <= 0.0:
                continue
            clipped = np.maximum(np.where(np.isfinite(values), values, LOW), LOW)
            bins = np.ceil(clipped / STEP - 1e-9).astype(np.int64)
            low = int(bins.min())
            pmfs.append(np.bincount(bins - low, weights=weights / total).astype(np.float64))
            offset += low
        if not pmfs:
            return cls(0, np.ones(1))
        length = sum(p.size for p in pmfs) - len(pmfs) + 1
        size = 1 << max(1, (length - 1).bit_length())
        spectrum = np.ones(size // 2 + 1, dtype=np.complex128)
        for pmf in pmfs:
            spectrum *= np.fft.rfft(pmf, size)
        density = np.clip(np.fft.irfft(spectrum, size)[:length], 0.0, None)
        tail = np.cumsum(density[::-1])[::-1]
        return cls(offset, np.minimum(tail / tail[0], 1.0))

    def exceedance(self, log10_lr: float) -> float:
        """Upper bound of ``P(log10 LR >= log10_lr)`` for an unrelated reference."""
        if log10_lr == -math.inf:
            return 1.0
        index = math.ceil(log10_lr / STEP - 1e-9) - self.offset
        if index <= 0:
            return 1.0
        if index >= self.tail.size:
            return 0.0
        return float(self.tail[index])


def _population(index: ReferenceIndex, table: FrequencyTable, locus: str) -> F64:
    """Hardy-Weinberg probability of every stored genotype code ``1..G`` of ``locus``
    (alleles the table does not list get 0; the table's listed frequencies are used
    renormalised and without the floor: a random person, not a conservative score)."""
    lf = table.locus(locus)
    listed = dict(zip(lf.alleles, lf.population, strict=True))
    p = np.array([listed.get(a, 0.0) for a in index.alleles(locus)], dtype=np.float64)
    total = p.sum()
    if total > 0.0:
        p = p / total
    first, second = decode_table(p.size)
    result: F64 = p[first] * p[second] * np.where(first == second, 1.0, 2.0)
    return result


class ChanceCalculator:
    """Chance-hit probabilities for one query against its searched collection.

    Distributions are built on first use, per kind of reference: ``couple``, a ``father``
    alone (mother untested), a ``mother`` alone; for a parents-to-children search every
    reference is a child and the role is ignored.
    """

    def __init__(
        self,
        index: ReferenceIndex,
        table: FrequencyTable,
        params: KinshipParams,
        query: Profile | ParentQuery,
        direction: Direction,
        loci: Sequence[str],
    ) -> None:
        self.index, self.table, self.params = index, table, params
        self.query, self.direction, self.loci = query, direction, tuple(loci)
        self._cache: dict[str, ChanceDistribution] = {}

    def distribution(self, role: str) -> ChanceDistribution:
        """Distribution against references of ``role`` (``couple``, ``father``, ``mother``)."""
        key = role if self.direction == Direction.CHILD_TO_PARENTS else "child"
        found = self._cache.get(key)
        if found is None:
            found = ChanceDistribution.from_loci([self._locus(key, locus) for locus in self.loci])
            self._cache[key] = found
        return found

    def _locus(self, key: str, locus: str) -> tuple[F64, F64]:
        weights = _population(self.index, self.table, locus)
        if isinstance(self.query, Profile):
            genotype = self.query.genotype(locus)
            if genotype is None:
                return np.zeros(1), np.ones(1)
            flat, _ = family_table(self.index, self.table, self.params, locus, genotype)
            size = math.isqrt(flat.size)
            lut = flat.reshape(size, size).astype(np.float64)
            if key == "couple":
                pairs = np.asarray(np.outer(weights, weights).ravel(), dtype=np.float64)
                return lut[1:, 1:].ravel(), pairs
            if key == "mother":
                return lut[0, 1:], weights
            return lut[1:, 0], weights
        father = self.query.father.genotype(locus) if self.query.father else None
        mother = self.query.mother.genotype(locus) if self.query.mother else None
        if father is None and mother is None:
            return np.zeros(1), np.ones(1)
        children, _ = child_table(self.index, self.table, self.params, locus, father, mother)
        return children[1:].astype(np.float64), weights

    def exceedance(self, role: str, log10_lr: float) -> float:
        """``P(LR >= 10**log10_lr | unrelated)``, bounded by Markov's ``1 / LR`` too."""
        markov = 1.0 if log10_lr <= 0.0 else float(10.0 ** (-min(log10_lr, 300.0)))
        return min(self.distribution(role).exceedance(log10_lr), markov)


def database_posterior(log10_lr: float, database_size: int) -> float:
    """``LR / (LR + N)`` computed stably from log10 LR.

    Examples
    --------
    >>> database_posterior(4.0, 1) == 10_000 / 10_001
    True
    >>> round(database_posterior(10.0, 1_000_000), 6)
    0.9999
    """
    if log10_lr == -math.inf:
        return 0.0
    exponent = math.log10(max(database_size, 1)) - log10_lr
    if exponent > 300:
        return 0.0
    return float(1.0 / (1.0 + 10.0**exponent))


def judge_database_hit(
    result: KinshipResult,
    database_size: int,
    rules: DecisionRules,
    chance_probability: float,
) -> DatabaseJudgement:
    """The database-scale judgement of one hit (see the module docstring).

    Examples
    --------
    A single parent at LR 2.8e7 among a million is a lead, not a match:

    >>> from homeward.kinship.decisions import decide
    >>> from homeward.kinship.results import KinshipResult, Provenance
    >>> r = KinshipResult("duo", {"child": "C", "father": "F"}, (), 7.45, 0, 19, 0.99999,
    ...                   True, decide(7.45, 0, 19, "duo", DecisionRules()),
    ...                   Provenance("1", {}, "", "", ()))
    >>> j = judge_database_hit(r, 1_000_000, DecisionRules(), 1e-9)
    >>> r.decision.value, j.decision.value, j.support_bar_log10, j.expected_chance_hits
    ('SUPPORTS', 'INCONCLUSIVE', 10.0, 0.001)
    """
    size = max(database_size, 1)
    single = result.shape != "couple"
    bar = math.log10(rules.support_cpi) + (math.log10(size) if single else 0.0)
    decision = result.decision
    if decision == Decision.SUPPORTS and result.log10_cpi < bar:
        decision = Decision.INCONCLUSIVE
    return DatabaseJudgement(
        database_size=database_size,
        chance_probability=chance_probability,
        expected_chance_hits=database_size * chance_probability,
        posterior=database_posterior(result.log10_cpi, size),
        support_bar_log10=bar,
        single_parent=single,
        decision=decision,
    )

"""The Fellegi–Sunter model: m and u per comparison level.

For a pair with comparison vector γ the Bayes factor is ``Π_c m_c[γ_c] / u_c[γ_c]``
(``m``: probability of the level among true matches, ``u``: among non-matches); its
log2 is the **match weight** in bits. A term-frequency adjustment replaces ``u`` of an
exact-value level by the frequency of the agreeing value (agreeing on 覃 says more than
agreeing on 王), as Splink does.

Training follows Splink's recipe (Linacre et al., the ``splink`` documentation):

1. ``u`` from random pairs (almost all non-matches): :func:`estimate_u`;
2. ``m`` by expectation–maximisation over the pairs of a blocking rule, with ``u`` fixed
   and the comparisons the rule conditions on left out (their ``m`` comes from a
   second rule): :func:`expectation_maximisation`.

EM runs on the distinct comparison vectors with their counts, so a few million pairs
train in well under a second. ``tests/test_against_splink.py`` runs Splink's EM on the
same vectors: the recursion is the same to rounding; the floor of 1e-6 on every m
(``min_probability``) is where the two part. A Dirichlet prior (``prior_strength`` pseudo-matches
distributed as the starting ``m``) keeps a level that no true match happens to show in
the training data from collapsing to zero.

Two comparisons that are not independent given match status (a child found soon after
the loss is found near home; a self-searcher decades later) carry an interaction: m and
u of the first comparison's levels given the second's (:attr:`Model.interactions`), whose
log ratio to the marginal m and u is added to the first comparison's contribution.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .comparisons import (
    COMPARISON_INDEX,
    COMPARISONS,
    INTERACTIONS,
    LOSS_AGE_CLASSES,
    LOSS_AGE_FREE_LEVELS,
    N_COMPARISONS,
    NEAR_HARD_FLOORS,
    interaction_key_levels,
)

ENGINE_VERSION = "1.3.0"
MIN_PROBABILITY = 1e-6
Float = npt.NDArray[np.float64]
Levels = npt.NDArray[np.int8]


@dataclass
class Bands:
    """Bands on the per-report posterior probability that a candidate is the person."""

    likely: float = 0.5
    possible: float = 0.02
    min_weight_possible: float = 6.0  # or a match weight (bits) at least this high

    def as_dict(self) -> dict[str, float]:
        return {
            "likely": self.likely,
            "possible": self.possible,
            "min_weight_possible": self.min_weight_possible,
        }


@dataclass
class Model:
    """m and u per comparison level (level 0, "null", has weight 0)."""

    m: list[Float]
    u: list[Float]
    # Prior probability that the person a report seeks is among the found persons.
    prior_has_match: float = 0.5
    tf_weight: float = 1.0
    tf_min: float = 1e-4
    bands: Bands = field(default_factory=Bands)
    provenance: dict[str, Any] = field(default_factory=dict)
    # "time|place" -> (m, u) of the first comparison's levels given each level of the
    # second (rows), see comparisons.INTERACTIONS; absent: the two are independent.
    interactions: dict[str, tuple[Float, Float]] = field(default_factory=dict)
    # Bits added to each level's log2(m/u) given the report's age-at-loss class (rows,
    # comparisons.LOSS_AGE_CLASSES), learned discriminatively from labelled pairs
    # (:mod:`homeward.linkage.discriminative`); empty: none (plain Fellegi–Sunter).
    offsets: list[Float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.m) != N_COMPARISONS or len(self.u) != N_COMPARISONS:
            raise ValueError("one m and one u array per comparison")
        if self.offsets:
            if len(self.offsets) != N_COMPARISONS:
                raise ValueError("one offset array per comparison")
            for comparison, offset in zip(COMPARISONS, self.offsets, strict=True):
                shape = (len(LOSS_AGE_CLASSES), comparison.n_levels)
                if offset.shape != shape:
                    raise ValueError(f"{comparison.name}: offsets of shape {shape} expected")
        for comparison, m, u in zip(COMPARISONS, self.m, self.u, strict=True):
            if m.shape != (comparison.n_levels,) or u.shape != (comparison.n_levels,):
                raise ValueError(f"{comparison.name}: {comparison.n_levels} levels expected")
        for key, (m_cond, u_cond) in self.interactions.items():
            first, second = _interaction(key)
            shape = (interaction_key_levels(second), COMPARISONS[COMPARISON_INDEX[first]].n_levels)
            if m_cond.shape != shape or u_cond.shape != shape:
                raise ValueError(f"interaction {key}: shape {shape} expected")

    def interaction_bits(self) -> dict[str, Float]:
        """Bits added to the first comparison of each interaction, indexed [level of the
        second, level of the first]: log2(m(a|b)/m(a)) - log2(u(a|b)/u(a)), 0 on nulls."""
        out: dict[str, Float] = {}
        for key, (m_cond, u_cond) in self.interactions.items():
            first, second = _interaction(key)
            ci = COMPARISON_INDEX[first]
            m = np.maximum(self.m[ci], MIN_PROBABILITY)
            u = np.maximum(self.u[ci], MIN_PROBABILITY)
            bits = np.log2(np.maximum(m_cond, MIN_PROBABILITY) / m) - np.log2(
                np.maximum(u_cond, MIN_PROBABILITY) / u
            )
            bits = np.clip(bits, -INTERACTION_CLIP_BITS, INTERACTION_CLIP_BITS)
            bits[0, :] = 0.0
            bits[:, 0] = 0.0
            if second == "loss_age":
                levels = COMPARISONS[ci].levels
                for level in LOSS_AGE_FREE_LEVELS.get(first, ()):
                    bits[:, levels.index(level)] = 0.0
            out[key] = bits
        return out

    def weights(self, loss_age: int = 0) -> list[Float]:
        """log2(m / u) per level, plus the learned offsets of the report's age-at-loss
        class ``loss_age`` if any, bits; 0 for the null level."""
        out: list[Float] = []
        for comparison, m, u in zip(COMPARISONS, self.m, self.u, strict=True):
            m = _apply_floors(comparison.name, comparison.levels, m)
            w = np.log2(np.maximum(m, MIN_PROBABILITY) / np.maximum(u, MIN_PROBABILITY))
            out.append(w)
        for ci, offset in enumerate(self.offsets):
            out[ci] = out[ci] + offset[loss_age]
        for w in out:
            w[0] = 0.0
        return out

    def weights_by_loss_age(self) -> list[list[Float]]:
        """:meth:`weights` of every age-at-loss class (one list if there are no offsets)."""
        if not self.offsets:
            return [self.weights()]
        return [self.weights(k) for k in range(len(LOSS_AGE_CLASSES))]

    def tf_adjustment(self, comparison: int, level: int, frequency: float) -> float:
        """Bits added to a TF-enabled level for an agreeing value of ``frequency``."""
        u = float(self.u[comparison][level])
        frequency = max(frequency, self.tf_min)
        return self.tf_weight * math.log2(max(u, MIN_PROBABILITY) / frequency)

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine_version": ENGINE_VERSION,
            "comparisons": [
                {
                    "name": c.name,
                    "levels": list(c.levels),
                    # significant digits, not decimals: a rare level's m of 1e-5 keeps
                    # its precision (interaction bits divide by it)
                    "m": [float(f"{x:.8g}") for x in m],
                    "u": [float(f"{x:.8g}") for x in u],
                }
                for c, m, u in zip(COMPARISONS, self.m, self.u, strict=True)
            ],
            "prior_has_match": self.prior_has_match,
            "tf_weight": self.tf_weight,
            "tf_min": self.tf_min,
            "bands": self.bands.as_dict(),
            "provenance": self.provenance,
            "interactions": {
                key: {
                    "m": [[float(f"{x:.8g}") for x in row] for row in m_cond],
                    "u": [[float(f"{x:.8g}") for x in row] for row in u_cond],
                }
                for key, (m_cond, u_cond) in self.interactions.items()
            },
            **(
                {
                    "offsets": {
                        c.name: [[float(f"{x:.6g}") for x in row] for row in offset]
                        for c, offset in zip(COMPARISONS, self.offsets, strict=True)
                    }
                }
                if self.offsets
                else {}
            ),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        by_name = {c["name"]: c for c in data["comparisons"]}
        m: list[Float] = []
        u: list[Float] = []
        for comparison in COMPARISONS:
            entry = by_name.get(comparison.name)
            if entry is None or list(entry["levels"]) != list(comparison.levels):
                raise ValueError(f"the model does not match comparison {comparison.name!r}")
            m.append(np.asarray(entry["m"], dtype=np.float64))
            u.append(np.asarray(entry["u"], dtype=np.float64))
        bands = Bands(**data.get("bands", {}))
        interactions = {
            key: (
                np.asarray(value["m"], dtype=np.float64),
                np.asarray(value["u"], dtype=np.float64),
            )
            for key, value in data.get("interactions", {}).items()
        }
        offsets: list[Float] = []
        if data.get("offsets"):
            offsets = [np.asarray(data["offsets"][c.name], dtype=np.float64) for c in COMPARISONS]
        return cls(
            m=m,
            u=u,
            interactions=interactions,
            offsets=offsets,
            prior_has_match=float(data.get("prior_has_match", 0.5)),
            tf_weight=float(data.get("tf_weight", 1.0)),
            tf_min=float(data.get("tf_min", 1e-4)),
            bands=bands,
            provenance=dict(data.get("provenance", {})),
        )

    @classmethod
    def from_json(cls, text: str) -> Model:
        return cls.from_dict(json.loads(text))


INTERACTION_CLIP_BITS = 6.0


def _interaction(key: str) -> tuple[str, str]:
    first, _, second = key.partition("|")
    if (first, second) not in INTERACTIONS:
        raise ValueError(f"unknown interaction {key!r}")
    return first, second


def interaction_key(first: str, second: str) -> str:
    return f"{first}|{second}"


def _apply_floors(name: str, levels: Sequence[str], m: Float) -> Float:
    m = m.copy()
    for (comparison, level), floor in NEAR_HARD_FLOORS.items():
        if comparison == name:
            index = list(levels).index(level)
            m[index] = max(m[index], floor)
    return m


def _normalise(values: Float, floor: float = MIN_PROBABILITY) -> Float:
    out = values.astype(np.float64).copy()
    out[0] = 1.0
    total = out[1:].sum()
    if total > 0:
        out[1:] = out[1:] / total
    else:
        out[1:] = 1.0 / max(len(out) - 1, 1)
    return np.maximum(out, floor)


def estimate_u(gamma: Levels) -> list[Float]:
    """u per level from random pairs: the level frequencies among non-null values.

    Parameters
    ----------
    gamma : ndarray of int8, shape (n_pairs, n_comparisons)

    Returns
    -------
    list of ndarray of float64, one per comparison, shape (n_levels,)
    """
    if gamma.ndim != 2 or gamma.shape[1] != N_COMPARISONS:
        raise ValueError("gamma must be (n_pairs, n_comparisons)")
    out: list[Float] = []
    for c, comparison in enumerate(COMPARISONS):
        counts = np.bincount(gamma[:, c], minlength=comparison.n_levels).astype(np.float64)
        counts[1:] += 0.5  # a level never seen among random pairs is rare, not impossible
        out.append(_normalise(counts))
    return out


def pattern_counts(gamma: Levels) -> tuple[Levels, npt.NDArray[np.int64]]:
    """Distinct comparison vectors and how often each occurs."""
    packed = np.zeros(len(gamma), dtype=np.int64)
    for c in range(N_COMPARISONS):
        packed |= gamma[:, c].astype(np.int64) << (4 * c)
    keys, counts = np.unique(packed, return_counts=True)
    patterns = np.empty((len(keys), N_COMPARISONS), dtype=np.int8)
    for c in range(N_COMPARISONS):
        patterns[:, c] = (keys >> (4 * c)) & 0xF
    return patterns, counts.astype(np.int64)


@dataclass(frozen=True)
class EMResult:
    m: list[Float]
    match_probability: float  # λ among the rule's pairs
    iterations: int
    converged: bool


def expectation_maximisation(
    patterns: Levels,
    counts: npt.NDArray[np.int64],
    *,
    m_start: Sequence[Float],
    u: Sequence[Float],
    active: Sequence[bool],
    lambda_start: float = 1e-3,
    lambda_max: float = 0.999,
    prior_strength: float = 20.0,
    max_iterations: int = 60,
    tolerance: float = 1e-5,
    min_probability: float = MIN_PROBABILITY,
) -> EMResult:
    """Estimate ``m`` of the active comparisons with ``u`` fixed.

    Parameters
    ----------
    patterns : ndarray of int8, shape (n_patterns, n_comparisons)
    counts : ndarray of int64, shape (n_patterns,)
    m_start, u : sequences of ndarray, one per comparison
    active : sequence of bool, one per comparison
        Comparisons to estimate and to use in the E step (a blocking rule's own
        comparisons are inactive: within the rule's pairs they say nothing).
    min_probability : float
        Floor of every m, in the M step and in the E step's Bayes factors: a level
        that the matches seem never to show keeps a finite (very negative) weight
        instead of vetoing a pair. Splink has no such floor (its m decays towards 0
        over the iterations); ``test_against_splink`` sets it to 1e-300 to compare the
        two recursions, and shows where the default makes them part.
    """
    weights_count = counts.astype(np.float64)
    m = [np.asarray(x, dtype=np.float64).copy() for x in m_start]
    prior = [np.asarray(x, dtype=np.float64).copy() for x in m_start]
    lam = lambda_start
    converged = False
    iteration = 0
    log_u = [np.log(np.maximum(x, MIN_PROBABILITY)) for x in u]
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        log_m = [np.log(np.maximum(x, min_probability)) for x in m]
        log_bf = np.zeros(len(patterns), dtype=np.float64)
        for c in range(N_COMPARISONS):
            if not active[c]:
                continue
            levels = patterns[:, c].astype(np.intp)
            contribution = log_m[c][levels] - log_u[c][levels]
            contribution[levels == 0] = 0.0
            log_bf += contribution
        log_odds = math.log(lam / (1 - lam)) + log_bf
        p_match = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))
        expected = weights_count * p_match
        new_lam = float(expected.sum() / weights_count.sum())
        new_lam = min(max(new_lam, 1e-9), lambda_max)
        new_m: list[Float] = []
        delta = abs(new_lam - lam)
        for c, comparison in enumerate(COMPARISONS):
            if not active[c]:
                new_m.append(m[c])
                continue
            sums: Float = np.bincount(
                patterns[:, c].astype(np.intp), weights=expected, minlength=comparison.n_levels
            ).astype(np.float64)
            sums[1:] += prior_strength * prior[c][1:]
            estimate = _normalise(sums, min_probability)
            delta = max(delta, float(np.abs(estimate[1:] - m[c][1:]).max()))
            new_m.append(estimate)
        m, lam = new_m, new_lam
        if delta < tolerance:
            converged = True
            break
    return EMResult(m=m, match_probability=lam, iterations=iteration, converged=converged)


def default_model() -> Model:
    """The model shipped with the engine: m counted over the seeded generator's true
    pairs (tuning seeds, ``bench/linkage_fit.py``), u re-estimated when ranking."""
    from .io import read_bundled_model

    return read_bundled_model()


# What an investigator expects among true matches, before any data: the starting point
# of EM and the shape of its Dirichlet prior. (Renamed children make "different" the
# commonest name level even among true matches.)
PRIOR_M: dict[str, tuple[float, ...]] = {
    "name": (0.08, 0.05, 0.03, 0.15, 0.03, 0.08, 0.05, 0.08, 0.05, 0.33, 0.05, 0.02),
    "parent": (0.85, 0.15),
    "sex": (0.99, 0.01),
    "age": (0.08, 0.25, 0.15, 0.25, 0.15, 0.08, 0.04),
    "time": (0.15, 0.15, 0.10, 0.30, 0.02, 0.01, 0.27),
    "place": (0.15, 0.15, 0.20, 0.50),
    "accent": (0.35, 0.25, 0.40),
    "marks": (0.35, 0.15, 0.05, 0.05, 0.15, 0.05, 0.10, 0.10),
    "blood": (0.95, 0.05),
    "height": (0.80, 0.20),
    "landmarks": (0.25, 0.40, 0.25, 0.05, 0.05),
}


def prior_m() -> list[Float]:
    return [_normalise(np.asarray((1.0, *PRIOR_M[c.name]))) for c in COMPARISONS]


def prior_model() -> Model:
    """The domain prior as a model (u flat until estimated from data)."""
    return Model(m=prior_m(), u=uniform_start())


def uniform_start() -> list[Float]:
    """A neutral starting m: agreement levels likelier than disagreement."""
    out: list[Float] = []
    for comparison in COMPARISONS:
        n = comparison.n_levels - 1
        values = np.linspace(2.0, 1.0, n) if n > 1 else np.ones(1)
        out.append(_normalise(np.concatenate([[1.0], values])))
    return out

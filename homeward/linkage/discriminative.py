"""A discriminative correction of the Fellegi–Sunter weights, from labelled pairs.

The Fellegi–Sunter weight of a level, log2(m/u), assumes the comparisons independent
given match status; where they are not, a candidate's chance agreements on time, age
and name add up to more than the true person's evidence. This module learns offsets in
bits, one per comparison level and one per level and age-at-loss class of the report
(:data:`homeward.linkage.comparisons.LOSS_AGE_CLASSES`; the agreeing levels of a name,
landmark or parent's surname share one per class), so that for each report with a
known true pair the true person ranks first among the report's candidates: a
conditional logit (softmax over the report's best blocked candidates, the true one
among them) whose score is the engine's own weight plus the offsets, with an L2 penalty
that pulls every offset back to 0, i.e. to the Fellegi–Sunter weight.

The result is still a sum of per-comparison contributions read from tables: a report's
age-at-loss class picks the table of every comparison
(:attr:`homeward.linkage.model.Model.offsets`, :meth:`FoundIndex.weights_for`), so a
search does no more work per row, and u is still re-estimated from unlabelled records
when ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from .columns import Query, encode_report
from .comparisons import (
    COMPARISONS,
    LOSS_AGE_CLASSES,
    LOSS_AGE_FREE_LEVELS,
    N_COMPARISONS,
    TIME_HARD_LIMIT_YEARS,
)
from .index import FoundIndex
from .model import ENGINE_VERSION, Model
from .records import Report

Float = npt.NDArray[np.float64]
LN2 = math.log(2.0)


@dataclass(frozen=True)
class CandidateSets:
    """Each labelled report's candidates, concatenated (true one first in its group)."""

    gamma: npt.NDArray[np.int8]  # (n, C)
    weight: Float  # (n,) the engine's weight, bits
    starts: npt.NDArray[np.intp]  # (reports,) first row of each report's group
    loss_age: npt.NDArray[np.intp]  # (reports,) the report's age-at-loss class

    @property
    def n_reports(self) -> int:
        return len(self.starts)


def candidate_sets(
    index: FoundIndex,
    reports: Sequence[Report | Query],
    truth: Mapping[str, str],
    *,
    keep: int = 300,
) -> CandidateSets:
    """For each report whose true person is in its block (and passes the hard
    constraints), the true pair and the report's best ``keep`` other candidates under
    the index's current model."""
    gammas: list[npt.NDArray[np.int8]] = []
    weights: list[Float] = []
    starts: list[int] = []
    classes: list[int] = []
    total = 0
    for report in reports:
        q = report if isinstance(report, Query) else encode_report(report)
        target = index.row_of.get(truth.get(q.id, ""), -1)
        if target < 0:
            continue
        rows = index.block_rows(q)
        if not math.isnan(q.missing_t) and len(rows):
            delta = index.cols.found_t[rows] - q.missing_t
            rows = rows[~(delta < -max(q.missing_tol, TIME_HARD_LIMIT_YEARS))]
        where = np.flatnonzero(rows == target)
        if len(where) == 0:
            continue
        gamma, tf, ok = index.levels(q, rows)
        weight = index.score(gamma, tf, q.loss_age)
        if not ok[where[0]]:
            continue
        weight[~ok] = -np.inf
        weight[where[0]] = -np.inf  # the true one goes first, separately
        finite = int(np.isfinite(weight).sum())
        k = min(keep, finite)
        others = np.argpartition(-weight, k - 1)[:k] if k else np.zeros(0, np.intp)
        t = int(where[0])
        chosen = np.concatenate([[t], others])
        true_weight = float(index.score(gamma[[t]], tf[[t]], q.loss_age)[0])
        w = weight[chosen]
        w[0] = true_weight
        gammas.append(gamma[chosen])
        weights.append(w)
        starts.append(total)
        classes.append(q.loss_age)
        total += len(chosen)
    return CandidateSets(
        gamma=np.concatenate(gammas) if gammas else np.zeros((0, N_COMPARISONS), np.int8),
        weight=np.concatenate(weights) if weights else np.zeros(0),
        starts=np.asarray(starts, dtype=np.intp),
        loss_age=np.asarray(classes, dtype=np.intp),
    )


def concatenate(parts: Sequence[CandidateSets]) -> CandidateSets:
    """Candidate sets of several data sets as one."""
    sizes = np.cumsum([0] + [len(p.weight) for p in parts[:-1]])
    return CandidateSets(
        gamma=np.concatenate([p.gamma for p in parts]),
        weight=np.concatenate([p.weight for p in parts]),
        starts=np.concatenate([p.starts + k for p, k in zip(parts, sizes, strict=True)]),
        loss_age=np.concatenate([p.loss_age for p in parts]),
    )


def _feature_offsets() -> npt.NDArray[np.intp]:
    """Start of each comparison's levels in one block of parameters (level 0 included:
    its parameter is fixed at 0)."""
    sizes = [c.n_levels for c in COMPARISONS]
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)


DEFAULT_L2 = 1.0  # per report trained on; chosen on tuning seeds 2 -> 1 (0.1-10 tried)


def fit_offsets(
    sets: CandidateSets,
    *,
    l2: float = DEFAULT_L2,
    max_iterations: int = 1000,
) -> tuple[list[Float], dict[str, float]]:
    """Offsets in bits minimising the conditional-logit loss (the true pair against its
    report's candidates) plus ``l2`` / 2 · Σ offset² over all parameters (a global
    offset per level and one per level and age-at-loss class), per report.

    The agreeing levels of :data:`LOSS_AGE_FREE_LEVELS` (an exact full name, a pinyin
    spelling of it ...) have no offset of their own per class but one per comparison and
    class for all of them: a young child's agreeing name may say less, but an exact
    name never less than its pinyin spelling because of the age.

    Returns one array per comparison, shape (age-at-loss classes, levels): the sum of
    the global and the class offsets (0 on null levels), and a summary of the fit."""
    from scipy.optimize import minimize

    base = _feature_offsets()
    n_levels = int(sum(c.n_levels for c in COMPARISONS))
    n_classes = len(LOSS_AGE_CLASSES)
    agreeing = [
        (ci, [COMPARISONS[ci].levels.index(level) for level in levels])
        for ci, levels in (
            (next(i for i, c in enumerate(COMPARISONS) if c.name == name), levels)
            for name, levels in LOSS_AGE_FREE_LEVELS.items()
        )
    ]
    n_agreeing = len(agreeing)
    groups_at = n_levels * (1 + n_classes)  # then the agreement groups' offsets per class
    dummy = groups_at + n_classes * n_agreeing  # fixed at 0
    n_params = dummy + 1
    level_index = sets.gamma.astype(np.intp) + base[None, :]
    group_sizes = np.diff(np.append(sets.starts, len(sets.weight)))
    group = np.repeat(np.arange(len(sets.starts)), group_sizes)
    row_class = sets.loss_age[group]
    # columns: the global offsets of the pair's levels, those of its class, and the
    # class's offset of each agreement group the pair is in
    group_columns = [
        np.where(np.isin(sets.gamma[:, ci], levels), groups_at + row_class * n_agreeing + j, dummy)[
            :, None
        ]
        for j, (ci, levels) in enumerate(agreeing)
    ]
    features = np.concatenate(
        [level_index, n_levels * (1 + row_class[:, None]) + level_index, *group_columns], axis=1
    )
    free = np.ones(n_params, dtype=np.bool_)
    for k in range(1 + n_classes):
        free[k * n_levels + base] = False  # null levels
    for ci, levels in agreeing:
        for level in levels:
            # an agreeing name, landmark or parent's surname: the age at loss moves all
            # the comparison's agreeing levels together (their order stays)
            free[n_levels + base[ci] + level : groups_at : n_levels] = False
    free[groups_at : groups_at + n_agreeing] = False  # age at loss unknown
    free[dummy] = False
    starts = sets.starts
    n_reports = max(sets.n_reports, 1)
    is_true = np.zeros(len(sets.weight), dtype=np.bool_)
    is_true[starts] = True
    # a candidate excluded by a hard constraint never competes
    weight = np.where(np.isfinite(sets.weight), sets.weight, -1e9)
    flat = features.ravel()
    width = features.shape[1]

    def objective(theta: Float) -> tuple[float, Float]:
        theta = np.where(free, theta, 0.0)
        s = (weight + theta[features].sum(axis=1)) * LN2
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[group])
        z = np.add.reduceat(e, starts)
        loss = float((np.log(z) + top - s[starts]).sum())
        coefficient = (e / z[group] - is_true) * LN2
        counts: Float = np.bincount(
            flat, weights=np.repeat(coefficient, width), minlength=n_params
        ).astype(np.float64)
        loss += 0.5 * l2 * float(theta @ theta)
        grad: Float = counts + l2 * theta
        grad[~free] = 0.0
        return loss / n_reports, grad / n_reports

    start = np.zeros(n_params)
    initial_loss = objective(start)[0]
    result = minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iterations}
    )
    theta = np.where(free, result.x, 0.0)
    shared = theta[:n_levels]
    by_class = theta[n_levels:groups_at].reshape(n_classes, n_levels).copy()
    for j, (ci, levels) in enumerate(agreeing):
        for level in levels:
            by_class[:, base[ci] + level] += theta[groups_at + j : dummy : n_agreeing]
    offsets = []
    for b, c in zip(base.tolist(), COMPARISONS, strict=True):
        table = shared[None, b : b + c.n_levels] + by_class[:, b : b + c.n_levels]
        table[:, 0] = 0.0
        offsets.append(table)
    summary = {
        "reports": sets.n_reports,
        "candidates": len(sets.weight),
        "l2": l2,
        "loss_before": round(initial_loss, 5),
        "loss_after": round(float(result.fun), 5),
        "iterations": int(result.nit),
    }
    return offsets, summary


def with_offsets(
    model: Model,
    worlds: Sequence[tuple[Sequence[Report], FoundIndex, Mapping[str, str]]],
    *,
    l2: float = DEFAULT_L2,
    keep: int = 300,
) -> Model:
    """``model`` (its m counted over labelled pairs) with offsets fitted on the labelled
    reports of ``worlds`` (reports, an index whose model has u of those records, truth).
    Each index is left with the returned model."""
    plain = replace(model, offsets=[])
    parts = []
    for reports, index, truth in worlds:
        index.set_model(replace(plain, u=index.model.u, interactions=index.model.interactions))
        parts.append(candidate_sets(index, reports, truth, keep=keep))
    offsets, summary = fit_offsets(concatenate(parts), l2=l2)
    provenance = {
        **model.provenance,
        "offsets": {
            "engine_version": ENGINE_VERSION,
            "method": "conditional logit over each labelled report's best "
            f"{keep} candidates and the true one; offsets per level and per level and "
            "age-at-loss class, L2 towards 0 (the Fellegi-Sunter weight)",
            **summary,
        },
    }
    fitted = replace(model, offsets=offsets, provenance=provenance)
    for _reports, index, _truth in worlds:
        index.set_model(replace(fitted, u=index.model.u, interactions=index.model.interactions))
    return fitted

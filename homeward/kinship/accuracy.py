"""Accuracy of kinship search, measured by simulation.

Simulated families are hidden among unrelated decoys; each family's child is searched
against (a) registered couples and (b) single parents, at several panel sizes. The
report says how often the true couple or parent ranks first and how many unrelated
candidates pass the support threshold (the chance-hit problem of database search).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .frequencies import FrequencyTable
from .index import ReferenceIndex
from .search import score_all
from .simulate import PANELS, random_index_codes, simulate_families

SUPPORT_LOG10 = 4.0


def fixed_labels(prefix: str, start: int, n: int, width: int = 12) -> npt.NDArray[Any]:
    """``prefix`` + zero-padded number as fixed-width bytes, built without Python loops.

    Examples
    --------
    >>> fixed_labels("F", 0, 2, width=4).tolist()
    [b'F000', b'F001']
    """
    digits = width - len(prefix)
    numbers = np.arange(start, start + n, dtype=np.int64)
    out = np.zeros((n, width), dtype=np.uint8)
    out[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    for position in range(digits):
        power = 10 ** (digits - 1 - position)
        out[:, len(prefix) + position] = ord("0") + (numbers // power) % 10
    return out.view(f"S{width}").ravel()


def decoy_couples(table: FrequencyTable, n: int, seed: int, loci: Sequence[str]) -> ReferenceIndex:
    """An in-memory index of ``n`` random unrelated couples."""
    index = ReferenceIndex.create(loci, table=table, label_width=12)
    ids = fixed_labels("F", 0, n)
    index.append_arrays(
        "families",
        {
            "father": random_index_codes(index, table, n, seed),
            "mother": random_index_codes(index, table, n, seed + 1),
            "labels": np.stack([ids, ids, ids], axis=1),
        },
    )
    return index


def accuracy_report(
    table: FrequencyTable,
    *,
    queries: int = 100,
    decoys: int = 100_000,
    seed: int = 1,
    panels: Mapping[int, Sequence[str]] | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """Simulate ``queries`` families among ``decoys`` unrelated couples and single parents.

    Returns
    -------
    dict
        ``{"queries", "decoys", "mutations", "rows": [{"loci": n, "couple": {...},
        "single": {...}}]}`` where each mode has ``rank1_rate``, ``true_over_10000_rate``,
        ``median_true_log10_lr``, ``unrelated_over_10000_mean`` and ``..._max``, and at
        the database-scale bar (``database_bar_log10``: 4 for couples, 4 + log10 N for
        single parents) ``true_over_bar_rate`` and
        ``unrelated_supports_at_database_scale_mean``/``_max``.
    """
    if queries < 1 or decoys < 1:
        raise ValueError("queries and decoys must be positive")
    chosen = dict(panels or {n: PANELS[n] for n in (15, 19, 21, 23)})
    loci = max(chosen.values(), key=len)
    truth = simulate_families(table, queries, seed=seed + 500, loci=loci)
    couples = decoy_couples(table, decoys, seed + 600, loci)
    true_ids = fixed_labels("T", 0, queries)
    couples.append_arrays(
        "families",
        {
            "father": truth.index_codes(couples, "father"),
            "mother": truth.index_codes(couples, "mother"),
            "labels": np.stack([true_ids] * 3, axis=1),
        },
    )
    singles = ReferenceIndex.create(loci, table=table, label_width=12)
    single_ids = fixed_labels("S", 0, decoys)
    singles.append_arrays(
        "families",
        {
            "father": random_index_codes(singles, table, decoys, seed + 700),
            "mother": np.zeros((len(loci), decoys), dtype=np.uint16),
            "labels": np.stack([single_ids] * 3, axis=1),
        },
    )
    # The true single parent is the father for even families and the mother for odd ones.
    even = np.arange(queries) % 2 == 0
    singles.append_arrays(
        "families",
        {
            "father": np.where(even, truth.index_codes(singles, "father"), 0).astype(np.uint16),
            "mother": np.where(~even, truth.index_codes(singles, "mother"), 0).astype(np.uint16),
            "labels": np.stack([true_ids] * 3, axis=1),
        },
    )
    rows: list[dict[str, Any]] = []
    for n_loci, panel in sorted(chosen.items()):
        line: dict[str, Any] = {"loci": n_loci}
        for mode, index in (("couple", couples), ("single", singles)):
            # The bar at database scale (homeward.kinship.chance): a single parent needs
            # LR >= 10,000 x N; a couple keeps the casework 10,000.
            size = decoys + queries
            bar = SUPPORT_LOG10 + (math.log10(size) if mode == "single" else 0.0)
            first = passed = passed_bar = 0
            over_bar: list[int] = []
            over: list[int] = []
            true_lr: list[float] = []
            for i in range(queries):
                child = truth.profile("child", i, f"Q{i}")
                scores = score_all(
                    index, child, "child-to-parents", table=table, loci=panel, workers=workers
                )
                true_score = float(scores[decoys + i])
                decoy_scores = np.delete(scores, decoys + i)
                first += int(np.all(decoy_scores < true_score))
                passed += int(true_score >= SUPPORT_LOG10)
                passed_bar += int(true_score >= bar)
                over.append(int(np.count_nonzero(decoy_scores >= SUPPORT_LOG10)))
                over_bar.append(int(np.count_nonzero(decoy_scores >= bar)))
                true_lr.append(true_score)
            line[mode] = {
                "rank1_rate": first / queries,
                "true_over_10000_rate": passed / queries,
                "median_true_log10_lr": statistics.median(true_lr),
                "unrelated_over_10000_mean": statistics.mean(over),
                "unrelated_over_10000_max": max(over),
                "database_bar_log10": bar,
                "true_over_bar_rate": passed_bar / queries,
                "unrelated_supports_at_database_scale_mean": statistics.mean(over_bar),
                "unrelated_supports_at_database_scale_max": max(over_bar),
            }
        rows.append(line)
    return {"queries": queries, "decoys": decoys, "mutations": truth.mutations, "rows": rows}

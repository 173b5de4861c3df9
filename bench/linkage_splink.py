"""Finding relatives (issue 14): the engine beside Splink, the reference, on a tuning seed.

`python bench/linkage_splink.py --seed 3` (a tuning seed; the benchmark's report seeds
are refused) generates the seed's reports and found persons, takes each report's best
``--keep`` found persons in its block under the domain prior (u re-estimated from the
records, no labels: the pairs ``train`` starts from), and hands their comparison vectors
to Splink 4 (DuckDB, in memory) as ``homeward/linkage/tests/test_against_splink.py``
does: one Splink pair per pair, custom SQL levels on the carried level columns. Splink
trains m by its own EM with u fixed at ours and its default convergence (25 iterations,
0.0001); the training rule conditions on sex and age as our block does, so Splink leaves
them at the prior, as ``train`` does.

The seed is then ranked by the engine's search (one-to-one posterior, TF, near-hard
floors), u re-estimated from its records as the bench does, with each m:

* **labelled**: the bundled model (m counted over labelled pairs of tuning seeds 1, 2);
* **one-to-one EM**: the bundled EM model (``train``, the engine's EM with the
  one-to-one constraint, no labels; ``model_em.json``);
* **Splink EM**: the m Splink's pairwise EM found (no interactions);
* **our pairwise EM**: ``expectation_maximisation`` on the same pairs with Splink's
  settings (no prior) and our 1e-6 floor on m (the only difference from Splink's, see
  the test).

Printed: recall@1, recall@10 and MRR over all candidates (no band cut), and the CPU time.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import duckdb  # noqa: E402
import splink  # noqa: E402
from linkage_tune import REPORT_SEEDS, dataset  # noqa: E402

from homeward.linkage import io  # noqa: E402
from homeward.linkage.columns import encode_report  # noqa: E402
from homeward.linkage.comparisons import COMPARISON_INDEX, COMPARISONS, N_COMPARISONS  # noqa: E402
from homeward.linkage.evaluate import metrics  # noqa: E402
from homeward.linkage.index import FoundIndex  # noqa: E402
from homeward.linkage.model import (  # noqa: E402
    Model,
    expectation_maximisation,
    pattern_counts,
    prior_m,
    prior_model,
)
from homeward.linkage.records import Report, found_from_fields, report_from_fields  # noqa: E402
from homeward.linkage.train import _candidates, estimate_u_only  # noqa: E402

BLOCKED = ("sex", "age")


def splink_em(
    gamma: np.ndarray[Any, Any], u: list[np.ndarray[Any, Any]], lam: float
) -> tuple[list[np.ndarray[Any, Any]], float, int]:
    n = len(gamma)
    records = pd.DataFrame(
        {
            "unique_id": np.arange(2 * n),
            "pair_id": np.repeat(np.arange(n), 2),
            **{f"{c.name}_lvl": np.repeat(gamma[:, ci], 2) for ci, c in enumerate(COMPARISONS)},
        }
    )
    m0 = prior_m()
    comparisons = []
    for ci, c in enumerate(COMPARISONS):
        column = f"{c.name}_lvl_l"
        levels: list[dict[str, Any]] = [
            {"sql_condition": f'"{column}" = 0', "label_for_charts": "null", "is_null_level": True}
        ]
        levels += [
            {
                "sql_condition": f'"{column}" = {k}',
                "label_for_charts": c.levels[k],
                "m_probability": float(m0[ci][k]),
                "u_probability": float(u[ci][k]),
            }
            for k in range(1, c.n_levels)
        ]
        comparisons.append({"output_column_name": c.name, "comparison_levels": levels})
    settings = {
        "link_type": "dedupe_only",
        "probability_two_random_records_match": lam,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": ["l.pair_id = r.pair_id"],
    }
    connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    linker = splink.Linker(records, settings, db_api=splink.DuckDBAPI(connection=connection))
    rule = " and ".join(["l.pair_id = r.pair_id", *(f"l.{c}_lvl = r.{c}_lvl" for c in BLOCKED)])
    session = linker.training.estimate_parameters_using_expectation_maximisation(
        rule, fix_u_probabilities=True, estimate_without_term_frequencies=True
    )
    m = [x.copy() for x in m0]
    for cc in session.core_model_settings.comparisons:
        ci = COMPARISON_INDEX[cc.output_column_name]
        for cl in cc.comparison_levels:
            if not cl.is_null_level:
                m[ci][COMPARISONS[ci].levels.index(cl.label_for_charts)] = float(cl.m_probability)
    lam_trained = float(session.core_model_settings.probability_two_random_records_match)
    return m, lam_trained, len(session._core_model_settings_history) - 1


def rank(index: FoundIndex, reports: list[Report], model: Model, truth: dict[str, str]) -> str:
    index.set_model(estimate_u_only(reports, index, model))
    started = time.process_time()
    ranked = {r.id: [(c.found_id, c.band) for c in index.search(r, top=10)] for r in reports}
    result = metrics(ranked, truth=truth, reports=[r.id for r in reports])
    return (
        f"recall@1 {result.recall_at_1:.3f}  recall@10 {result.recall_at_10:.3f}  "
        f"MRR {result.mrr:.3f}  (ranking CPU {time.process_time() - started:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--found", type=int, default=51500)
    parser.add_argument("--keep", type=int, default=200, help="0: every pair of the block")
    parser.add_argument(
        "--em-reports", type=int, help="with --keep 0: the blocks of this many reports (seeded)"
    )
    parser.add_argument("--cache", default=str(ROOT / "var" / "linkage-tune"))
    args = parser.parse_args()
    if args.seed in REPORT_SEEDS:
        parser.error("the benchmark's report seeds are not for tuning")
    started = time.process_time()
    print(f"splink {splink.__version__}, duckdb {duckdb.__version__}; load {os.getloadavg()}")
    data = dataset(args.seed, args.reports, args.found, Path(args.cache))
    reports = [report_from_fields(r) for r in data.reports]
    start = prior_model()
    index = FoundIndex.build([found_from_fields(f) for f in data.found], start)
    start = estimate_u_only(reports, index, start)
    index.set_model(start)
    queries = [encode_report(r) for r in reports]
    if args.keep > 0:
        gammas, _tfs, _sources = _candidates(index, queries, args.keep)
        n_em = len(queries)
    else:
        rng = np.random.default_rng(args.seed)
        n_em = min(args.em_reports or len(queries), len(queries))
        gammas = []
        for i in rng.choice(len(queries), n_em, replace=False):
            rows = index.block_rows(queries[int(i)])
            level, _tf, ok = index.levels(queries[int(i)], rows)
            gammas.append(level[ok])
    gamma = np.concatenate(gammas)
    lam = n_em * len(data.truth) / len(queries) / len(gamma)  # one true pair a matched report
    print(f"seed {args.seed}: {len(reports)} reports, {len(data.found)} found persons; "
          f"{len(gamma):,} pairs of {n_em} reports (best {args.keep or 'all'} in each block); "
          f"λ start {lam:.2g}")  # fmt: skip

    t = time.process_time()
    m_splink, lam_splink, iterations = splink_em(gamma, start.u, lam)
    print(f"Splink EM: {iterations} iterations, λ {lam_splink:.4f}, "
          f"CPU {time.process_time() - t:.1f} s (DuckDB threads not counted)")  # fmt: skip
    patterns, counts = pattern_counts(gamma)
    ours = expectation_maximisation(
        patterns,
        counts,
        m_start=prior_m(),
        u=start.u,
        active=[c.name not in BLOCKED for c in COMPARISONS],
        lambda_start=lam,
        prior_strength=0.0,
        max_iterations=iterations,
        tolerance=0.0,
    )
    gap = max(float(np.abs(ours.m[ci] - m_splink[ci])[1:].max()) for ci in range(N_COMPARISONS))
    print(f"our pairwise EM, same iterations: λ {ours.match_probability:.4f}, "
          f"largest |m - m Splink| {gap:.2g}")  # fmt: skip
    for ci, c in enumerate(COMPARISONS):
        if c.name in BLOCKED:
            continue
        bits = [
            f"{c.levels[k]} {math.log2(max(m_splink[ci][k], 1e-300) / start.u[ci][k]):+.1f}"
            for k in range(1, c.n_levels)
        ]
        print(f"  Splink weights, {c.name}: " + ", ".join(bits))

    labelled = io.read_bundled_model()
    one_to_one = io.read_model(io.EM_MODEL)
    rows = [
        ("labelled (bundled)", labelled),
        ("one-to-one EM (model_em.json)", one_to_one),
        ("Splink EM", replace(labelled, m=m_splink, interactions={})),
        ("our pairwise EM", replace(labelled, m=ours.m, interactions={})),
    ]
    for name, model in rows:
        print(f"{name:32s} {rank(index, reports, model, data.truth)}")
    print(f"total CPU {time.process_time() - started:.0f} s; load {os.getloadavg()}")


if __name__ == "__main__":
    main()

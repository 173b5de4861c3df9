"""Finding relatives (issue 14): refit the bundled model on the generator's tuning seeds.

`python bench/linkage_fit.py --seeds 1,2 --out homeward/linkage/data/model.json`
generates each seed's data set (``--reports`` × ``--found``, a quarter with no match),
counts m (and the m side of the interactions) over its true pairs with
:func:`homeward.linkage.train.fit_from_truth`, averages the seeds, and chooses the
"likely" band's posterior threshold so that at most ``--no-match-likely`` of the
no-match reports of the tuning seeds have a likely candidate. u is re-estimated from
the data whenever the engine ranks (``rank`` without ``--model``), so the u written
here only serves a model used as it is.

The report seeds of the benchmark (20261204, 99) must not be among ``--seeds``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from homeward.linkage import io  # noqa: E402
from homeward.linkage.comparisons import N_COMPARISONS  # noqa: E402
from homeward.linkage.generate import Generator  # noqa: E402
from homeward.linkage.index import FoundIndex  # noqa: E402
from homeward.linkage.model import Bands, Model  # noqa: E402
from homeward.linkage.records import found_from_fields, report_from_fields  # noqa: E402
from homeward.linkage.train import estimate_u_only, fit_from_truth  # noqa: E402

REPORT_SEEDS = {20261204, 99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--found", type=int, default=51500)
    parser.add_argument("--no-match-likely", type=float, default=0.06)
    parser.add_argument("--out", default=str(io.BUNDLED_MODEL))
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if REPORT_SEEDS & set(seeds):
        parser.error("the benchmark's report seeds are not for tuning")
    start = io.read_bundled_model()
    fitted: list[Model] = []
    worlds = []
    for seed in seeds:
        data = Generator(seed).dataset(reports=args.reports, found=args.found)
        reports = [report_from_fields(r) for r in data.reports]
        index = FoundIndex.build([found_from_fields(f) for f in data.found], start)
        fitted.append(fit_from_truth(reports, index, data.truth, start=start, seed=seed))
        worlds.append((reports, index, data.truth))
        print(f"seed {seed}: {fitted[-1].provenance['true_pairs']} true pairs")
    m = [np.mean([f.m[c] for f in fitted], axis=0) for c in range(N_COMPARISONS)]
    u = [np.mean([f.u[c] for f in fitted], axis=0) for c in range(N_COMPARISONS)]
    interactions = {
        key: (
            np.mean([f.interactions[key][0] for f in fitted], axis=0),
            np.mean([f.interactions[key][1] for f in fitted], axis=0),
        )
        for key in fitted[0].interactions
    }
    model = replace(fitted[0], m=m, u=u, interactions=interactions)

    # The "likely" threshold: the top candidates' posteriors of no-match reports.
    top_no_match: list[float] = []
    top_match: list[float] = []
    for reports, index, truth in worlds:
        index.set_model(estimate_u_only(reports, index, model))
        for report in reports:
            best = index.search(report, top=1)
            if not best:
                continue
            if report.id in truth:
                if best[0].found_id == truth[report.id]:
                    top_match.append(best[0].posterior)
            else:
                top_no_match.append(best[0].posterior)
    likely = float(np.quantile(top_no_match, 1 - args.no_match_likely))
    likely = round(max(min(likely, 0.9), 0.05), 3)
    true_likely = float(np.mean(np.asarray(top_match) >= likely)) if top_match else 0.0
    print(
        f"likely at posterior >= {likely} ({args.no_match_likely:.0%} of no-match reports); "
        f"true top candidates at or above it: {true_likely:.1%} of those ranked first"
    )
    bands = Bands(likely=likely, possible=start.bands.possible,
                  min_weight_possible=start.bands.min_weight_possible)  # fmt: skip
    provenance = {
        **model.provenance,
        "trained_on": f"generator seeds {args.seeds}: {args.reports:,} reports, "
        f"{args.found:,} found persons each (labelled synthetic pairs)",
        "likely_band": f"posterior at which {args.no_match_likely:.0%} of the tuning seeds' "
        "no-match reports have a likely candidate",
        "seeds": seeds,
    }
    model = replace(model, bands=bands, provenance=provenance)
    io.write_model(args.out, model)
    print(f"model written to {args.out}")


if __name__ == "__main__":
    main()

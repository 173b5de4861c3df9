"""Finding relatives (issue 14): the tuning protocol of the linkage engine in one run.

`python bench/linkage_tune.py --train 2 --test 1` counts m over the true pairs of the
training seed (:func:`homeward.linkage.train.fit_from_truth`), fits the learned offsets
on the same labelled pairs (:func:`homeward.linkage.discriminative.with_offsets`;
``--no-offsets``: plain Fellegi–Sunter, engine 1.2), sets the "likely" band
as ``bench/linkage_fit.py`` does (6 % of the training seed's no-match reports), then
ranks the test seed as the bench ranks (u re-estimated from its records, no labels) and
prints recall@1, recall@10, MRR and the no-match "likely" share. Both seeds must be
tuning seeds: the benchmark's report seeds (20261204, 99) are refused. The generated
rows are cached under ``--cache`` (default ``var/linkage-tune``; the generator does not depend on the engine).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from homeward.linkage import io  # noqa: E402
from homeward.linkage.discriminative import DEFAULT_L2, with_offsets  # noqa: E402
from homeward.linkage.evaluate import metrics  # noqa: E402
from homeward.linkage.generate import Dataset, Generator  # noqa: E402
from homeward.linkage.index import FoundIndex  # noqa: E402
from homeward.linkage.model import Bands  # noqa: E402
from homeward.linkage.records import found_from_fields, report_from_fields  # noqa: E402
from homeward.linkage.train import estimate_u_only, fit_from_truth  # noqa: E402

REPORT_SEEDS = {20261204, 99}
BANDS = {"likely": 2, "possible": 1}


def dataset(seed: int, reports: int, found: int, cache: Path) -> Dataset:
    path = cache / f"linkage-{seed}-{reports}-{found}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            data: Dataset = pickle.load(handle)  # noqa: S301 - our own cache
            return data
    data = Generator(seed).dataset(reports=reports, found=found, no_match_share=0.25)
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(data, handle)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=2)
    parser.add_argument("--test", type=int, default=1)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--found", type=int, default=51500)
    parser.add_argument("--no-match-likely", type=float, default=0.06)
    parser.add_argument("--cache", default=str(ROOT / "var" / "linkage-tune"))
    parser.add_argument("--save", help="write the fitted model here")
    parser.add_argument("--tf-weight", type=float, help="the model's term-frequency weight")
    parser.add_argument("--no-offsets", action="store_true", help="no learned offsets")
    parser.add_argument("--l2", type=float, default=DEFAULT_L2, help="the offsets' L2 penalty")
    args = parser.parse_args()
    if REPORT_SEEDS & {args.train, args.test}:
        parser.error("the benchmark's report seeds are not for tuning")
    started = time.process_time()
    cache = Path(args.cache)
    base = io.read_bundled_model()

    data = dataset(args.train, args.reports, args.found, cache)
    reports = [report_from_fields(r) for r in data.reports]
    index = FoundIndex.build([found_from_fields(f) for f in data.found], base)
    if args.tf_weight is not None:
        base = replace(base, tf_weight=args.tf_weight)
        index.set_model(base)
    model = fit_from_truth(reports, index, data.truth, start=base, seed=args.train)
    index.set_model(estimate_u_only(reports, index, model))
    if not args.no_offsets:
        model = with_offsets(model, [(reports, index, data.truth)], l2=args.l2)
        print(f"  offsets: {model.provenance['offsets']}")
    top_no_match = [
        best[0].posterior
        for r in reports
        if r.id not in data.truth and (best := index.search(r, top=1))
    ]
    likely = round(
        max(min(float(np.quantile(top_no_match, 1 - args.no_match_likely)), 0.9), 0.05), 3
    )
    bands = Bands(likely=likely, possible=base.bands.possible,
                  min_weight_possible=base.bands.min_weight_possible)  # fmt: skip
    model = replace(model, bands=bands)
    if args.save:
        io.write_model(args.save, model)

    data = dataset(args.test, args.reports, args.found, cache)
    reports = [report_from_fields(r) for r in data.reports]
    index = FoundIndex.build([found_from_fields(f) for f in data.found], model)
    index.set_model(estimate_u_only(reports, index, model))
    ranked = {}
    unbanded = {}
    for report in reports:
        candidates = index.search(report, top=10)
        unbanded[report.id] = [(c.found_id, c.band) for c in candidates]
        kept = [
            (c.found_id, c.band) for c in candidates if BANDS.get(c.band, 0) >= BANDS["possible"]
        ]
        if kept:
            ranked[report.id] = kept
    result = metrics(ranked, truth=data.truth, reports=[r.id for r in reports])
    everyone = metrics(unbanded, truth=data.truth, reports=[r.id for r in reports])
    print(
        f"  without the 'possible' cut: recall@10 {everyone.recall_at_10:.3f}  "
        f"MRR {everyone.mrr:.3f}"
    )
    print(
        f"train {args.train} -> test {args.test}: recall@1 {result.recall_at_1:.3f}  "
        f"recall@10 {result.recall_at_10:.3f}  MRR {result.mrr:.3f}  "
        f"no-match likely {result.no_match_with_likely:.1%}  likely at {likely}  "
        f"true likely {result.true_match_likely:.1%}  (CPU {time.process_time() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()

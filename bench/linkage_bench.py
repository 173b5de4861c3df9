"""Finding relatives (issue 14): ranking quality and search speed of the linkage engine.

`python bench/linkage_bench.py` (`make bench-linkage`). Two parts, each printed with its
wall time, CPU time and the load average:

1. **Quality** on a data set the engine was not tuned on (generator seed ``--seed``,
   default 20261204): ``--reports`` family reports (a quarter with no true match) against
   ``--found`` found persons with decoys, ranked as `python -m homeward.linkage rank`
   ranks them (bundled model, u re-estimated from the data, no labels). Prints recall@1,
   recall@10, MRR and the share of no-match reports with a candidate in the "likely"
   band, against the issue's targets (recall@10 ≥ 0.75, MRR ≥ 0.6, ≤ 10 %).
2. **Speed** against ``--million`` found persons (default 1,000,000; generated, then
   indexed): the median and p95 of single searches, and the time of ``--open`` searches
   (default 10,000, the night's full run), against the targets (≤ 100 ms per search,
   ≤ 10 minutes for the night). ``--open-sample`` searches only that many and scales the
   figure (said so in the output). The night's run uses ``--workers`` processes
   (default 2, the machine's cores) through :meth:`FoundIndex.search_many`.

Nothing is asserted: the figures are this machine's, printed beside its load.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from costs import load, machine, measured  # noqa: E402

from homeward.linkage import io  # noqa: E402
from homeward.linkage.evaluate import metrics  # noqa: E402
from homeward.linkage.generate import Generator  # noqa: E402
from homeward.linkage.index import FoundIndex  # noqa: E402
from homeward.linkage.records import found_from_fields, report_from_fields  # noqa: E402
from homeward.linkage.train import estimate_u_only, train  # noqa: E402

BANDS = {"likely": 2, "possible": 1}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def quality(seed: int, reports: int, found: int, *, em: bool, model: str | None = None) -> None:
    with measured(f"generate {reports:,} reports and {found:,} found persons (seed {seed})"):
        data = Generator(seed).dataset(reports=reports, found=found, no_match_share=0.25)
        report_records = [report_from_fields(r) for r in data.reports]
        found_records = [found_from_fields(f) for f in data.found]
    with measured(f"index and estimate {'m and u by EM' if em else 'u'} (no labels)"):
        base = io.read_model(model) if model else io.read_bundled_model()
        print(f"  model: {model or 'bundled'} ({base.provenance.get('method', '')})")
        index = FoundIndex.build(found_records, base)
        if em:
            index.set_model(train(report_records, index, start=base))
        else:
            index.set_model(estimate_u_only(report_records, index, base))
    ranked: dict[str, list[tuple[str, str]]] = {}
    with measured("rank every report (top 10, band possible or better)") as run:
        for report in report_records:
            kept = [
                (c.found_id, c.band)
                for c in index.search(report, top=10)
                if BANDS.get(c.band, 0) >= BANDS["possible"]
            ]
            if kept:
                ranked[report.id] = kept
    result = metrics(ranked, truth=data.truth, reports=[r.id for r in report_records])
    print(
        f"quality: recall@1 {result.recall_at_1:.3f}  recall@10 {result.recall_at_10:.3f} "
        f"(target ≥ 0.75)  MRR {result.mrr:.3f} (target ≥ 0.6)"
    )
    print(
        f"  no-match reports with a 'likely' candidate {result.no_match_with_likely:.1%} "
        f"(target ≤ 10%); with any candidate {result.no_match_with_candidate:.1%}; "
        f"true match in 'likely' {result.true_match_likely:.1%}; "
        f"someone else 'likely' at rank 1 {result.wrong_likely_at_1:.1%}"
    )
    print(
        f"  {result.with_match:,} reports with a match, {result.without_match:,} without; "
        f"{run.wall / max(len(report_records), 1) * 1000:.1f} ms per search at {found:,}"
    )


def speed(seed: int, size: int, open_searches: int, sample: int | None, workers: int) -> None:
    generator = Generator(seed + 1)
    with measured(f"generate {size:,} found persons and {open_searches:,} reports"):
        data = generator.dataset(reports=open_searches, found=size, no_match_share=0.25)
        report_records = [report_from_fields(r) for r in data.reports]
        found_records = [found_from_fields(f) for f in data.found]
        del data
    with measured(f"index {size:,} found persons"):
        base = io.read_bundled_model()
        index = FoundIndex.build(found_records, base)
        del found_records
        index.set_model(replace(base))
    print(f"  resident set after indexing: peak {_rss_mb():,.0f} MB")
    for report in report_records[:20]:  # warm the code paths
        index.search(report, top=10)
    single: list[float] = []
    for report in report_records[:500]:
        started = time.perf_counter()
        index.search(report, top=10)
        single.append(time.perf_counter() - started)
    single.sort()
    p95 = single[int(len(single) * 0.95) - 1]
    print(
        f"one search against {size:,}: median {statistics.median(single) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {single[-1] * 1000:.1f} ms "
        f"(500 searches; target ≤ 100 ms); load {load()}"
    )
    batch = report_records if sample is None else report_records[:sample]
    label = f"{len(batch):,} open searches against {size:,} (top 10 each, {workers} processes)"
    with measured(label) as run:
        index.search_many(batch, top=10, workers=workers)
    if len(batch) < open_searches:
        scaled = run.wall * open_searches / len(batch)
        print(
            f"  scaled to {open_searches:,} searches: {scaled / 60:.1f} min wall "
            f"(from a sample of {len(batch):,}; target ≤ 10 min)"
        )
    else:
        print(f"  the night's run: {run.wall / 60:.1f} min wall (target ≤ 10 min)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--found", type=int, default=51500)
    parser.add_argument("--million", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--open-sample", type=int)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=2, help="processes for the night's run (search_many)"
    )
    parser.add_argument("--em", action="store_true", help="re-estimate m by EM too (rank --em)")
    parser.add_argument("--model", help="a model file instead of the bundled one (quality only)")
    args = parser.parse_args()
    print(f"machine: {machine()}; load {load()}")
    quality(args.seed, args.reports, args.found, em=args.em, model=args.model)
    if not args.skip_speed:
        speed(args.seed, args.million, args.open, args.open_sample, args.workers)


if __name__ == "__main__":
    main()

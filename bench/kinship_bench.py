"""Kinship search benchmark and simulation accuracy report (standalone script).

    python bench/kinship_bench.py [--sizes 1000000,10000000] [--json out.json]

Measures, on synthetic profiles drawn from the Chinese Appendix D table (21 loci:
Goldeneye 20A's 19 STRs + D1S1656 + D2S441):

1. one child against N registered couples (the child's true parents hidden at a random
   row), for each N in --sizes: cold query (lookup tables built) and warm queries; memory
   footprint of the index; the first size is also written to disk and re-opened
   memory-mapped;
2. one couple against N children (N = the largest size);
3. the same comparisons by the straightforward per-profile Python reference on a subset,
   extrapolated to N and reported as a ratio;
4. accuracy at 15, 19, 21 and 23 loci with --decoys unrelated couples / single parents:
   how often the true couple / true single parent ranks first, and how many unrelated
   candidates reach LR 10,000.

Nothing asserts a timing; the script prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from homeward.kinship import (  # noqa: E402
    ENGINE_VERSION,
    KinshipParams,
    ParentQuery,
    ReferenceIndex,
    bundled_table_path,
    load_frequency_table,
    score_all,
    search,
)
from homeward.kinship.accuracy import accuracy_report, fixed_labels  # noqa: E402
from homeward.kinship.search import reference_scores  # noqa: E402
from homeward.kinship.simulate import PANELS, random_index_codes, simulate_families  # noqa: E402

SPEED_LOCI = PANELS[21]


labels = fixed_labels


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "engine": ENGINE_VERSION,
        "platform": platform.platform(),
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def build_families(
    table: Any, n: int, seed: int, loci: tuple[str, ...], path: Path | None = None
) -> ReferenceIndex:
    index = ReferenceIndex.create(loci, table=table, path=path, label_width=12)
    father = random_index_codes(index, table, n, seed)
    mother = random_index_codes(index, table, n, seed + 1)
    ids = labels("F", 0, n)
    index.append_arrays(
        "families",
        {"father": father, "mother": mother, "labels": np.stack([ids, ids, ids], axis=1)},
    )
    return index


def plant(index: ReferenceIndex, kind: str, row: int, columns: dict[str, np.ndarray]) -> None:
    """Overwrite one row of an in-memory index (benchmark only)."""
    arrays, local = index.locate(kind, row)  # type: ignore[arg-type]
    for key, values in columns.items():
        arrays[key][:, local] = values


def timed_search(
    index: ReferenceIndex, query: Any, direction: str, table: Any, workers: int, repeat: int
) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = search(index, query, direction, 10, table=table, workers=workers)
        runs.append((time.perf_counter() - start, result))
    cold_total, cold = runs[0]
    warm = [total for total, _ in runs[1:]] or [cold_total]
    return {
        "cold_total_s": cold_total,
        "cold_tables_s": cold.timings["tables"],
        "cold_scan_s": cold.timings["scan"],
        "warm_total_median_s": statistics.median(warm),
        "warm_total_min_s": min(warm),
        "warm_scan_median_s": statistics.median(r.timings["scan"] for _, r in runs[1:])
        if repeat > 1
        else cold.timings["scan"],
        "hits_s": cold.timings["hits"],
        "top": cold.hits[0].reference_id if cold.hits else None,
        "top_log10_lr": cold.hits[0].log10_lr if cold.hits else None,
        "over_10000": cold.over_support,
    }


def reference_rate(
    index: ReferenceIndex,
    query: Any,
    direction: str,
    table: Any,
    rows: int,
    fast: np.ndarray | None,
) -> dict[str, Any]:
    size = index.n_families if direction == "child-to-parents" else index.n_children
    chosen = np.linspace(0, size - 1, num=min(rows, size), dtype=np.int64).tolist()
    start = time.perf_counter()
    slow = reference_scores(index, query, direction, table=table, rows=chosen)
    elapsed = time.perf_counter() - start
    out = {"rows": len(chosen), "seconds": elapsed, "per_row_us": elapsed / len(chosen) * 1e6}
    if fast is not None:
        finite = np.isfinite(slow)
        out["max_abs_diff_vs_fast"] = float(np.max(np.abs(fast[chosen][finite] - slow[finite])))
    return out


def report_query(result: dict[str, Any], others: list[float]) -> None:
    print(
        f"cold query {result['cold_total_s']:.3f} s (tables {result['cold_tables_s']:.3f}, "
        f"scan {result['cold_scan_s']:.3f}, hits {result['hits_s']:.3f})"
    )
    if others:
        print(f"other cold queries: {', '.join(f'{t:.3f}' for t in others)} s")
    print(
        f"warm queries: median {result['warm_total_median_s']:.3f} s, "
        f"min {result['warm_total_min_s']:.3f} s (scan median {result['warm_scan_median_s']:.3f} s)"
    )


def report_reference(ref: dict[str, Any], extrapolated: float, ratio: float) -> None:
    print(
        f"reference (per-profile Python): {ref['rows']:,} rows in {ref['seconds']:.1f} s "
        f"= {ref['per_row_us']:.0f} us/row"
    )
    print(f"  extrapolated {extrapolated:,.0f} s; the vectorised scan is {ratio:,.0f}x faster")
    if "max_abs_diff_vs_fast" in ref:
        print(f"  max |fast - reference| on the subset: {ref['max_abs_diff_vs_fast']:.2e} log10")


def speed(
    table: Any,
    sizes: list[int],
    workers: int,
    reference_rows: int,
    seed: int,
    report: dict[str, Any],
) -> None:
    family = simulate_families(table, 3, seed=seed, loci=SPEED_LOCI)
    children = [family.profile("child", i, f"Q{i}") for i in range(3)]
    for position, n in enumerate(sizes):
        print(f"\n== one child vs {n:,} registered couples ({len(SPEED_LOCI)} loci) ==")
        start = time.perf_counter()
        index = build_families(table, n, seed + 10 * position, SPEED_LOCI)
        built = time.perf_counter() - start
        hidden = n // 2 + 17
        plant(
            index,
            "families",
            hidden,
            {
                "father": family.index_codes(index, "father")[:, 0],
                "mother": family.index_codes(index, "mother")[:, 0],
            },
        )
        sizes_b = index.nbytes()
        codes = sizes_b["families.father"] + sizes_b["families.mother"]
        label_bytes = sizes_b["families.labels"]
        print(f"generated in {built:.1f} s; index codes {mb(codes)} ({codes / n:.0f} B/couple)")
        print(f"labels {mb(label_bytes)} (3 x 12-byte ids per family, memory-mapped on disk)")
        result = timed_search(index, children[0], "child-to-parents", table, workers, repeat=7)
        others = [
            timed_search(index, child, "child-to-parents", table, workers, repeat=1)["cold_total_s"]
            for child in children[1:]
        ]
        lut_bytes = sum(
            (len(index.alleles(k)) * (len(index.alleles(k)) + 1) // 2 + 1) ** 2 * 4
            for k in SPEED_LOCI
        )
        report_query(result, others)
        found = result["top"] == f"F{hidden:011d}"
        print(f"true couple at rank 1: {found} (log10 LR {result['top_log10_lr']:.2f})")
        print(f"rows with LR >= 10,000: {result['over_10000']}")
        print(f"lookup tables per query {mb(lut_bytes)}; peak RSS so far {peak_rss_mb():,.0f} MB")
        fast = (
            score_all(index, children[0], "child-to-parents", table=table, workers=workers)
            if position == 0
            else None
        )
        ref = reference_rate(index, children[0], "child-to-parents", table, reference_rows, fast)
        extrapolated = ref["per_row_us"] * 1e-6 * n
        ratio = extrapolated / result["warm_scan_median_s"]
        report_reference(ref, extrapolated, ratio)
        entry = {
            "n": n,
            "generate_s": built,
            "index_code_bytes": codes,
            "index_label_bytes": sizes_b["families.labels"],
            "lut_bytes": lut_bytes,
            **result,
            "other_cold_s": others,
            "reference": ref,
            "reference_extrapolated_s": extrapolated,
            "speedup": ratio,
        }
        if position == 0:
            with tempfile.TemporaryDirectory(prefix="kinship-bench-") as folder:
                disk = ReferenceIndex.create(
                    SPEED_LOCI, table=table, path=Path(folder) / "idx", label_width=12
                )
                for kind in ("families",):
                    arrays = index.segments(kind)[0]  # type: ignore[arg-type]
                    start = time.perf_counter()
                    copies = {k: np.asarray(v) for k, v in arrays.items()}
                    disk.append_arrays(kind, copies)  # type: ignore[arg-type]
                    written = time.perf_counter() - start
                start = time.perf_counter()
                mapped = ReferenceIndex.open(Path(folder) / "idx")
                opened = time.perf_counter() - start
                on_disk = timed_search(
                    mapped, children[0], "child-to-parents", table, workers, repeat=3
                )
                print(
                    f"on disk: written in {written:.2f} s, opened (mmap) in {opened * 1e3:.1f} ms"
                )
                report_query(on_disk, [])
                print(
                    f"same top hit from the memory-mapped index: {on_disk['top'] == result['top']}"
                )
                entry["mmap"] = {"write_s": written, "open_s": opened, **on_disk}
        report.setdefault("couples", []).append(entry)
        del index

    n = sizes[-1]
    print(f"\n== one couple vs {n:,} children ({len(SPEED_LOCI)} loci) ==")
    start = time.perf_counter()
    index = ReferenceIndex.create(SPEED_LOCI, table=table, label_width=12)
    index.append_arrays(
        "children",
        {"codes": random_index_codes(index, table, n, seed + 99), "labels": labels("C", 0, n)},
    )
    built = time.perf_counter() - start
    hidden = n // 3 + 5
    plant(index, "children", hidden, {"codes": family.index_codes(index, "child")[:, 0]})
    query = ParentQuery(family.profile("father", 0, "QF"), family.profile("mother", 0, "QM"))
    result = timed_search(index, query, "parents-to-children", table, workers, repeat=7)
    codes = index.nbytes()["children.codes"]
    print(f"generated in {built:.1f} s; index codes {mb(codes)} ({codes / n:.0f} B/child)")
    report_query(result, [])
    print(f"true child at rank 1: {result['top'] == f'C{hidden:011d}'}")
    fast = score_all(index, query, "parents-to-children", table=table, workers=workers)
    ref = reference_rate(index, query, "parents-to-children", table, reference_rows, fast)
    extrapolated = ref["per_row_us"] * 1e-6 * n
    report_reference(ref, extrapolated, extrapolated / result["warm_scan_median_s"])
    report["children"] = {
        "n": n,
        "generate_s": built,
        "index_code_bytes": codes,
        **result,
        "reference": ref,
        "reference_extrapolated_s": extrapolated,
    }
    print(f"peak RSS {peak_rss_mb():,.0f} MB")


def accuracy(
    table: Any, decoys: int, queries: int, workers: int, seed: int, report: dict[str, Any]
) -> None:
    print(f"\n== accuracy: {queries} simulated families among {decoys:,} unrelated decoys ==")
    start = time.perf_counter()
    result = accuracy_report(table, queries=queries, decoys=decoys, seed=seed, workers=workers)
    print(f"simulated in {time.perf_counter() - start:.1f} s")
    print(f"{result['mutations']} mutated transmissions among the true children")
    print("loci  mode    rank 1  true>=1e4  median log10  unrelated>=1e4 per query")
    print("                                   LR (true)    mean    max")
    for line in result["rows"]:
        for mode in ("couple", "single"):
            m = line[mode]
            print(
                f"{line['loci']:>5} {mode:<7} {m['rank1_rate']:>7.0%} {m['true_over_10000_rate']:>9.0%} "
                f"{m['median_true_log10_lr']:>11.1f} {m['unrelated_over_10000_mean']:>12.2f} "
                f"{m['unrelated_over_10000_max']:>6}"
            )
    report["accuracy"] = result
    print(f"peak RSS {peak_rss_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1000000,10000000", help="registered couples (comma-separated)"
    )
    parser.add_argument(
        "--decoys", type=int, default=1_000_000, help="unrelated decoys for accuracy"
    )
    parser.add_argument("--queries", type=int, default=300, help="simulated families for accuracy")
    parser.add_argument(
        "--reference-rows", type=int, default=20_000, help="rows scored by the reference"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20_240_601)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    started = time.perf_counter()
    table = load_frequency_table(bundled_table_path("china"))
    report: dict[str, Any] = {"machine": machine(), "parameters": KinshipParams().as_dict()}
    print("machine:", json.dumps(report["machine"]))
    print(f"table: {table.source} sha256 {table.digest[:16]}..., policy {table.policy.as_dict()}")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    speed(table, sizes, args.workers, args.reference_rows, args.seed, report)
    if not args.skip_accuracy:
        accuracy(table, args.decoys, args.queries, args.workers, args.seed, report)
    report["total_s"] = time.perf_counter() - started
    report["peak_rss_mb"] = peak_rss_mb()
    print(f"\ntotal {report['total_s']:.0f} s, peak RSS {report['peak_rss_mb']:,.0f} MB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=float))


if __name__ == "__main__":
    main()

"""Finding relatives (issue 14): where the linkage engine loses the true pairs.

`python bench/linkage_diagnose.py --seed 1 --reports 500 --found 15000` generates a data
set (keeping the simulated truth of every child), ranks every report against every
found person and prints, for the reports that have a true match:

- whether the true found person is inside the blocked candidate set, and its rank
  there and among all found persons (no top-10 cut);
- the share of true pairs whose birth intervals miss the true birth date (report side,
  found side) and the distribution of their comparison levels;
- the mean contribution (bits) of each comparison for the true pairs and for the best
  wrong candidate, and the share of true pairs where a comparison is negative;
- the share of true pairs with no identifying evidence at all (names, parents, marks,
  landmarks, blood, height, district all null or disagreeing): an upper bound on what
  is recoverable comes from them.

Diagnostics only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from homeward.linkage import io  # noqa: E402
from homeward.linkage.ages import year_fraction  # noqa: E402
from homeward.linkage.columns import encode_report  # noqa: E402
from homeward.linkage.comparisons import COMPARISONS, N_COMPARISONS  # noqa: E402
from homeward.linkage.generate import Child, Generator  # noqa: E402
from homeward.linkage.index import FoundIndex  # noqa: E402
from homeward.linkage.records import found_from_fields, report_from_fields  # noqa: E402
from homeward.linkage.train import estimate_u_only, train  # noqa: E402


class TracingGenerator(Generator):
    """A generator that remembers which child each record was written from."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.child_of: dict[str, Child] = {}

    def report(self, child: Child, report_id: str) -> dict[str, str]:
        self.child_of[report_id] = child
        return super().report(child, report_id)

    def found(self, child: Child, found_id: str) -> dict[str, str]:
        self.child_of[found_id] = child
        return super().found(child, found_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--found", type=int, default=15000)
    parser.add_argument("--em", action="store_true")
    parser.add_argument("--model", help="a model file instead of the bundled one")
    args = parser.parse_args()

    gen = TracingGenerator(args.seed)
    data = gen.dataset(reports=args.reports, found=args.found, no_match_share=0.25)
    reports = [report_from_fields(r) for r in data.reports]
    found = [found_from_fields(f) for f in data.found]
    base = io.read_model(args.model) if args.model else io.read_bundled_model()
    index = FoundIndex.build(found, base)
    model = train(reports, index, start=base) if args.em else estimate_u_only(reports, index, base)
    index.set_model(model)
    names = [c.name for c in COMPARISONS]

    in_block = 0
    ranks_block: list[int] = []
    ranks_all: list[int] = []
    true_levels = np.zeros((0, N_COMPARISONS), np.int8)
    true_contrib: list[np.ndarray] = []
    wrong_contrib: list[np.ndarray] = []
    report_miss = found_miss = 0
    report_known = found_known = 0
    no_evidence = 0
    no_evidence_top10 = 0
    hard_killed = 0
    all_rows = np.arange(index.n, dtype=np.intp)
    for r in reports:
        target = data.truth.get(r.id)
        if target is None:
            continue
        child = gen.child_of[r.id]
        born = year_fraction(child.birth)
        if r.birth.known:
            report_known += 1
            report_miss += not (r.birth.low <= born <= r.birth.high)
        q = encode_report(r)
        weights_of = index.weights_for(q.loss_age)
        row = index.row_of[target]
        fr_lo, fr_hi = index.cols.birth_lo[row], index.cols.birth_hi[row]
        if not np.isnan(fr_lo):
            found_known += 1
            found_miss += not (fr_lo <= born <= fr_hi)
        block = index.block_rows(q)
        inside = bool((block == row).any())
        in_block += inside
        gamma, tf, ok = index.levels(q, all_rows)
        w = index.score(gamma, tf, q.loss_age)
        w[~ok] = -np.inf
        hard_killed += not ok[row]
        rank_all = int((w > w[row]).sum()) + 1
        ranks_all.append(rank_all)
        in_block_mask = np.zeros(index.n, bool)
        in_block_mask[block] = True
        wb = np.where(in_block_mask, w, -np.inf)
        ranks_block.append(int((wb > w[row]).sum()) + 1 if inside else 10**9)
        true_levels = np.vstack([true_levels, gamma[row]])
        contrib = np.asarray(
            [weights_of[ci][gamma[row, ci]] + tf[row, ci] for ci in range(N_COMPARISONS)]
        )
        true_contrib.append(contrib)
        wb[row] = -np.inf
        best_wrong = int(np.argmax(wb))
        wrong_contrib.append(
            np.asarray(
                [
                    weights_of[ci][gamma[best_wrong, ci]] + tf[best_wrong, ci]
                    for ci in range(N_COMPARISONS)
                ]
            )
        )
        g = gamma[row]
        identifying = (
            g[names.index("name")] in (*range(1, 9), 12)
            or g[names.index("parent")] == 1
            or g[names.index("marks")] in (1, 2)
            or g[names.index("landmarks")] in (1, 2, 4)
            or g[names.index("blood")] == 1
            or g[names.index("height")] == 1
            or g[names.index("place")] == 1
        )
        if not identifying:
            no_evidence += 1
            no_evidence_top10 += ranks_block[-1] <= 10

    n = len(ranks_all)
    rb = np.asarray(ranks_block)
    ra = np.asarray(ranks_all)
    print(f"seed {args.seed}: {n} reports with a true match, {index.n} found persons")
    print(
        f"  true row inside the block: {in_block / n:.3f}; killed by a hard constraint: "
        f"{hard_killed / n:.3f}"
    )
    for k in (1, 10, 50, 200, 1000):
        print(
            f"  rank ≤ {k:>4}: in block {np.mean(rb <= k):.3f}   over all rows "
            f"{np.mean(ra <= k):.3f}"
        )
    print(f"  MRR in block {np.mean(1 / rb):.3f}")
    print(
        f"  report birth interval misses the true birth: {report_miss / max(report_known, 1):.3f} "
        f"of {report_known}; found: {found_miss / max(found_known, 1):.3f} of {found_known}"
    )
    print(
        f"  true pairs with no identifying evidence: {no_evidence / n:.3f} "
        f"(of them in the top 10: {no_evidence_top10 / max(no_evidence, 1):.3f})"
    )
    tc = np.asarray(true_contrib)
    wc = np.asarray(wrong_contrib)
    print(
        f"  {'comparison':<10} {'true mean':>9} {'wrong mean':>10} {'true<0':>7}  levels of true pairs"
    )
    for ci, c in enumerate(COMPARISONS):
        counts = Counter(int(x) for x in true_levels[:, ci])
        dist = " ".join(f"{c.levels[k]}:{counts[k] / n:.2f}" for k in sorted(counts))
        print(
            f"  {c.name:<10} {tc[:, ci].mean():>9.2f} {wc[:, ci].mean():>10.2f} "
            f"{np.mean(tc[:, ci] < -0.5):>7.2f}  {dist}"
        )
    print(f"  total      {tc.sum(1).mean():>9.2f} {wc.sum(1).mean():>10.2f}")


if __name__ == "__main__":
    main()

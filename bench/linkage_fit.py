"""Finding relatives (issue 14): refit the bundled model on the generator's tuning seeds.

`python bench/linkage_fit.py --seeds 1,2 --out homeward/linkage/data/model.json`
generates each seed's data set (``--reports`` × ``--found``, a quarter with no match),
counts m (and the m side of the interactions) over its true pairs with
:func:`homeward.linkage.train.fit_from_truth`, averages the seeds, fits the offsets of
the per-level weights on the same labelled pairs
(:func:`homeward.linkage.discriminative.with_offsets`, ``--no-offsets``: none), and
chooses the "likely" band's posterior threshold so that at most ``--no-match-likely``
of the no-match reports of the tuning seeds have a likely candidate. u is re-estimated from
the data whenever the engine ranks (``rank`` without ``--model``), so the u written
here only serves a model used as it is.

The report seeds of the benchmark (20261204, 99) must not be among ``--seeds``.

``--em OUT`` also trains a model **without labels** on the same seeds (one-to-one EM
from the domain prior, :func:`homeward.linkage.train.train`), averages the seeds, writes
it to OUT with its provenance and prints how far its m is from the label-counted m
(largest absolute difference and the Kullback–Leibler divergence per comparison).
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
from homeward.linkage.comparisons import COMPARISONS, N_COMPARISONS  # noqa: E402
from homeward.linkage.discriminative import DEFAULT_L2, with_offsets  # noqa: E402
from homeward.linkage.generate import Generator  # noqa: E402
from homeward.linkage.index import FoundIndex  # noqa: E402
from homeward.linkage.model import Bands, Model, prior_model  # noqa: E402
from homeward.linkage.records import Report, found_from_fields, report_from_fields  # noqa: E402
from homeward.linkage.train import estimate_u_only, fit_from_truth, train  # noqa: E402

REPORT_SEEDS = {20261204, 99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--found", type=int, default=51500)
    parser.add_argument("--no-match-likely", type=float, default=0.06)
    parser.add_argument("--out", default=str(io.BUNDLED_MODEL))
    parser.add_argument("--em", help="also write a model trained without labels here")
    parser.add_argument("--no-offsets", action="store_true", help="plain Fellegi–Sunter")
    parser.add_argument("--l2", type=float, default=DEFAULT_L2, help="the offsets' L2 penalty")
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

    # Offsets per level (and age-at-loss class) by a conditional logit over the same
    # labelled pairs, each seed's candidates ranked with u of its own records.
    if not args.no_offsets:
        for reports, index, _truth in worlds:
            index.set_model(estimate_u_only(reports, index, model))
        model = with_offsets(model, worlds, l2=args.l2)
        print(f"offsets: {model.provenance['offsets']}")

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
    if args.em:
        write_em_model(args.em, seeds, worlds, labelled=model)


def _average(models: list[Model]) -> Model:
    m = [np.mean([f.m[c] for f in models], axis=0) for c in range(N_COMPARISONS)]
    u = [np.mean([f.u[c] for f in models], axis=0) for c in range(N_COMPARISONS)]
    interactions = {
        key: (
            np.mean([f.interactions[key][0] for f in models], axis=0),
            np.mean([f.interactions[key][1] for f in models], axis=0),
        )
        for key in models[0].interactions
    }
    prior = float(np.mean([f.prior_has_match for f in models]))
    return replace(models[0], m=m, u=u, interactions=interactions, prior_has_match=prior)


def distance(a: Model, b: Model) -> dict[str, dict[str, float]]:
    """Per comparison: the largest |m_a - m_b| over the levels, and KL(m_b || m_a) bits."""
    out: dict[str, dict[str, float]] = {}
    for c, ma, mb in zip(COMPARISONS, a.m, b.m, strict=True):
        pa, pb = np.maximum(ma[1:], 1e-6), np.maximum(mb[1:], 1e-6)
        out[c.name] = {
            "max_abs": round(float(np.abs(pa - pb).max()), 4),
            "kl_bits": round(float((pb * np.log2(pb / pa)).sum()), 4),
        }
    return out


def write_em_model(
    path: str,
    seeds: list[int],
    worlds: list[tuple[list[Report], FoundIndex, dict[str, str]]],
    *,
    labelled: Model,
) -> None:
    """m, u, interactions and the prior by one-to-one EM, no labels (domain prior start)."""
    start = replace(prior_model(), bands=labelled.bands)
    trained = []
    for seed, (reports, index, _truth) in zip(seeds, worlds, strict=True):
        trained.append(train(reports, index, start=start, seed=seed, rounds=2))
        print(f"seed {seed}: EM {trained[-1].provenance}")
    model = _average(trained)
    gap = distance(model, labelled)
    provenance = {
        **trained[0].provenance,
        "trained_on": f"generator seeds {','.join(map(str, seeds))} without labels "
        "(EM from the domain prior homeward.linkage.model.PRIOR_M)",
        "seeds": seeds,
        "distance_to_labelled_m": gap,
        "bands": "the labelled model's",
    }
    io.write_model(path, replace(model, provenance=provenance))
    for name, values in gap.items():
        print(f"  {name:<10} max |m_EM - m_labels| {values['max_abs']:.3f}  "
              f"KL {values['kl_bits']:.3f} bits")  # fmt: skip
    print(f"EM model written to {path}")


if __name__ == "__main__":
    main()

"""``python -m homeward.linkage``: rank found persons for every report, offline.

Commands
--------
rank
    ``rank --reports REPORTS.csv --found FOUND.csv --top 10 --out PRED.csv [--band likely]``
    writes ``report_id, found_id, score, rank`` (rank 1 = best; ``score`` is the match
    weight in bits, log2 of the Bayes factor). A report with no candidate at or above
    the lowest band (or the band given with ``--band``) has no row.
train
    ``train --reports R.csv --found F.csv --out model.json``: u from the data, m by EM.
generate
    ``generate --seed 7 --reports 2000 --found 51500 --out DIR``: a synthetic pair of
    files and their truth (``truth.csv``).
evaluate
    ``evaluate --pred PRED.csv --truth truth.csv --reports R.csv``: recall@1/10, MRR,
    false links.

By default ``rank`` re-estimates the u probabilities and the term frequencies from the
files it is given (no labels needed) and keeps the m probabilities of the bundled
model; ``--em`` also re-estimates m by EM, ``--model`` uses a saved model as it is.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from . import io
from .index import FoundIndex
from .model import Model
from .train import estimate_u_only, train

BAND_ORDER = {"likely": 2, "possible": 1}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m homeward.linkage", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rank = sub.add_parser("rank", help="rank found persons for every report")
    rank.add_argument("--reports", required=True)
    rank.add_argument("--found", required=True)
    rank.add_argument("--top", type=int, default=10)
    rank.add_argument("--out", required=True)
    rank.add_argument("--band", choices=sorted(BAND_ORDER), default="possible")
    rank.add_argument("--model", help="a model saved by 'train' (used as it is)")
    rank.add_argument("--em", action="store_true", help="also re-estimate m by EM")
    rank.add_argument("--prior", type=float, help="prior that a report's person is present")
    train_cmd = sub.add_parser("train", help="train a model without labels")
    train_cmd.add_argument("--reports", required=True)
    train_cmd.add_argument("--found", required=True)
    train_cmd.add_argument("--out", required=True)
    train_cmd.add_argument("--seed", type=int, default=0)
    generate = sub.add_parser("generate", help="write a synthetic data set")
    generate.add_argument("--seed", type=int, required=True)
    generate.add_argument("--reports", type=int, default=2000)
    generate.add_argument("--found", type=int, default=51500)
    generate.add_argument("--no-match-share", type=float, default=0.25)
    generate.add_argument("--out", required=True)
    evaluate = sub.add_parser("evaluate", help="score a PRED.csv against the truth")
    evaluate.add_argument("--pred", required=True)
    evaluate.add_argument("--truth", required=True)
    evaluate.add_argument("--reports", required=True)
    return parser


def _log(message: str) -> None:
    print(message, file=sys.stderr)  # noqa: T201 - the command line's progress


def run_rank(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    reports = io.read_reports(args.reports)
    found = io.read_found(args.found)
    _log(f"read {len(reports)} reports and {len(found)} found persons")
    if args.model:
        model = io.read_model(args.model)
        index = FoundIndex.build(found, model)
    else:
        base = io.read_bundled_model()
        if args.prior is not None:
            base = replace(base, prior_has_match=args.prior)
        index = FoundIndex.build(found, base)
        model = (
            train(reports, index, start=base) if args.em else estimate_u_only(reports, index, base)
        )
        index.set_model(model)
    if args.prior is not None:
        index.set_model(replace(index.model, prior_has_match=args.prior))
    threshold = BAND_ORDER[args.band]
    rows: list[dict[str, object]] = []
    for report in reports:
        candidates = index.search(report, top=args.top)
        kept = [c for c in candidates if BAND_ORDER.get(c.band, 0) >= threshold]
        for rank, candidate in enumerate(kept, start=1):
            rows.append(
                {
                    "report_id": report.id,
                    "found_id": candidate.found_id,
                    "score": f"{candidate.weight:.3f}",
                    "rank": rank,
                }
            )
    io.write_rows(args.out, ("report_id", "found_id", "score", "rank"), rows)
    _log(f"wrote {len(rows)} rows to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def run_train(args: argparse.Namespace) -> int:
    reports = io.read_reports(args.reports)
    found = io.read_found(args.found)
    base = io.read_bundled_model()
    index = FoundIndex.build(found, base)
    model = train(reports, index, start=base, seed=args.seed)
    io.write_model(args.out, model)
    _log(f"model written to {args.out}")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from .generate import Generator
    from .records import FOUND_COLUMNS, REPORT_COLUMNS

    data = Generator(args.seed).dataset(
        reports=args.reports, found=args.found, no_match_share=args.no_match_share
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    io.write_rows(out / "reports.csv", REPORT_COLUMNS, data.reports)
    io.write_rows(out / "found.csv", FOUND_COLUMNS, data.found)
    io.write_rows(
        out / "truth.csv",
        ("report_id", "found_id"),
        ({"report_id": r, "found_id": f} for r, f in sorted(data.truth.items())),
    )
    _log(f"wrote {len(data.reports)} reports, {len(data.found)} found persons to {out}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import metrics

    truth = {r["report_id"]: r["found_id"] for r in io.read_table(args.truth)}
    report_ids = [r["report_id"] for r in io.read_table(args.reports)]
    ranked: dict[str, list[tuple[str, str]]] = {}
    rows = sorted(io.read_table(args.pred), key=lambda r: (r["report_id"], int(r["rank"])))
    for row in rows:
        ranked.setdefault(row["report_id"], []).append((row["found_id"], row.get("band", "")))
    result = metrics(ranked, truth=truth, reports=report_ids)
    print(json.dumps(result.as_dict(), indent=1))  # noqa: T201
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "rank": run_rank,
        "train": run_train,
        "generate": run_generate,
        "evaluate": run_evaluate,
    }
    try:
        return handlers[args.command](args)
    except io.CsvError as error:
        _log(f"error: {error}")
        return 2
    except (OSError, ValueError) as error:
        _log(f"error: {error}")
        return 2


__all__ = ["Model", "build_parser", "main"]

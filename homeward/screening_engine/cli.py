"""``python -m homeward.screening``: classify, train and evaluate, offline (no Django).

Commands
--------
classify
    ``classify --input POSTS.jsonl --out LABELS.jsonl [--model model.json]``: every input
    line is ``{"id": "...", "text": "..."}``; every output line is ``{"id", "label",
    "score", "scores", "flagged", "cues", "identifiers", "model_version", "cluster",
    "network"}``. A file with bad lines is refused as a whole, every bad line named.
train
    ``train [--data DIR] [--out DIR] [--version V] [--extra REVIEWED.jsonl]``: 5-fold CV,
    calibration, the final fit; writes ``model.json``, ``evaluation.json`` and
    ``evaluation.md`` (by default into the package's ``model/``).
evaluate
    ``evaluate --input LABELLED.jsonl [--model model.json] [--json OUT.json]``: precision,
    recall, F1 per label, macro-F1, confusion matrix, hard negatives flagged.
generate
    ``generate --out DIR [--seed N]``: rewrite the templated part of the training corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .corpus import DATA_DIR, CorpusError, corpus_files, digest, load_corpus, read_posts
from .model import MODEL_PATH, load_model
from .neardup import NearDuplicateIndex
from .networks import link_networks
from .train import evaluate_predictions, train_and_save
from .types import LABELS

BATCH = 512


def _say(message: str) -> None:
    print(message, file=sys.stderr)  # noqa: T201 - the command line's progress and errors


def _out(message: str) -> None:
    print(message)  # noqa: T201 - the command line's result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m homeward.screening",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    classify = sub.add_parser("classify", help="label, explain and cluster posts")
    classify.add_argument("--input", required=True, type=Path)
    classify.add_argument("--out", required=True, type=Path)
    classify.add_argument("--model", type=Path)
    train = sub.add_parser("train", help="train the model and write its evaluation report")
    train.add_argument("--data", type=Path, default=DATA_DIR)
    train.add_argument("--out", type=Path, default=MODEL_PATH.parent)
    train.add_argument("--version", help="model version (default: date-based)")
    train.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        help="another labelled JSONL to train on (e.g. reviewers' decisions); repeatable",
    )
    evaluate = sub.add_parser("evaluate", help="figures of the model on a labelled file")
    evaluate.add_argument("--input", required=True, type=Path)
    evaluate.add_argument("--model", type=Path)
    evaluate.add_argument("--json", type=Path, help="write the figures as JSON here")
    generate = sub.add_parser("generate", help="write the templated training posts")
    generate.add_argument("--out", type=Path, default=DATA_DIR)
    generate.add_argument("--seed", type=int, default=None)
    return parser


def _read_unlabelled(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    posts: list[tuple[str, str]] = []
    errors: list[str] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                errors.append(f"line {number}: not JSON ({error.msg})")
                continue
            if not isinstance(row, dict):
                errors.append(f"line {number}: not a JSON object")
                continue
            post_id, text = row.get("id"), row.get("text")
            if not isinstance(post_id, (str, int)) or str(post_id) == "":
                errors.append(f"line {number}: 'id' is missing")
            elif not isinstance(text, str):
                errors.append(f"line {number}: 'text' is missing or not a string")
            elif str(post_id) in seen:
                errors.append(f"line {number}: id {post_id!r} repeats an earlier line")
            else:
                seen.add(str(post_id))
                posts.append((str(post_id), text))
    return posts, errors


def command_classify(args: argparse.Namespace) -> int:
    posts, errors = _read_unlabelled(args.input)
    if errors:
        _say(f"{args.input}: {len(errors)} bad line(s), nothing written:")
        for error in errors:
            _say(f"  {error}")
        return 2
    model = load_model(args.model)
    started = time.perf_counter()
    results = []
    for offset in range(0, len(posts), BATCH):
        batch = posts[offset : offset + BATCH]
        results.extend(model.classify([text for _, text in batch]))
    index = NearDuplicateIndex()
    clusters = index.add_many(posts)
    networks = link_networks(
        (post_id, [(i.kind, i.value) for i in result.identifiers])
        for (post_id, _), result in zip(posts, results, strict=True)
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for (post_id, _), result in zip(posts, results, strict=True):
            line = (
                {"id": post_id}
                | result.as_json()
                | {
                    "cluster": clusters[post_id],
                    "network": networks[post_id],
                }
            )
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    elapsed = time.perf_counter() - started
    flagged = sum(result.flagged for result in results)
    _say(
        f"{len(posts)} posts, {flagged} flagged, {len(set(clusters.values()))} clusters, "
        f"{len(set(networks.values()))} networks; model {model.version}; {elapsed:.1f} s"
    )
    return 0


def command_train(args: argparse.Namespace) -> int:
    files = corpus_files(args.data)
    if not files:
        _say(f"no *.jsonl in {args.data}")
        return 2
    posts = load_corpus(args.data)
    for extra in args.extra:
        posts.extend(read_posts(extra))
    files = files + list(args.extra)
    data_sha256 = digest(files)
    version = args.version or f"{time.strftime('%Y.%m.%d')}-{data_sha256[:8]}"
    report = train_and_save(posts, out_dir=args.out, version=version, data_sha256=data_sha256)
    cv = report["cross_validation"]
    written = report.get("handwritten_cross_validation") or {}
    _say(
        f"model {version}: {len(posts)} posts, CV macro-F1 {cv['macro_f1']:.3f}, hard negatives "
        f"flagged {cv['hard_negatives_flagged']}/{cv['hard_negatives']}; hand-written CV macro-F1 "
        f"{written.get('macro_f1', float('nan')):.3f}; written to {args.out}"
    )
    return 0


def command_evaluate(args: argparse.Namespace) -> int:
    posts = list(read_posts(args.input))
    model = load_model(args.model)
    probabilities = np.asarray(
        [
            [result.scores[label] for label in LABELS]
            for result in model.classify([p.text for p in posts])
        ]
    )
    evaluation = evaluate_predictions(
        [p.label for p in posts],
        probabilities,
        [p.hard_negative for p in posts],
        threshold=model.threshold,
    )
    figures = evaluation.as_json() | {"model_version": model.version, "input": str(args.input)}
    if args.json:
        args.json.write_text(
            json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    _out(f"model {model.version} on {args.input} ({evaluation.n} posts)")
    _out(f"macro-F1 {evaluation.macro_f1:.3f}  accuracy {evaluation.accuracy:.3f}")
    _out(
        f"hard negatives flagged {evaluation.hard_negatives_flagged}/{evaluation.hard_negatives} "
        f"({100 * evaluation.hard_negative_fp_rate:.1f} %), threshold {evaluation.threshold}"
    )
    for label, figures in evaluation.per_label.items():
        _out(
            f"  {label:<26} P {figures['precision']:.3f}  R {figures['recall']:.3f}  "
            f"F1 {figures['f1']:.3f}  n {figures['support']}"
        )
    _out("confusion (rows truth, columns predicted):")
    for label, counts in zip(LABELS, evaluation.confusion, strict=True):
        _out(f"  {label[:12]:<12} " + " ".join(f"{v:4d}" for v in counts))
    return 0


def command_generate(args: argparse.Namespace) -> int:
    from .generate import DEFAULT_SEED, write_generated

    count = write_generated(args.out, seed=DEFAULT_SEED if args.seed is None else args.seed)
    _say(f"{count} posts written to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "classify":
            return command_classify(args)
        if args.command == "train":
            return command_train(args)
        if args.command == "evaluate":
            return command_evaluate(args)
        return command_generate(args)
    except (CorpusError, FileNotFoundError) as error:
        _say(f"error: {error}")
        return 2

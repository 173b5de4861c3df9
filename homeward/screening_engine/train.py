"""Training and evaluation of the screening model (scikit-learn), offline.

``train_model`` fits tf-idf over character 1-3-grams of the normalised text (see
:mod:`.features`) and a multinomial logistic regression, then a temperature on the
out-of-fold logits of a stratified 5-fold cross-validation, so the probabilities are
calibrated; the same cross-validation gives the evaluation report (per-label precision,
recall and F1, confusion matrix, hard-negative false-positive rate), and a
leave-one-style-out run shows how the model falls on a style it has not seen.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from .corpus import LabelledPost
from .features import NGRAM_MAX, NGRAM_MIN, analyzer
from .model import Model
from .types import BENIGN, LABELS

SEED = 20261204
C = 32.0
MIN_DF = 2
FOLDS = 5
DEFAULT_THRESHOLD = 0.5
# Hand-written posts count more than templated ones: each is written apart, the templated
# ones are many variations of few sentences.
HANDWRITTEN_WEIGHT = 3.0


@dataclass
class Fitted:
    vectorizer: TfidfVectorizer
    classifier: LogisticRegression


def _targets(posts: Sequence[LabelledPost]) -> npt.NDArray[np.int64]:
    return np.array([LABELS.index(post.label) for post in posts], dtype=np.int64)


def fit(
    posts: Sequence[LabelledPost],
    *,
    c: float = C,
    min_df: int = MIN_DF,
    handwritten_weight: float = HANDWRITTEN_WEIGHT,
) -> Fitted:
    vectorizer = TfidfVectorizer(
        analyzer=analyzer, sublinear_tf=True, min_df=min_df, dtype=np.float32
    )
    matrix = vectorizer.fit_transform([post.text for post in posts])
    classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    weights = np.array(
        [handwritten_weight if post.source == "handwritten" else 1.0 for post in posts]
    )
    classifier.fit(matrix, _targets(posts), sample_weight=weights)
    if list(classifier.classes_) != list(range(len(LABELS))):
        raise ValueError("every label needs training posts")
    return Fitted(vectorizer, classifier)


def logits(fitted: Fitted, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    matrix = fitted.vectorizer.transform(list(texts))
    return np.asarray(fitted.classifier.decision_function(matrix), dtype=np.float64)


def softmax(values: npt.NDArray[np.float64], temperature: float = 1.0) -> npt.NDArray[np.float64]:
    scaled = values / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def fit_temperature(oof_logits: npt.NDArray[np.float64], targets: npt.NDArray[np.int64]) -> float:
    """The temperature minimising the negative log-likelihood of out-of-fold logits."""

    def nll(log_t: float) -> float:
        p = softmax(oof_logits, float(np.exp(log_t)))
        return float(-np.mean(np.log(np.clip(p[np.arange(len(targets)), targets], 1e-12, 1.0))))

    result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(result.x))


def out_of_fold_logits(
    posts: Sequence[LabelledPost], *, folds: int = FOLDS, seed: int = SEED, c: float = C
) -> npt.NDArray[np.float64]:
    targets = _targets(posts)
    out = np.zeros((len(posts), len(LABELS)), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(np.zeros(len(posts)), targets):
        fitted = fit([posts[i] for i in train_index], c=c)
        out[test_index] = logits(fitted, [posts[i].text for i in test_index])
    return out


@dataclass
class Evaluation:
    """Figures of predictions against truth."""

    n: int
    per_label: dict[str, dict[str, float]]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]
    hard_negatives: int
    hard_negatives_flagged: int
    benign_flagged_rate: float
    threshold: float
    brier: float
    log_loss: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def hard_negative_fp_rate(self) -> float:
        return self.hard_negatives_flagged / self.hard_negatives if self.hard_negatives else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "per_label": self.per_label,
            "labels": list(LABELS),
            "confusion": self.confusion,
            "hard_negatives": self.hard_negatives,
            "hard_negatives_flagged": self.hard_negatives_flagged,
            "hard_negative_fp_rate": round(self.hard_negative_fp_rate, 4),
            "benign_flagged_rate": round(self.benign_flagged_rate, 4),
            "threshold": self.threshold,
            "brier": round(self.brier, 4),
            "log_loss": round(self.log_loss, 4),
            **self.extra,
        }


def evaluate_predictions(
    truth: Sequence[str],
    probabilities: npt.NDArray[np.float64],
    hard_negative: Sequence[bool],
    *,
    threshold: float,
) -> Evaluation:
    """Metrics of ``probabilities`` (N x L, in ``LABELS`` order) against ``truth``.

    A post is predicted as its arg-max label; it is *flagged* when that label is not benign
    and its probability reaches ``threshold``. The per-label figures use the flag rule
    (an unflagged post counts as benign), as a reviewer would see it.
    """
    benign = LABELS.index(BENIGN)
    targets = np.array([LABELS.index(label) for label in truth], dtype=np.int64)
    top = probabilities.argmax(axis=1)
    flagged = (top != benign) & (probabilities.max(axis=1) >= threshold)
    predicted = np.where(flagged, top, benign)
    size = len(LABELS)
    confusion = np.zeros((size, size), dtype=np.int64)
    np.add.at(confusion, (targets, predicted), 1)
    per_label: dict[str, dict[str, float]] = {}
    f1s = []
    for index, label in enumerate(LABELS):
        tp = int(confusion[index, index])
        fp = int(confusion[:, index].sum()) - tp
        fn = int(confusion[index, :].sum()) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": int(confusion[index, :].sum()),
        }
        f1s.append(f1)
    hard = np.asarray(hard_negative, dtype=bool)
    onehot = np.eye(size)[targets]
    p_true = np.clip(probabilities[np.arange(len(targets)), targets], 1e-12, 1.0)
    is_benign = targets == benign
    return Evaluation(
        n=len(targets),
        per_label=per_label,
        macro_f1=float(np.mean(f1s)),
        accuracy=float(np.mean(predicted == targets)),
        confusion=confusion.tolist(),
        hard_negatives=int(hard.sum()),
        hard_negatives_flagged=int((flagged & hard).sum()),
        benign_flagged_rate=float((flagged & is_benign).sum() / max(1, is_benign.sum())),
        threshold=threshold,
        brier=float(np.mean(np.sum((probabilities - onehot) ** 2, axis=1))),
        log_loss=float(-np.mean(np.log(p_true))),
    )


def to_model(
    fitted: Fitted,
    *,
    version: str,
    temperature: float,
    threshold: float,
    provenance: dict[str, Any],
) -> Model:
    vocabulary = fitted.vectorizer.get_feature_names_out().tolist()
    return Model(
        version=version,
        labels=LABELS,
        vocabulary=vocabulary,
        idf=np.asarray(fitted.vectorizer.idf_, dtype=np.float32),
        coef=np.asarray(fitted.classifier.coef_, dtype=np.float32),
        intercept=[float(v) for v in fitted.classifier.intercept_],
        temperature=temperature,
        threshold=threshold,
        ngram_min=NGRAM_MIN,
        ngram_max=NGRAM_MAX,
        provenance=provenance,
    )


def leave_one_style_out(
    posts: Sequence[LabelledPost], *, temperature: float, threshold: float, c: float = C
) -> dict[str, Any]:
    """Train without one style, test on it: how the model falls on a style it lacks."""
    results: dict[str, Any] = {}
    styles = sorted({post.style for post in posts if post.style})
    for style in styles:
        train = [post for post in posts if post.style != style]
        test = [post for post in posts if post.style == style]
        if not test or len({p.label for p in train}) < len(LABELS):
            continue
        fitted = fit(train, c=c)
        probabilities = softmax(logits(fitted, [p.text for p in test]), temperature)
        evaluation = evaluate_predictions(
            [p.label for p in test],
            probabilities,
            [p.hard_negative for p in test],
            threshold=threshold,
        )
        results[style] = {
            "n": evaluation.n,
            "macro_f1": round(evaluation.macro_f1, 4),
            "accuracy": round(evaluation.accuracy, 4),
            "hard_negatives": evaluation.hard_negatives,
            "hard_negative_fp_rate": round(evaluation.hard_negative_fp_rate, 4),
        }
    return results


def handwritten_out_of_fold(
    posts: Sequence[LabelledPost], *, c: float = C, folds: int = FOLDS
) -> tuple[npt.NDArray[np.float64], list[LabelledPost]]:
    """Out-of-fold logits of the hand-written posts, the templated ones always in
    training (N_written x L), and the hand-written posts in that order.

    The templated posts are near-copies of each other, so a plain CV over everything
    scores what the templates make easy; the hand-written posts were written one by one,
    so predicting them from the rest is the closest figure to new, real posts.
    """
    written = [post for post in posts if post.source == "handwritten"]
    templated = [post for post in posts if post.source != "handwritten"]
    if len(written) < folds:
        return np.zeros((0, len(LABELS))), []
    targets = _targets(written)
    out = np.zeros((len(written), len(LABELS)), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train_index, test_index in splitter.split(np.zeros(len(written)), targets):
        fitted = fit(templated + [written[i] for i in train_index], c=c)
        out[test_index] = logits(fitted, [written[i].text for i in test_index])
    return out, written


def handwritten_report(
    written: Sequence[LabelledPost], probabilities: npt.NDArray[np.float64], *, threshold: float
) -> tuple[Evaluation, list[dict[str, Any]]]:
    """The evaluation of the hand-written out-of-fold predictions and the posts it got wrong."""
    evaluation = evaluate_predictions(
        [p.label for p in written],
        probabilities,
        [p.hard_negative for p in written],
        threshold=threshold,
    )
    benign = LABELS.index(BENIGN)
    errors = []
    for post, p in zip(written, probabilities, strict=True):
        top = int(p.argmax())
        predicted = LABELS[top] if top != benign and p[top] >= threshold else BENIGN
        if predicted != post.label:
            errors.append(
                {
                    "id": post.id,
                    "truth": post.label,
                    "predicted": predicted,
                    "top": LABELS[top],
                    "p": round(float(p[top]), 3),
                    "text": post.text,
                }
            )
    return evaluation, errors


def handwritten_cross_validation(
    posts: Sequence[LabelledPost],
    *,
    temperature: float,
    threshold: float,
    c: float = C,
    folds: int = FOLDS,
) -> tuple[Evaluation, list[dict[str, Any]]]:
    """:func:`handwritten_out_of_fold` evaluated at ``threshold``."""
    written_logits, written = handwritten_out_of_fold(posts, c=c, folds=folds)
    return handwritten_report(written, softmax(written_logits, temperature), threshold=threshold)


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def write_report(path_json: Path, path_md: Path, report: dict[str, Any]) -> None:
    path_json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path_md.write_text(report_markdown(report), encoding="utf-8")


def _evaluation_markdown(evaluation: dict[str, Any]) -> list[str]:
    lines = [
        f"Posts: {evaluation['n']}; macro-F1 **{evaluation['macro_f1']:.3f}**; "
        f"accuracy {evaluation['accuracy']:.3f}; Brier {evaluation['brier']:.3f}; "
        f"log-loss {evaluation['log_loss']:.3f}.",
        "",
        f"Hard negatives flagged: **{evaluation['hard_negatives_flagged']} of "
        f"{evaluation['hard_negatives']} ({100 * evaluation['hard_negative_fp_rate']:.1f} %)**; "
        f"all benign posts flagged: {100 * evaluation['benign_flagged_rate']:.1f} % "
        f"(threshold {evaluation['threshold']}).",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, figures in evaluation["per_label"].items():
        lines.append(
            f"| {label} | {figures['precision']:.3f} | {figures['recall']:.3f} | "
            f"{figures['f1']:.3f} | {figures['support']} |"
        )
    lines += ["", "Confusion matrix (rows: truth, columns: predicted under the flag rule):", ""]
    short = [label[:10] for label in evaluation["labels"]]
    lines.append("| truth \\ predicted | " + " | ".join(short) + " |")
    lines.append("|---" * (len(short) + 1) + "|")
    for label, row in zip(evaluation["labels"], evaluation["confusion"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return lines


def report_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Screening model {report['version']} — evaluation",
        "",
        f"Trained {report['trained_at']} on {report['training_posts']} posts "
        f"(training data sha256 `{report['training_data_sha256'][:16]}…`), "
        f"{report['vocabulary_size']} character n-grams ({report['ngram_range']}), "
        f"logistic regression C={report['c']}, temperature {report['temperature']:.3f}, "
        f"flag threshold {report['threshold']}.",
        "",
        "All figures below are from data written for this project (synthetic; see "
        "`data/PROVENANCE.md`), not from real platform posts.",
        "",
        f"## {report['folds']}-fold stratified cross-validation (out-of-fold predictions)",
        "",
    ]
    lines += _evaluation_markdown(report["cross_validation"])
    if report.get("handwritten_cross_validation"):
        lines += [
            "",
            f"## {report['folds']}-fold cross-validation over the hand-written posts only",
            "",
            "The templated posts stay in every training fold; each hand-written post is "
            "predicted by a model that never saw it. Templated posts resemble each other, so "
            "this is the more honest of the two figures.",
            "",
        ]
        lines += _evaluation_markdown(report["handwritten_cross_validation"])
        errors = report.get("handwritten_errors") or []
        if errors:
            lines += ["", f"Misclassified hand-written posts ({len(errors)}):", ""]
            lines += ["| truth | flagged as | top label (p) | text |", "|---|---|---|---|"]
            for error in errors:
                text = error["text"].replace("|", "｜").replace("\n", " ")
                lines.append(
                    f"| {error['truth']} | {error['predicted']} | {error.get('top', '')} ({error['p']}) | {text} |"
                )
    lines += ["", "## Calibration", "", report.get("calibration_note", ""), ""]
    lines += ["## A style the training set lacks (leave one style out)", ""]
    lines += [
        "| held-out style | posts | macro-F1 | accuracy | hard negatives | flagged |",
        "|---|---|---|---|---|---|",
    ]
    for style, figures in report["leave_one_style_out"].items():
        lines.append(
            f"| {style} | {figures['n']} | {figures['macro_f1']:.3f} | {figures['accuracy']:.3f} | "
            f"{figures['hard_negatives']} | {100 * figures['hard_negative_fp_rate']:.1f} % |"
        )
    if report.get("comparisons"):
        lines += [
            "",
            "## Choices measured",
            "",
            "`bench/screening_choices.py`: cross-validation over the hand-written posts, every "
            "variant at temperature 0.5 and threshold 0.5 (so they compare with each other, "
            "not with the figures above).",
            "",
        ]
        lines += ["| variant | macro-F1 | hard negatives flagged |", "|---|---|---|"]
        for name, figures in report["comparisons"].items():
            lines.append(
                f"| {name} | {figures['macro_f1']:.3f} | {100 * figures['hard_negative_fp_rate']:.1f} % |"
            )
    if report.get("heldout"):
        lines += ["", "## Independent held-out set", ""]
        lines += _evaluation_markdown(report["heldout"])
    return "\n".join(lines) + "\n"


def choose_threshold(
    truth: Sequence[str],
    probabilities: npt.NDArray[np.float64],
    hard_negative: Sequence[bool],
    *,
    max_hard_negative_fp: float = 0.02,
) -> float:
    """The lowest threshold in 0.30..0.90 whose out-of-fold hard-negative flag rate is at
    most ``max_hard_negative_fp`` (the best macro-F1 among those that pass)."""
    best: tuple[float, float] | None = None
    for threshold in np.round(np.arange(0.30, 0.91, 0.05), 2):
        evaluation = evaluate_predictions(
            truth, probabilities, hard_negative, threshold=float(threshold)
        )
        if evaluation.hard_negative_fp_rate <= max_hard_negative_fp and (
            best is None or evaluation.macro_f1 > best[1] + 1e-9
        ):
            best = (float(threshold), evaluation.macro_f1)
    return best[0] if best else 0.9


def train_and_save(
    posts: Sequence[LabelledPost],
    *,
    out_dir: Path,
    version: str,
    data_sha256: str,
    c: float = C,
) -> dict[str, Any]:
    """Cross-validate, calibrate, fit on everything, save ``model.json`` and the report."""
    truth = [post.label for post in posts]
    hard = [post.hard_negative for post in posts]
    targets = _targets(posts)
    oof = out_of_fold_logits(posts, c=c)
    raw = evaluate_predictions(truth, softmax(oof), hard, threshold=DEFAULT_THRESHOLD)
    written_logits, written = handwritten_out_of_fold(posts, c=c)
    written_truth = [p.label for p in written]
    written_hard = [p.hard_negative for p in written]
    # Temperature and threshold are chosen on the hand-written posts' out-of-fold
    # predictions when there are any (templated posts are too easy to calibrate on): the
    # temperature minimises their log-loss; the threshold is the best macro-F1 that flags
    # at most 2 % of their hard negatives.
    if written:
        temperature = fit_temperature(written_logits, _targets(written))
        written_probabilities = softmax(written_logits, temperature)
        threshold = choose_threshold(written_truth, written_probabilities, written_hard)
        written_raw = evaluate_predictions(
            written_truth, softmax(written_logits), written_hard, threshold=threshold
        )
    else:
        temperature = fit_temperature(oof, targets)
        threshold = choose_threshold(truth, softmax(oof, temperature), hard)
    probabilities = softmax(oof, temperature)
    cv = evaluate_predictions(truth, probabilities, hard, threshold=threshold)
    written_cv, written_errors = handwritten_report(
        written, softmax(written_logits, temperature), threshold=threshold
    )
    by_style = leave_one_style_out(posts, temperature=temperature, threshold=threshold, c=c)
    comparisons: dict[str, Any] = {}
    choices = out_dir / "choices.json"
    if choices.exists():  # written by bench/screening_choices.py
        comparisons = json.loads(choices.read_text(encoding="utf-8"))
    fitted = fit(posts, c=c)
    report: dict[str, Any] = {
        "version": version,
        "trained_at": today(),
        "training_posts": len(posts),
        "training_data_sha256": data_sha256,
        "vocabulary_size": len(fitted.vectorizer.vocabulary_),
        "ngram_range": f"{NGRAM_MIN}-{NGRAM_MAX}",
        "c": c,
        "seed": SEED,
        "folds": FOLDS,
        "temperature": temperature,
        "threshold": threshold,
        "cross_validation": cv.as_json(),
        "calibration_note": (
            f"Temperature {temperature:.3f} fitted on the hand-written posts' out-of-fold logits "
            f"(log-loss there {written_raw.log_loss:.3f} -> {written_cv.log_loss:.3f}, Brier "
            f"{written_raw.brier:.3f} -> {written_cv.brier:.3f}); on all posts' out-of-fold "
            f"logits log-loss {raw.log_loss:.3f} -> {cv.log_loss:.3f}, Brier {raw.brier:.3f} -> "
            f"{cv.brier:.3f}. One parameter, fitted on the predictions it is judged on; the "
            "flag threshold is chosen on the same hand-written predictions."
            if written
            else f"Temperature {temperature:.3f} fitted on the out-of-fold logits."
        ),
        "leave_one_style_out": by_style,
        "handwritten_cross_validation": written_cv.as_json(),
        "handwritten_errors": written_errors,
        "comparisons": comparisons,
    }
    provenance = {
        key: report[key]
        for key in ("trained_at", "training_posts", "training_data_sha256", "c", "seed", "folds")
    } | {
        "cv_macro_f1": round(cv.macro_f1, 4),
        "cv_hard_negative_fp_rate": round(cv.hard_negative_fp_rate, 4),
        "handwritten_cv_macro_f1": round(written_cv.macro_f1, 4),
        "handwritten_cv_hard_negative_fp_rate": round(written_cv.hard_negative_fp_rate, 4),
    }
    model = to_model(
        fitted, version=version, temperature=temperature, threshold=threshold, provenance=provenance
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir / "model.json")
    write_report(out_dir / "evaluation.json", out_dir / "evaluation.md", report)
    return report

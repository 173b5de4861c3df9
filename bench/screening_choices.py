"""Online screening (issue 15): the model choices, measured on the hand-written posts.

`python bench/screening_choices.py [--out homeward/screening_engine/model/choices.json]`

Each variant is scored by 5-fold cross-validation over the hand-written posts only (the
templated posts always in training; see ``train.handwritten_out_of_fold``), at the same
temperature (0.5) and flag threshold (0.5), so the variants compare with each other (the
shipped model's own temperature and threshold are fitted afterwards). Variants: the
features (character 1-3-grams, 1-4-grams, 1-3-grams plus jieba words, jieba words alone),
the regularisation C, and the weight of hand-written posts. Takes ~10 minutes on the
2-core machine when idle; the figures are written as JSON beside the model and quoted in
its evaluation report.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402
from costs import load, machine, measured  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from homeward.screening_engine import train as T  # noqa: E402
from homeward.screening_engine.corpus import LabelledPost, load_corpus  # noqa: E402
from homeward.screening_engine.features import feature_text, ngrams  # noqa: E402
from homeward.screening_engine.normalise import normalise  # noqa: E402

jieba.setLogLevel(logging.WARNING)


def char(low: int, high: int) -> Callable[[str], list[str]]:
    def analyse(text: str) -> list[str]:
        return ngrams(feature_text(normalise(text)), low, high)

    return analyse


def words(text: str) -> list[str]:
    return ["w:" + w for w in jieba.lcut(feature_text(normalise(text))) if w.strip()]


def char_and_words(text: str) -> list[str]:
    return char(1, 3)(text) + words(text)


def variant_fit(analyser: Callable[[str], list[str]]) -> Callable[..., T.Fitted]:
    def fit(
        posts: Sequence[LabelledPost],
        *,
        c: float = T.C,
        min_df: int = T.MIN_DF,
        handwritten_weight: float = T.HANDWRITTEN_WEIGHT,
    ) -> T.Fitted:
        vectorizer = TfidfVectorizer(
            analyzer=analyser, sublinear_tf=True, min_df=min_df, dtype=np.float32
        )
        matrix = vectorizer.fit_transform([p.text for p in posts])
        classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        weights = np.array(
            [handwritten_weight if p.source == "handwritten" else 1.0 for p in posts]
        )
        classifier.fit(matrix, T._targets(posts), sample_weight=weights)
        return T.Fitted(vectorizer, classifier)

    return fit


VARIANTS: list[tuple[str, Callable[[str], list[str]], float, float]] = [
    ("char 1-3, C=32, hand-written x3 (shipped)", char(1, 3), 32.0, 3.0),
    ("char 1-3, C=8, hand-written x3", char(1, 3), 8.0, 3.0),
    ("char 1-3, C=32, hand-written x1", char(1, 3), 32.0, 1.0),
    ("char 1-4, C=32, hand-written x3", char(1, 4), 32.0, 3.0),
    ("char 1-3 + jieba words, C=32, hand-written x3", char_and_words, 32.0, 3.0),
    ("jieba words only, C=32, hand-written x3", words, 32.0, 3.0),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "homeward/screening_engine/model/choices.json"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}; load {load()}", flush=True)
    posts = load_corpus()
    results: dict[str, Any] = {}
    original = T.fit
    try:
        for name, analyser, c, weight in VARIANTS:
            with measured(name):
                T.fit = lambda ps, *, c=c, analyser=analyser, weight=weight, **_: variant_fit(
                    analyser
                )(ps, c=c, handwritten_weight=weight)  # type: ignore[misc]
                logits, written = T.handwritten_out_of_fold(posts, c=c)
                evaluation, _ = T.handwritten_report(written, T.softmax(logits, 0.5), threshold=0.5)
            results[name] = {
                "macro_f1": round(evaluation.macro_f1, 4),
                "hard_negative_fp_rate": round(evaluation.hard_negative_fp_rate, 4),
                "log_loss": round(evaluation.log_loss, 4),
                "posts": evaluation.n,
            }
            print(f"  -> {results[name]}", flush=True)
    finally:
        T.fit = original
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

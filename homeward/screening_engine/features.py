"""The classifier's features: character n-grams of the normalised text, digits folded.

Training (scikit-learn's ``TfidfVectorizer`` with this analyzer) and the shipped model's
own inference use the same function, so the vocabulary means the same in both.
"""

from __future__ import annotations

import re

from .normalise import normalise

NGRAM_MIN = 1
NGRAM_MAX = 3
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s")


def feature_text(normalised: str) -> str:
    """Digits -> ``0`` and every white-space character -> one space (length kept)."""
    return _SPACE.sub(" ", _DIGIT.sub("0", normalised))


def ngrams(text: str, low: int = NGRAM_MIN, high: int = NGRAM_MAX) -> list[str]:
    """Every character n-gram of ``text`` for ``low <= n <= high``, in order.

    >>> ngrams("送养男宝", 2, 3)
    ['送养', '养男', '男宝', '送养男', '养男宝']
    """
    out: list[str] = []
    length = len(text)
    for n in range(low, high + 1):
        out.extend(text[i : i + n] for i in range(length - n + 1))
    return out


def analyzer(raw_text: str) -> list[str]:
    """The analyzer given to ``TfidfVectorizer`` at training: normalise, fold, n-grams."""
    return ngrams(feature_text(normalise(raw_text)))

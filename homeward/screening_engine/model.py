"""The shipped classifier: a linear model over tf-idf character n-grams, with a
temperature that calibrates its probabilities, stored as JSON + base64 float32 arrays.

Loading parses JSON and copies arrays with ``numpy.frombuffer``: no pickle, no code runs,
so a model file from anywhere can be loaded safely. The format:

``format``            ``"homeward-screening-linear"``, ``format_version`` 1
``version``           the model's version (shown with every classification)
``labels``            the label order of the rows of ``coef``
``ngram_min/max``     the n-gram lengths (see :mod:`.features`)
``vocabulary``        the n-grams, in column order
``idf``               float32[V], base64
``coef``              float32[L, V], base64 (row-major)
``intercept``         float[L]
``temperature``       the logits are divided by it before the softmax (fitted on
                      out-of-fold predictions, see :mod:`.train`)
``threshold``         a post is flagged when its top label is not benign and its
                      probability reaches this
``provenance``        training data digest, date, parameters, evaluation summary
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from .features import feature_text, ngrams
from .identifiers import extract_from_normalised
from .normalise import normalise_with_map
from .types import BENIGN, LABELS, Classification, Cue

FORMAT = "homeward-screening-linear"
FORMAT_VERSION = 1
MODEL_PATH = Path(__file__).resolve().parent / "model" / "model.json"
MAX_CUES = 8
_CANDIDATE_FEATURES = 32  # the weightiest features considered when building cues
MIN_CUE_CHARACTERS = 2
_NOT_A_CUE = re.compile(r"^[\s\W\d_0]*$")
_PUNCTUATION = re.compile(r"[\s\W_]")  # n-grams across punctuation do not make cues


def _occurrences(text: str, gram: str) -> list[int]:
    """Start of every (possibly overlapping) occurrence of ``gram`` in ``text``."""
    found: list[int] = []
    position = text.find(gram)
    while position != -1:
        found.append(position)
        position = text.find(gram, position + 1)
    return found


class ModelFormatError(ValueError):
    """The file is not a screening model this code can read."""


def _encode(array: npt.NDArray[np.float32]) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def _decode(text: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
    array = np.frombuffer(base64.b64decode(text, validate=True), dtype="<f4")
    if array.size != math.prod(shape):
        raise ModelFormatError(f"array of {array.size} values, expected shape {shape}")
    return array.reshape(shape).astype(np.float32)


@dataclass(frozen=True)
class _Vectorised:
    matrix: sparse.csr_matrix
    feature_texts: list[str]
    maps: list[Any]  # Normalised per text


class Model:
    """A trained screening model. ``classify`` is the only thing callers need."""

    def __init__(
        self,
        *,
        version: str,
        labels: Sequence[str],
        vocabulary: Sequence[str],
        idf: npt.NDArray[np.float32],
        coef: npt.NDArray[np.float32],
        intercept: Sequence[float],
        temperature: float = 1.0,
        threshold: float = 0.5,
        ngram_min: int = 1,
        ngram_max: int = 3,
        provenance: dict[str, Any] | None = None,
    ) -> None:
        if tuple(labels) != LABELS:
            raise ModelFormatError(f"labels {labels!r} differ from {LABELS!r}")
        if coef.shape != (len(labels), len(vocabulary)) or idf.shape != (len(vocabulary),):
            raise ModelFormatError("coef/idf shapes do not match the vocabulary")
        if not temperature > 0 or not 0 < threshold <= 1:
            raise ModelFormatError("temperature must be > 0 and threshold in (0, 1]")
        self.version = version
        self.labels = tuple(labels)
        self.vocabulary = list(vocabulary)
        self.index = {gram: column for column, gram in enumerate(self.vocabulary)}
        self.idf = idf.astype(np.float32)
        self.coef = coef.astype(np.float32)
        # Softmax is unchanged by adding a constant to every logit: explanations use the
        # coefficients centred over labels, so a feature's weight for a label is relative.
        self.centred = self.coef - self.coef.mean(axis=0, keepdims=True)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.temperature = float(temperature)
        self.threshold = float(threshold)
        self.ngram_min = ngram_min
        self.ngram_max = ngram_max
        self.provenance = provenance or {}
        self._benign = self.labels.index(BENIGN)

    # --- persistence ---------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "version": self.version,
            "labels": list(self.labels),
            "ngram_min": self.ngram_min,
            "ngram_max": self.ngram_max,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "intercept": [float(v) for v in self.intercept],
            "provenance": self.provenance,
            "vocabulary": self.vocabulary,
            "idf": _encode(self.idf),
            "coef": _encode(self.coef),
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
            raise ModelFormatError("not a homeward screening model (format/format_version)")
        vocabulary = data["vocabulary"]
        if not isinstance(vocabulary, list) or not all(isinstance(g, str) for g in vocabulary):
            raise ModelFormatError("vocabulary must be a list of strings")
        labels = data["labels"]
        size = len(vocabulary)
        return cls(
            version=str(data["version"]),
            labels=labels,
            vocabulary=vocabulary,
            idf=_decode(data["idf"], (size,)),
            coef=_decode(data["coef"], (len(labels), size)),
            intercept=[float(v) for v in data["intercept"]],
            temperature=float(data["temperature"]),
            threshold=float(data["threshold"]),
            ngram_min=int(data["ngram_min"]),
            ngram_max=int(data["ngram_max"]),
            provenance=dict(data.get("provenance") or {}),
        )

    # --- inference -----------------------------------------------------------------

    def _vectorise(self, texts: Sequence[str]) -> _Vectorised:
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        feature_texts: list[str] = []
        maps = []
        index = self.index
        for text in texts:
            norm = normalise_with_map(text)
            folded = feature_text(norm.text)
            maps.append(norm)
            feature_texts.append(folded)
            found = [
                column
                for column in map(index.get, ngrams(folded, self.ngram_min, self.ngram_max))
                if column is not None
            ]
            if found:
                columns, counts = np.unique(np.asarray(found, dtype=np.int64), return_counts=True)
                weights = (1.0 + np.log(counts)) * self.idf[columns]
                weights /= np.sqrt(np.dot(weights, weights))
                indices.extend(columns.tolist())
                values.extend(weights.tolist())
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (
                np.asarray(values, dtype=np.float32),
                np.asarray(indices, dtype=np.int64),
                np.asarray(indptr),
            ),
            shape=(len(texts), len(self.vocabulary)),
        )
        return _Vectorised(matrix, feature_texts, maps)

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """float64[N, L]: the calibrated probability of every label for every text."""
        return self._probabilities(self._vectorise(texts).matrix)

    def _probabilities(self, matrix: sparse.csr_matrix) -> npt.NDArray[np.float64]:
        logits = np.asarray(matrix @ self.coef.T, dtype=np.float64) + self.intercept
        logits /= self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def classify(self, texts: Sequence[str]) -> list[Classification]:
        """Label, probabilities, cues and identifiers for every text, in order."""
        if isinstance(texts, str):
            raise TypeError("classify takes a sequence of texts, not one string")
        vectorised = self._vectorise(texts)
        probabilities = self._probabilities(vectorised.matrix)
        results: list[Classification] = []
        for row, text in enumerate(texts):
            p = probabilities[row]
            top = int(p.argmax())
            label = self.labels[top]
            cues = self._cues(vectorised, row, top, text)
            results.append(
                Classification(
                    label=label,
                    score=float(p[top]),
                    scores={name: float(p[i]) for i, name in enumerate(self.labels)},
                    cues=cues,
                    identifiers=extract_from_normalised(text, vectorised.maps[row]),
                    flagged=top != self._benign and float(p[top]) >= self.threshold,
                    model_version=self.version,
                    threshold=self.threshold,
                )
            )
        return results

    def _cues(self, vectorised: _Vectorised, row: int, label_index: int, text: str) -> list[Cue]:
        """The phrases that weigh most for ``label_index``: the weightiest n-grams' spans,
        merged where they overlap, mapped back to the original text."""
        matrix = vectorised.matrix
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        columns = matrix.indices[start:end]
        if columns.size == 0:
            return []
        contributions = matrix.data[start:end] * self.centred[label_index, columns]
        if contributions.size > _CANDIDATE_FEATURES:
            top = np.argpartition(-contributions, _CANDIDATE_FEATURES)[:_CANDIDATE_FEATURES]
        else:
            top = np.arange(contributions.size)
        folded = vectorised.feature_texts[row]
        vocabulary = self.vocabulary
        spans: list[tuple[int, int, float]] = []
        for weight, column in zip(contributions[top].tolist(), columns[top].tolist(), strict=True):
            if weight <= 0:
                continue
            gram = vocabulary[column]
            if _NOT_A_CUE.match(gram) or _PUNCTUATION.search(gram):
                continue
            occurrences = _occurrences(folded, gram)
            share = weight / len(occurrences) if occurrences else 0.0
            spans.extend((offset, offset + len(gram), share) for offset in occurrences)
        if not spans:
            return []
        spans.sort()
        merged: list[tuple[int, int, float]] = []
        for span_start, span_end, weight in spans:
            if merged and span_start < merged[-1][1]:
                last_start, last_end, last_weight = merged[-1]
                merged[-1] = (last_start, max(last_end, span_end), last_weight + weight)
            else:
                merged.append((span_start, span_end, weight))
        norm = vectorised.maps[row]
        label = self.labels[label_index]
        cues: list[Cue] = []
        # One character alone (了, 个, a "b" of an id) tells a reviewer nothing: a cue is a
        # phrase of two or more.
        phrases = [span for span in merged if span[1] - span[0] >= MIN_CUE_CHARACTERS]
        for span_start, span_end, weight in sorted(phrases, key=lambda s: -s[2])[:MAX_CUES]:
            raw_start, raw_end = norm.span(span_start, span_end)
            cues.append(
                Cue(
                    text=text[raw_start:raw_end],
                    normalised=norm.text[span_start:span_end],
                    label=label,
                    weight=float(weight),
                    start=raw_start,
                    end=raw_end,
                )
            )
        return cues


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> Model:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ModelFormatError("a model file holds a JSON object")
    return Model.from_json(data)


def load_model(path: Path | None = None) -> Model:
    """The model at ``path``, or the shipped, versioned one; cached per file and mtime."""
    target = (path or MODEL_PATH).resolve()
    return _load(target, target.stat().st_mtime_ns)

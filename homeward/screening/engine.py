"""The app's door to the Django-free screening engine (``homeward.screening_engine``):
the shipped model is loaded once per process, on first use, and shared by every
request and task of the process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from homeward.screening_engine import Classification, Model

_LOCK = threading.Lock()
_MODEL: Model | None = None

# Kinds of identifier that tie posts (and clues) to one seller; places do not.
LINK_KINDS = frozenset({"phone", "wechat", "qq", "bank_account", "alipay", "email"})
# Estimated Jaccard similarity from which two posts are the same ad reposted: the
# engine's own threshold (``screening_engine.neardup.SAME_CLUSTER_SIMILARITY``, checked
# by a test), kept here so that importing the app does not load the engine.
NEAR_DUPLICATE_SIMILARITY = 0.5


def model() -> Model:
    """The shipped classifier (``screening_engine.load_model()``), loaded once."""
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                from homeward.screening_engine import load_model

                _MODEL = load_model()
    return _MODEL


def classify(texts: Sequence[str]) -> list[Classification]:
    return model().classify(list(texts))


def signature(text: str) -> np.ndarray:
    from homeward.screening_engine import minhash_signature

    return np.asarray(minhash_signature(text), dtype=np.uint64)


def band_keys(sig: np.ndarray) -> list[str]:
    from homeward.screening_engine import lsh_band_keys

    return [str(key)[:64] for key in lsh_band_keys(sig)]


def similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    from homeward.screening_engine import estimated_similarity

    return float(estimated_similarity(sig_a, sig_b))


def signature_bytes(sig: np.ndarray) -> bytes:
    return np.asarray(sig, dtype=np.uint64).tobytes()


def signature_from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype=np.uint64)


def cue_dicts(result: Classification) -> list[dict[str, Any]]:
    """The cues as JSON-ready dicts (text, normalised, label, weight, start, end)."""
    cues = []
    for cue in result.cues:
        item = asdict(cue)
        item["weight"] = round(float(item["weight"]), 4)
        cues.append(item)
    return cues

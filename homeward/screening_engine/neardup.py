"""Near-duplicate posts: MinHash signatures of character shingles and LSH band keys.

The signature is datasketch's MinHash (its permutations, its Mersenne-prime arithmetic)
over the 3-character shingles of the normalised text with spaces and punctuation removed.
Shingles are hashed with a vectorised 32-bit hash of their code points (``hashfunc`` of
``datasketch.MinHash``), so one post costs a few numpy operations and no Python loop over
shingles; ``tests/test_neardup.py`` checks the fast path against ``datasketch.MinHash``
with the same hash function.

``lsh_band_keys`` cuts a signature into ``BANDS`` bands of ``ROWS`` rows; two posts with
Jaccard similarity s share at least one key with probability ``1 - (1 - s**ROWS)**BANDS``
(16 x 8: 0.5 -> 6 %, 0.7 -> 48 %, 0.8 -> 94 %, 0.9 -> 100 %; the threshold
``(1/BANDS)**(1/ROWS)`` is 0.71). Keys are strings, so a database can index them and find
a new post's cluster with one query.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from .normalise import normalise

NUM_PERM = 128
BANDS = 16
ROWS = 8
SEED = 1
SHINGLE = 3
SAME_CLUSTER_SIMILARITY = 0.6  # a candidate joins a cluster when its estimate reaches this
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)
_A, _B = (np.asarray(p, dtype=np.uint64) for p in _TEMPLATE.permutations)


def shingle_hashes(text: str) -> npt.NDArray[np.uint64]:
    """32-bit hashes (as uint64) of the distinct character 3-grams of ``normalise(text)``.

    The hash mixes the three code points (FNV-style multiply-xor, then a murmur
    finaliser) — deterministic across processes, unlike Python's ``hash``.
    """
    cleaned = _STRIP.sub("", normalise(text))
    if not cleaned:
        cleaned = " "
    points = np.frombuffer(cleaned.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if points.size < SHINGLE:
        points = np.concatenate([points, np.zeros(SHINGLE - points.size, dtype=np.uint64)])
    h = np.full(points.size - SHINGLE + 1, 0xCBF29CE484222325 & 0xFFFFFFFF, dtype=np.uint64)
    for offset in range(SHINGLE):
        h = ((h ^ points[offset : offset + h.size]) * np.uint64(0x01000193)) & _MAX_HASH
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & _MAX_HASH
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & _MAX_HASH
    h ^= h >> np.uint64(16)
    return np.unique(h)


def minhash_signature(text: str) -> npt.NDArray[np.uint64]:
    """datasketch MinHash values (``NUM_PERM`` uint64) of the post's character shingles."""
    hashes = shingle_hashes(text)
    permuted = ((np.outer(hashes, _A) + _B) % _MERSENNE) & _MAX_HASH
    return np.asarray(permuted.min(axis=0), dtype=np.uint64)


def as_datasketch(signature: npt.NDArray[np.uint64]) -> MinHash:
    """The signature as a ``datasketch.MinHash`` (for its LSH classes or ``jaccard``)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=signature)


def lsh_band_keys(signature: npt.NDArray[np.uint64]) -> list[str]:
    """One key per band: ``"<band>:<16 hex digits of the band's blake2b digest>"``."""
    values = np.asarray(signature, dtype=np.uint64)
    if values.shape != (NUM_PERM,):
        raise ValueError(f"a signature has {NUM_PERM} values, got shape {values.shape}")
    raw = values.astype("<u4").tobytes()
    width = ROWS * 4
    return [
        f"{band:02d}:{hashlib.blake2b(raw[band * width : (band + 1) * width], digest_size=8).hexdigest()}"
        for band in range(BANDS)
    ]


def estimated_similarity(sig_a: npt.NDArray[np.uint64], sig_b: npt.NDArray[np.uint64]) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    a = np.asarray(sig_a)
    b = np.asarray(sig_b)
    if a.shape != b.shape:
        raise ValueError("signatures of different lengths")
    return float(np.count_nonzero(a == b)) / float(a.size)


class NearDuplicateIndex:
    """In-memory clustering of reposts, in arrival order.

    A post joins the cluster of the first earlier cluster whose founding post shares a band
    key with it and whose estimated similarity reaches ``threshold``; otherwise it founds a
    cluster (its own id). Only founding posts' keys and signatures are kept, so memory grows
    with the number of clusters, not of posts.
    """

    def __init__(self, threshold: float = SAME_CLUSTER_SIMILARITY) -> None:
        self.threshold = threshold
        self._by_key: dict[str, str] = {}
        self._signatures: dict[str, npt.NDArray[np.uint64]] = {}
        self._cluster_of: dict[str, str] = {}

    def add(self, post_id: str, text: str) -> str:
        """Add a post; returns its cluster id (the id of the cluster's first post)."""
        if post_id in self._cluster_of:
            return self._cluster_of[post_id]
        signature = minhash_signature(text)
        keys = lsh_band_keys(signature)
        cluster = self._match(signature, keys)
        if cluster is None:
            cluster = post_id
            self._signatures[post_id] = signature
            for key in keys:
                self._by_key.setdefault(key, post_id)
        self._cluster_of[post_id] = cluster
        return cluster

    def add_many(self, posts: Iterable[tuple[str, str]]) -> dict[str, str]:
        return {post_id: self.add(post_id, text) for post_id, text in posts}

    def _match(self, signature: npt.NDArray[np.uint64], keys: list[str]) -> str | None:
        tried: set[str] = set()
        for key in keys:
            candidate = self._by_key.get(key)
            if candidate is None or candidate in tried:
                continue
            tried.add(candidate)
            if estimated_similarity(signature, self._signatures[candidate]) >= self.threshold:
                return candidate
        return None

    def clusters(self) -> dict[str, str]:
        """post id -> cluster id, for every post added."""
        return dict(self._cluster_of)

    def __len__(self) -> int:
        return len(self._cluster_of)

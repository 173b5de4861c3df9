"""Near-duplicate posts: MinHash signatures of character shingles and LSH band keys.

The signature is datasketch's MinHash in its default ``affine32`` scheme (its
permutations, the murmur3 finaliser on each hash, then ``a * h + b`` in wrapping uint32)
over the
3-character shingles of the normalised text with spaces and punctuation removed. The
shingles are hashed by a 32-bit hash of their code points (:func:`shingle_hash`, the
``hashfunc`` given to ``datasketch.MinHash``), computed with numpy for many posts at once,
so clustering a million posts needs no Python loop over shingles; the tests check the fast
path against ``datasketch.MinHash.update`` with the pure-Python hash.

``lsh_band_keys`` cuts a signature into ``BANDS`` bands of ``ROWS`` rows; two posts with
Jaccard similarity s share at least one key with probability ``1 - (1 - s**ROWS)**BANDS``
(20 x 6: 0.5 -> 27 %, 0.6 -> 63 %, 0.7 -> 92 %, 0.8 -> 99.9 %; the threshold
``(1/BANDS)**(1/ROWS)`` is 0.61, so a repost at Jaccard 0.7 is found nine times in ten).
Candidates are then checked: a post joins a cluster only when the estimated similarity
to its founding post reaches ``SAME_CLUSTER_SIMILARITY``. Keys are short strings, so a database can index them
and find a new post's cluster with one query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from .normalise import normalise

NUM_PERM = 128
BANDS = 20
ROWS = 6  # 20 x 6 = 120 of the 128 values
SEED = 1
SHINGLE = 3
SAME_CLUSTER_SIMILARITY = 0.5  # a candidate joins a cluster when its estimate reaches this
BATCH = 1024
_MAX_HASH = np.uint64((1 << 32) - 1)
_FNV_OFFSET = 0x84222325
_FNV_PRIME = 0x01000193
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)

SCHEME = "affine32"
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
_A, _B = (np.asarray(p, dtype=np.uint32) for p in _TEMPLATE.permutations)
# Band hashing: each band's ROWS values mixed with distinct odd multipliers.
_BAND_MULTIPLIERS = np.random.default_rng(20261204).integers(
    1, 1 << 62, size=ROWS, dtype=np.uint64
) | np.uint64(1)


def shingle_text(text: str) -> str:
    """The text shingled: normalised, without spaces and punctuation (at least 1 char)."""
    return _STRIP.sub("", normalise(text)) or " "


def shingle_hash(shingle: str) -> int:
    """The 32-bit hash of one shingle (pure Python; the reference for the numpy path)."""
    mask = 0xFFFFFFFF
    h = _FNV_OFFSET
    for char in shingle:
        h = ((h ^ ord(char)) * _FNV_PRIME) & mask
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h


def shingles(text: str) -> list[str]:
    """The character 3-grams of :func:`shingle_text` (padded when shorter)."""
    cleaned = shingle_text(text)
    cleaned = cleaned + "\0" * max(0, SHINGLE - len(cleaned))
    return [cleaned[i : i + SHINGLE] for i in range(len(cleaned) - SHINGLE + 1)]


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return np.asarray(h ^ (h >> np.uint32(16)), dtype=np.uint32)


def _shingle_hashes_many(
    texts: Sequence[str],
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """All shingle hashes of many texts, concatenated, and each text's first index."""
    cleaned = [shingle_text(text) for text in texts]
    cleaned = [c + "\0" * max(0, SHINGLE - len(c)) for c in cleaned]
    lengths = np.fromiter((len(c) for c in cleaned), dtype=np.int64, count=len(cleaned))
    points = np.frombuffer("".join(cleaned).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    counts = lengths - SHINGLE + 1
    # index of every shingle's first character: for each text, starts + 0..count-1
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    first = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(offsets - starts, counts)
    h = np.full(first.size, _FNV_OFFSET, dtype=np.uint64)
    for k in range(SHINGLE):
        h = ((h ^ points[first + k]) * np.uint64(_FNV_PRIME)) & _MAX_HASH
    with np.errstate(over="ignore"):
        return _fmix32(h.astype(np.uint32)), offsets


def minhash_signatures(texts: Sequence[str]) -> npt.NDArray[np.uint32]:
    """uint32[N, NUM_PERM]: the MinHash signature of every text (vectorised)."""
    if not texts:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    for begin in range(0, len(texts), BATCH):
        chunk = texts[begin : begin + BATCH]
        hashes, offsets = _shingle_hashes_many(chunk)
        with np.errstate(over="ignore"):
            # (NUM_PERM, shingles): each permutation's row is contiguous for reduceat
            permuted = np.multiply.outer(_A, _fmix32(hashes))
            permuted += _B[:, None]
        out[begin : begin + len(chunk)] = np.minimum.reduceat(permuted, offsets, axis=1).T
    return out


def minhash_signature(text: str) -> npt.NDArray[np.uint32]:
    """datasketch MinHash values (uint32[NUM_PERM]) of the post's character shingles."""
    return np.asarray(minhash_signatures([text])[0], dtype=np.uint32)


def as_datasketch(signature: npt.NDArray[np.uint32]) -> MinHash:
    """The signature as a ``datasketch.MinHash`` (for its LSH classes or ``jaccard``)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=signature, scheme=SCHEME)


def band_hashes(signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """uint64[N, BANDS]: one 64-bit hash per band of every signature (vectorised)."""
    values = np.asarray(signatures, dtype=np.uint64).reshape(-1, NUM_PERM)[:, : BANDS * ROWS]
    values = values.reshape(-1, BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (values * _BAND_MULTIPLIERS).sum(axis=2, dtype=np.uint64)
        mixed ^= mixed >> np.uint64(29)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(32)
    return np.asarray(mixed, dtype=np.uint64)


def lsh_band_keys(signature: npt.NDArray[np.uint32]) -> list[str]:
    """One key per band: ``"<band, 2 digits>:<16 hex digits>"``."""
    values = np.asarray(signature, dtype=np.uint32)
    if values.shape != (NUM_PERM,):
        raise ValueError(f"a signature has {NUM_PERM} values, got shape {values.shape}")
    return [f"{band:02d}:{int(value):016x}" for band, value in enumerate(band_hashes(values)[0])]


def estimated_similarity(sig_a: npt.NDArray[np.uint32], sig_b: npt.NDArray[np.uint32]) -> float:
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
    cluster (named by its own id). Only founding posts' band hashes and signatures are
    kept, so memory grows with the number of clusters, not of posts.
    """

    def __init__(self, threshold: float = SAME_CLUSTER_SIMILARITY) -> None:
        self.threshold = threshold
        self._by_band: list[dict[int, int]] = [{} for _ in range(BANDS)]
        self._founders: list[str] = []
        self._signatures: list[npt.NDArray[np.uint32]] = []
        self._cluster_of: dict[str, str] = {}

    def add(self, post_id: str, text: str) -> str:
        """Add a post; returns its cluster id (the id of the cluster's first post)."""
        return self.add_many([(post_id, text)])[post_id]

    def add_many(self, posts: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Add posts in order (signatures computed in batches); post id -> cluster id."""
        result: dict[str, str] = {}
        batch: list[tuple[str, str]] = []
        for post in posts:
            batch.append(post)
            if len(batch) == BATCH:
                self._add_batch(batch, result)
                batch = []
        if batch:
            self._add_batch(batch, result)
        return result

    def _add_batch(self, batch: list[tuple[str, str]], result: dict[str, str]) -> None:
        fresh = [(post_id, text) for post_id, text in batch if post_id not in self._cluster_of]
        for post_id, _ in batch:
            if post_id in self._cluster_of:
                result[post_id] = self._cluster_of[post_id]
        if not fresh:
            return
        signatures = minhash_signatures([text for _, text in fresh])
        bands = band_hashes(signatures).tolist()
        by_band = self._by_band
        for row, (post_id, _) in enumerate(fresh):
            if post_id in self._cluster_of:  # repeated within the batch
                result[post_id] = self._cluster_of[post_id]
                continue
            keys = bands[row]
            signature = signatures[row]
            cluster: str | None = None
            tried: set[int] = set()
            for band, key in enumerate(keys):
                founder = by_band[band].get(key)
                if founder is None or founder in tried:
                    continue
                tried.add(founder)
                if estimated_similarity(signature, self._signatures[founder]) >= self.threshold:
                    cluster = self._founders[founder]
                    break
            if cluster is None:
                cluster = post_id
                number = len(self._founders)
                self._founders.append(post_id)
                self._signatures.append(signature.copy())
                for band, key in enumerate(keys):
                    by_band[band].setdefault(key, number)
            self._cluster_of[post_id] = cluster
            result[post_id] = cluster

    def clusters(self) -> dict[str, str]:
        """post id -> cluster id, for every post added."""
        return dict(self._cluster_of)

    def __len__(self) -> int:
        return len(self._cluster_of)

"""Columnar reference index of stored profiles, persisted as ``.npy`` segments.

Two collections:

* ``children`` - people of unknown origin (one genotype column per locus);
* ``families`` - registered parents: a couple, or a single parent (the other column is
  missing). Father and mother columns are stored side by side.

Storage. Per locus, a genotype is one ``uint16`` code: ``0`` means untyped, otherwise
``j (j + 1) / 2 + i + 1`` for allele codes ``i <= j``. This is an order-independent
encoding of the two per-locus allele codes, and the cost is the same as two ``uint8``
allele codes. Allele codes index a per-locus label list that only ever grows: the
table's alleles, most frequent first so that common genotypes get small codes, then any
new allele in the order it is met. Stored codes therefore never change. Arrays are
locus-major ``(n_loci, n_rows)``, so one locus of one segment is contiguous.

Persistence (through :mod:`.io`): ``manifest.json`` plus one directory per segment.
Appending writes a new segment and then atomically replaces the manifest, so nothing
already written is rewritten. The exception is a small tail segment, which is merged
with the new rows. :meth:`ReferenceIndex.open` memory-maps every array read-only.
One writer at a time.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from . import io as kio
from .frequencies import FrequencyTable
from .profiles import Genotype, Profile, allele_sort_key
from .results import ENGINE_VERSION
from .vectorised import genotype_alleles

Kind = Literal["children", "families"]
CodeArray = npt.NDArray[np.uint16]

MISSING = 0
"""Stored genotype code of an untyped locus."""
MAX_ALLELES = 361
"""Largest allele list whose genotype codes fit in uint16."""
FORMAT = "homeward-kinship-index"
FORMAT_VERSION = 1
SMALL_SEGMENT_ROWS = 65_536
"""A tail segment smaller than this is merged with the next append."""
KINDS: tuple[Kind, Kind] = ("children", "families")
_KEYS: dict[str, tuple[str, ...]] = {
    "children": ("codes", "labels"),
    "families": ("father", "mother", "labels"),
}


class ReferenceIndexError(ValueError):
    """A profile or array that does not fit the index."""


class LutCache:
    """Thread-safe least-recently-used cache of lookup tables, bounded in bytes.

    Examples
    --------
    >>> cache = LutCache(max_bytes=10)
    >>> cache.put("a", 1, 6); cache.put("b", 2, 6)
    >>> cache.get("a") is None, cache.get("b")
    (True, 2)
    """

    def __init__(self, max_bytes: int = 256 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """Cached value or None."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            self._data.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, nbytes: int) -> None:
        """Store a value of ``nbytes`` bytes, evicting the least recently used ones."""
        with self._lock:
            if key in self._data:
                return
            self._data[key] = (value, nbytes)
            self._bytes += nbytes
            while self._bytes > self.max_bytes and len(self._data) > 1:
                _, (_, size) = self._data.popitem(last=False)
                self._bytes -= size

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._data.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        """Bytes currently held."""
        return self._bytes


@dataclass(frozen=True)
class FamilyRecord:
    """A registered family: a couple or a single parent.

    Attributes
    ----------
    family_id : str
    father, mother : Profile or None
        At least one must be given.
    """

    family_id: str
    father: Profile | None = None
    mother: Profile | None = None


def genotype_code(i: int, j: int) -> int:
    """Stored code of the unordered allele-code pair ``(i, j)``.

    Examples
    --------
    >>> genotype_code(0, 0), genotype_code(0, 1), genotype_code(1, 0), genotype_code(1, 1)
    (1, 2, 2, 3)
    """
    low, high = (i, j) if i <= j else (j, i)
    return high * (high + 1) // 2 + low + 1


def genotype_count(n_alleles: int) -> int:
    """Number of unordered genotypes of ``n_alleles`` alleles."""
    return n_alleles * (n_alleles + 1) // 2


def decode_table(n_alleles: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Allele codes of every stored genotype code ``1..G`` (position ``code - 1``).

    Returns
    -------
    first, second : ndarray, shape (G,), intp
        ``first <= second``.

    Examples
    --------
    >>> decode_table(2)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    return genotype_alleles(n_alleles)


def encode_pairs(first: npt.ArrayLike, second: npt.ArrayLike) -> CodeArray:
    """Vectorised :func:`genotype_code` for allele-code arrays (``-1`` = untyped)."""
    a = np.asarray(first, dtype=np.int64)
    b = np.asarray(second, dtype=np.int64)
    low, high = np.minimum(a, b), np.maximum(a, b)
    codes = high * (high + 1) // 2 + low + 1
    return np.where(low < 0, MISSING, codes).astype(np.uint16)


class ReferenceIndex:
    """Columnar index of children and registered families.

    Use :meth:`create` (new, optionally on disk), :meth:`open` (existing directory) and
    :func:`homeward.kinship.search.search` or :meth:`search` to query it.

    Attributes
    ----------
    loci : tuple of str
        Indexed loci (column order).
    path : Path or None
        Directory, or None for an in-memory index.
    label_width : int
        Bytes per stored label (sample or family id, UTF-8).
    generation : str
        Identity of this index since its creation (kept in the manifest). Row numbers are
        stable within a generation: appends only add rows at the end, merges and
        compaction keep the order. A shard of a search checks it.
    """

    def __init__(
        self,
        loci: Sequence[str],
        alleles: Mapping[str, Sequence[str]],
        *,
        label_width: int = 32,
        path: str | os.PathLike[str] | None = None,
        next_segment: int = 0,
        generation: str = "",
    ) -> None:
        self.loci: tuple[str, ...] = tuple(loci)
        self._alleles: dict[str, list[str]] = {k: list(alleles.get(k, ())) for k in self.loci}
        self._allele_index = {k: {a: i for i, a in enumerate(v)} for k, v in self._alleles.items()}
        self.label_width = label_width
        self.path = Path(path) if path is not None else None
        self._segments: dict[str, list[dict[str, npt.NDArray[Any]]]] = {
            "children": [],
            "families": [],
        }
        self._names: dict[str, list[str]] = {"children": [], "families": []}
        self._next_segment = next_segment
        self.generation = generation or uuid.uuid4().hex
        self.cache = LutCache()

    # -- construction -----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        loci: Sequence[str],
        *,
        table: FrequencyTable | None = None,
        path: str | os.PathLike[str] | None = None,
        label_width: int = 32,
    ) -> ReferenceIndex:
        """New empty index; seeds each locus's allele list from ``table``, most frequent first.

        Raises
        ------
        FileExistsError
            If ``path`` already holds an index.
        """
        alleles: dict[str, list[str]] = {}
        for locus in loci:
            if table is not None and locus in table:
                lf = table.locus(locus)
                ranked = sorted(
                    zip(lf.alleles, lf.population, strict=True),
                    key=lambda pair: (-pair[1], allele_sort_key(pair[0])),
                )
                alleles[locus] = [label for label, _ in ranked]
        index = cls(loci, alleles, label_width=label_width, path=path)
        if index.path is not None:
            if (index.path / kio.MANIFEST).exists():
                raise FileExistsError(f"an index already exists at {index.path}")
            index._save_manifest()
        return index

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, mmap: bool = True) -> ReferenceIndex:
        """Open an index directory; arrays are memory-mapped read-only unless ``mmap=False``."""
        manifest = kio.read_manifest(path)
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise ReferenceIndexError(f"{path} is not a version-{FORMAT_VERSION} kinship index")
        index = cls(
            manifest["loci"],
            manifest["alleles"],
            label_width=int(manifest["label_width"]),
            path=path,
            next_segment=int(manifest["next_segment"]),
            generation=str(manifest.get("generation", "")),
        )
        for kind in KINDS:
            for entry in manifest[kind]["segments"]:
                arrays = kio.read_segment(Path(path) / kind, entry["name"], _KEYS[kind], mmap=mmap)
                index._segments[kind].append(arrays)
                index._names[kind].append(entry["name"])
        return index

    def _manifest(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine_version": ENGINE_VERSION,
            "generation": self.generation,
            "loci": list(self.loci),
            "alleles": self._alleles,
            "label_width": self.label_width,
            "next_segment": self._next_segment,
            **{
                kind: {
                    "rows": self.size(kind),
                    "segments": [
                        {"name": name, "rows": int(arrays["labels"].shape[0])}
                        for name, arrays in zip(
                            self._names[kind], self._segments[kind], strict=True
                        )
                    ],
                }
                for kind in KINDS
            },
        }

    def _save_manifest(self) -> None:
        if self.path is not None:
            kio.write_manifest(self.path, self._manifest())

    # -- allele coding ----------------------------------------------------------------

    def alleles(self, locus: str) -> tuple[str, ...]:
        """Allele labels of ``locus`` in code order."""
        return tuple(self._alleles[locus])

    def allele_code(self, locus: str, label: str, *, add: bool = True) -> int:
        """Code of an allele label, appending it to the locus's list if new (``add``)."""
        index = self._allele_index[locus]
        code = index.get(label)
        if code is None:
            if not add:
                return -1
            if len(self._alleles[locus]) >= MAX_ALLELES:
                raise ReferenceIndexError(f"{locus}: more than {MAX_ALLELES} alleles")
            code = len(self._alleles[locus])
            self._alleles[locus].append(label)
            index[label] = code
        return code

    def encode_genotype(self, locus: str, genotype: Genotype | None) -> int:
        """Stored code of a genotype (``MISSING`` for None); new alleles are appended."""
        if genotype is None:
            return MISSING
        return genotype_code(
            self.allele_code(locus, genotype[0]), self.allele_code(locus, genotype[1])
        )

    def decode_genotype(self, locus: str, code: int) -> Genotype | None:
        """Genotype of a stored code (None for ``MISSING``)."""
        if code == MISSING:
            return None
        high = int((np.sqrt(8 * (code - 1) + 1) - 1) // 2)
        while high * (high + 1) // 2 > code - 1:
            high -= 1
        while (high + 1) * (high + 2) // 2 <= code - 1:
            high += 1
        low = code - 1 - high * (high + 1) // 2
        labels = self._alleles[locus]
        pair = sorted((labels[low], labels[high]), key=allele_sort_key)
        return (pair[0], pair[1])

    def translate(self, locus: str, labels: Sequence[str]) -> npt.NDArray[np.intp]:
        """Index allele codes of an external label list (for bulk appends of codes)."""
        return np.array([self.allele_code(locus, label) for label in labels], dtype=np.intp)

    # -- appending --------------------------------------------------------------------

    def _labels(self, values: Sequence[Any] | npt.NDArray[Any]) -> npt.NDArray[np.bytes_]:
        encoded = [
            v if isinstance(v, bytes) else str(v).encode("utf-8")
            for v in np.asarray(values).ravel().tolist()
        ]
        if any(len(v) > self.label_width for v in encoded):
            raise ReferenceIndexError(f"a label is longer than {self.label_width} bytes")
        array = np.array(encoded, dtype=f"S{self.label_width}")
        return array.reshape(np.asarray(values).shape)

    def _profile_codes(self, profiles: Sequence[Profile | None]) -> CodeArray:
        codes = np.zeros((len(self.loci), len(profiles)), dtype=np.uint16)
        for column, profile in enumerate(profiles):
            if profile is None:
                continue
            for row, locus in enumerate(self.loci):
                codes[row, column] = self.encode_genotype(locus, profile.genotype(locus))
        return codes

    def add_children(self, profiles: Sequence[Profile]) -> None:
        """Append children of unknown origin."""
        labels = self._labels([p.sample_id for p in profiles])
        self.append_arrays("children", {"codes": self._profile_codes(profiles), "labels": labels})

    def add_families(self, families: Sequence[FamilyRecord]) -> None:
        """Append registered couples and single parents."""
        for family in families:
            if family.father is None and family.mother is None:
                raise ReferenceIndexError(f"family {family.family_id} has neither parent")
        labels = self._labels(
            [
                [
                    f.family_id,
                    f.father.sample_id if f.father else "",
                    f.mother.sample_id if f.mother else "",
                ]
                for f in families
            ]
        )
        self.append_arrays(
            "families",
            {
                "father": self._profile_codes([f.father for f in families]),
                "mother": self._profile_codes([f.mother for f in families]),
                "labels": labels,
            },
        )

    def append_arrays(self, kind: Kind, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        """Append rows given as arrays in this index's coding (bulk path).

        Parameters
        ----------
        kind : {"children", "families"}
        arrays : Mapping[str, ndarray]
            ``children``: ``codes`` (n_loci, n) uint16, ``labels`` (n,) str or bytes.
            ``families``: ``father``, ``mother`` (n_loci, n) uint16, ``labels`` (n, 3).
        """
        keys = _KEYS[kind]
        if set(arrays) != set(keys):
            raise ReferenceIndexError(f"{kind} rows need arrays {keys}")
        labels = arrays["labels"]
        if labels.dtype.kind != "S" or labels.dtype.itemsize != self.label_width:
            labels = self._labels(labels)
        n = labels.shape[0]
        prepared: dict[str, npt.NDArray[Any]] = {"labels": labels}
        for key in keys[:-1]:
            codes = np.asarray(arrays[key])
            if codes.shape != (len(self.loci), n) or codes.dtype != np.uint16:
                raise ReferenceIndexError(f"{key} must be uint16 of shape {(len(self.loci), n)}")
            limits = np.array([genotype_count(len(self._alleles[k])) for k in self.loci])
            if n and np.any(codes.max(axis=1) > limits):
                raise ReferenceIndexError(f"{key} holds a genotype code beyond the allele lists")
            prepared[key] = codes
        if n == 0:
            return
        segments, names = self._segments[kind], self._names[kind]
        merge_tail = bool(segments) and segments[-1]["labels"].shape[0] + n <= SMALL_SEGMENT_ROWS
        if merge_tail:
            tail = segments.pop()
            old_name = names.pop()
            axis = {"labels": 0}
            prepared = {
                key: np.concatenate([np.asarray(tail[key]), prepared[key]], axis=axis.get(key, 1))
                for key in keys
            }
        name = f"seg-{self._next_segment:06d}"
        self._next_segment += 1
        if self.path is not None:
            kio.write_segment(self.path / kind, name, prepared)
            stored = kio.read_segment(self.path / kind, name, keys, mmap=True)
        else:
            stored = prepared
        segments.append(stored)
        names.append(name)
        self._save_manifest()
        if merge_tail and self.path is not None:
            kio.remove_segment(self.path / kind, old_name)

    def compact(self) -> None:
        """Merge every segment of each collection into one (rewrites the files)."""
        for kind in KINDS:
            segments = self._segments[kind]
            if len(segments) <= 1:
                continue
            keys = _KEYS[kind]
            merged = {
                key: np.concatenate(
                    [np.asarray(s[key]) for s in segments], axis=0 if key == "labels" else 1
                )
                for key in keys
            }
            old = list(self._names[kind])
            name = f"seg-{self._next_segment:06d}"
            self._next_segment += 1
            if self.path is not None:
                kio.write_segment(self.path / kind, name, merged)
                merged = kio.read_segment(self.path / kind, name, keys, mmap=True)
            self._segments[kind] = [merged]
            self._names[kind] = [name]
            self._save_manifest()
            if self.path is not None:
                for stale in old:
                    kio.remove_segment(self.path / kind, stale)

    # -- reading ----------------------------------------------------------------------

    def size(self, kind: Kind) -> int:
        """Number of rows of a collection."""
        return sum(int(s["labels"].shape[0]) for s in self._segments[kind])

    @property
    def n_children(self) -> int:
        """Number of indexed children."""
        return self.size("children")

    @property
    def n_families(self) -> int:
        """Number of indexed families (couples and single parents)."""
        return self.size("families")

    def segments(self, kind: Kind) -> list[dict[str, npt.NDArray[Any]]]:
        """The segments of a collection (arrays possibly memory-mapped)."""
        return list(self._segments[kind])

    def locate(self, kind: Kind, row: int) -> tuple[dict[str, npt.NDArray[Any]], int]:
        """Segment arrays and local row of a global row number."""
        for arrays in self._segments[kind]:
            n = int(arrays["labels"].shape[0])
            if row < n:
                return arrays, row
            row -= n
        raise IndexError(f"row out of range for {kind}")

    def profile(self, kind: Kind, row: int, role: str = "codes") -> Profile | None:
        """Decode one stored person (``role``: ``codes``, ``father`` or ``mother``)."""
        arrays, local = self.locate(kind, row)
        labels = arrays["labels"][local]
        if kind == "children":
            sample = bytes(labels).decode("utf-8")
        else:
            sample = bytes(labels[1 if role == "father" else 2]).decode("utf-8")
            if not sample:
                return None
        column = arrays[role][:, local]
        genotypes = {}
        for locus, code in zip(self.loci, column, strict=True):
            genotype = self.decode_genotype(locus, int(code))
            if genotype is not None:
                genotypes[locus] = genotype
        return Profile(sample, genotypes)

    def label(self, kind: Kind, row: int) -> str:
        """Sample id (children) or family id (families) of a row."""
        arrays, local = self.locate(kind, row)
        value = arrays["labels"][local]
        raw = value if kind == "children" else value[0]
        return bytes(raw).decode("utf-8")

    def nbytes(self) -> dict[str, int]:
        """Bytes of the arrays by collection and part (codes vs labels)."""
        sizes: dict[str, int] = {}
        for kind in KINDS:
            for key in _KEYS[kind]:
                sizes[f"{kind}.{key}"] = sum(int(s[key].nbytes) for s in self._segments[kind])
        return sizes

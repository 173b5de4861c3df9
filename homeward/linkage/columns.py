"""Records as column arrays: what the search reads instead of a database.

Found persons become one row each in a set of NumPy arrays (keys hashed to integers,
marks and landmarks as bit sets, ages as float intervals). A report becomes a
:class:`Query` of the same codes. Hashes are stable across processes (BLAKE2b, CRC-32),
so an exported table answers the same as a fresh one.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from . import comparisons, features
from .records import Found, Report

SUR_WIDTH = 6  # surname keys per found row (all name forms)
FORM_WIDTH = 2  # name forms kept per found row (full-name and given-name hashes)
COMBO_WIDTH = 12  # given-name key sequences per row
CHAR_WIDTH = 12  # given-name character keys per row
OWN_CHAR_WIDTH = 8  # ... of the names the person gave of their own
NICK_WIDTH = 4  # nickname core keys per row
PARENT_WIDTH = 4
MARK_WIDTH = 4  # marks with a place per row

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@lru_cache(maxsize=262144)
def h64(value: str) -> int:
    """Stable 63-bit hash of a non-empty string; 0 for the empty string."""
    if not value:
        return 0
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & 0x7FFF_FFFF_FFFF_FFFF or 1


@lru_cache(maxsize=65536)
def h32(value: str) -> int:
    """Stable 31-bit hash of a syllable key; 0 for the empty string."""
    if not value:
        return 0
    return (zlib.crc32(value.encode("utf-8")) & 0x7FFF_FFFF) or 1


def _pad(values: Iterable[int], width: int) -> list[int]:
    out = list(dict.fromkeys(v for v in values if v))[:width]
    return out + [0] * (width - len(out))


@dataclass
class FoundColumns:
    """One row per found person. Shapes are (n,) unless noted."""

    ids: npt.NDArray[np.object_]
    sex: npt.NDArray[np.int8]
    birth_lo: npt.NDArray[np.float64]
    birth_hi: npt.NDArray[np.float64]
    birth_sd: npt.NDArray[np.float32]  # σ of the date of birth (ages.BirthInterval.spread)
    found_t: npt.NDArray[np.float64]
    province: npt.NDArray[np.int8]
    division: npt.NDArray[np.int32]
    city: I64
    accent: npt.NDArray[np.int8]
    blood: npt.NDArray[np.int8]
    height: npt.NDArray[np.float32]
    mark_kinds: npt.NDArray[np.int16]
    mark_unplaced: npt.NDArray[np.int16]  # kinds with a mark of no stated place
    mark_codes: npt.NDArray[np.int16]  # (n, MARK_WIDTH), -1 padding
    landmarks: I64
    has_names: npt.NDArray[np.bool_]
    sur: I32  # (n, SUR_WIDTH)
    full: I64  # (n, FORM_WIDTH)
    given: I64  # (n, FORM_WIDTH)
    given_len: npt.NDArray[np.int8]  # (n, FORM_WIDTH) characters of each given name
    combo: I64  # (n, COMBO_WIDTH), hashes of (length, key sequence)
    gchar: I32  # (n, CHAR_WIDTH)
    gchar_own: I32  # (n, OWN_CHAR_WIDTH): of the names the person gave (remembered, pinyin)
    nick: I64
    nick_core: I32  # (n, NICK_WIDTH)
    parent: I32  # (n, PARENT_WIDTH)
    parent_rel: npt.NDArray[np.int8]  # 0 unknown, 1 father, 2 mother
    stats: TermFrequencies = field(default_factory=lambda: TermFrequencies())
    # comparisons.SOURCE_CLASSES index of the record's source (0 unknown); a table
    # built without it (older callers) reads as all unknown
    source_class: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))

    def __post_init__(self) -> None:
        if len(self.source_class) != len(self.ids):
            self.source_class = np.zeros(len(self.ids), np.int8)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, order: npt.NDArray[np.intp]) -> FoundColumns:
        """The rows in ``order`` (a permutation or a subset)."""
        values = {name: getattr(self, name)[order] for name in COLUMN_NAMES if name != "stats"}
        return FoundColumns(**values, stats=self.stats)


COLUMN_NAMES: tuple[str, ...] = (
    "ids", "sex", "birth_lo", "birth_hi", "birth_sd", "found_t", "province", "division", "city",
    "accent", "blood", "height", "mark_kinds", "mark_unplaced", "mark_codes", "landmarks", "has_names",
    "sur", "full", "given", "given_len", "combo", "gchar", "gchar_own", "nick", "nick_core", "parent",
    "parent_rel", "source_class",
)  # fmt: skip


TF_SMOOTHING = 200.0  # pseudo-records at the level's average frequency


@dataclass
class TermFrequencies:
    """How often each value occurs among found persons' non-empty values.

    :meth:`frequency` is the probability that a random *other* found person has the
    value: the agreeing record itself is taken out of the count (else every value met
    once in a small table would look common), and the estimate is shrunk towards the
    level's average frequency ``u`` with :data:`TF_SMOOTHING` pseudo-records.
    """

    counts: dict[str, Counter[int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    n_rows: int = 0

    def frequency(self, kind: str, key: int, u: float) -> float | None:
        counter = self.counts.get(kind)
        if counter is None or key not in counter:
            return None
        others = max(counter[key] - 1, 0)
        total = max(self.totals.get(kind, 0) - 1, 0)
        return (others + TF_SMOOTHING * u) / (total + TF_SMOOTHING)


def encode_found(records: Sequence[Found]) -> FoundColumns:
    """Column arrays of ``records`` (in their order), with term frequencies."""
    n = len(records)
    sex = np.zeros(n, np.int8)
    birth_lo = np.full(n, np.nan)
    birth_hi = np.full(n, np.nan)
    birth_sd = np.full(n, np.nan, np.float32)
    found_t = np.full(n, np.nan)
    province = np.zeros(n, np.int8)
    division = np.zeros(n, np.int32)
    city = np.zeros(n, np.int64)
    accent = np.zeros(n, np.int8)
    blood = np.zeros(n, np.int8)
    height = np.full(n, np.nan, np.float32)
    mark_kinds = np.zeros(n, np.int16)
    mark_unplaced = np.zeros(n, np.int16)
    mark_codes = np.full((n, MARK_WIDTH), -1, np.int16)
    landmarks = np.zeros(n, np.int64)
    has_names = np.zeros(n, np.bool_)
    sur = np.zeros((n, SUR_WIDTH), np.int32)
    full = np.zeros((n, FORM_WIDTH), np.int64)
    given = np.zeros((n, FORM_WIDTH), np.int64)
    given_len = np.zeros((n, FORM_WIDTH), np.int8)
    combo = np.zeros((n, COMBO_WIDTH), np.int64)
    gchar = np.zeros((n, CHAR_WIDTH), np.int32)
    gchar_own = np.zeros((n, OWN_CHAR_WIDTH), np.int32)
    nick = np.zeros(n, np.int64)
    nick_core = np.zeros((n, NICK_WIDTH), np.int32)
    parent = np.zeros((n, PARENT_WIDTH), np.int32)
    parent_rel = np.zeros(n, np.int8)
    source_class = np.zeros(n, np.int8)
    counts: dict[str, Counter[int]] = {
        k: Counter()
        for k in (
            "full",
            "given",
            "surname",
            "nick",
            "char",
            "parent",
            "blood",
            "mark_code",
            "mark_kind",
            "landmark",
        )
    }
    totals: Counter[str] = Counter()
    for i, record in enumerate(records):
        sex[i] = record.sex
        if record.birth.known:
            birth_lo[i], birth_hi[i] = record.birth.low, record.birth.high
            birth_sd[i] = record.birth.spread
        found_t[i] = record.found_t
        province[i] = int(record.province) if record.province else 0
        division[i] = int(record.division) if record.division else 0
        city[i] = h64(record.city)
        accent[i] = record.accent
        blood[i] = record.blood
        height[i] = record.height_cm
        mark_kinds[i] = features.mark_kind_mask(record.marks)
        mark_unplaced[i] = features.mark_unplaced_mask(record.marks)
        codes = features.mark_place_codes(record.marks)[:MARK_WIDTH]
        mark_codes[i, : len(codes)] = codes
        landmarks[i] = features.landmark_mask(record.landmarks)
        has_names[i] = bool(record.names) or bool(record.remembered)
        forms = record.names
        sur[i] = _pad((h32(k) for f in forms for k in sorted(f.surname_keys)), SUR_WIDTH)
        full_values = [h64(f.full) for f in forms if f.full][:FORM_WIDTH]
        full[i, : len(full_values)] = full_values
        given_forms = [f for f in forms if f.given_keys][:FORM_WIDTH]
        for j, form in enumerate(given_forms):
            given[i, j] = h64(form.given)
            given_len[i, j] = len(form.given_keys)
        combo[i] = _pad(
            (h64(f"{len(f.given_keys)}{c}") for f in forms for c in sorted(f.given_combos)),
            COMBO_WIDTH,
        )
        gchar[i] = _pad(
            (h32(k) for f in forms for keys in f.given_keys for k in sorted(keys)), CHAR_WIDTH
        )
        gchar_own[i] = _pad(
            (h32(k) for f in record.own_names for keys in f.given_keys for k in sorted(keys)),
            OWN_CHAR_WIDTH,
        )
        nick[i] = h64(record.remembered)
        nick_core[i] = _pad((h32(k) for k in sorted(record.nick_core_keys)), NICK_WIDTH)
        parent[i] = _pad((h32(k) for k in sorted(record.parent_keys)), PARENT_WIDTH)
        parent_rel[i] = {"father": 1, "mother": 2}.get(record.parent_relation, 0)
        source_class[i] = comparisons.source_class(record.source)
        # term frequencies (each record counts once per value)
        if full_values:
            totals["full"] += 1
            counts["full"].update(set(full_values))
        given_values = {int(v) for v in given[i] if v}
        if given_values:
            totals["given"] += 1
            counts["given"].update(given_values)
        surname_values = {h32(k) for f in forms for k in f.surname_keys}
        if surname_values:
            totals["surname"] += 1
            counts["surname"].update(surname_values)
        if record.remembered:
            totals["nick"] += 1
            counts["nick"][int(nick[i])] += 1
        char_values = {int(v) for v in gchar[i] if v} | {int(v) for v in nick_core[i] if v}
        if char_values:
            totals["char"] += 1
            counts["char"].update(char_values)
        if record.parent_keys:
            totals["parent"] += 1
            counts["parent"].update({h32(k) for k in record.parent_keys})
        if record.blood:
            totals["blood"] += 1
            counts["blood"][record.blood] += 1
        if record.marks:
            totals["marks"] += 1
            counts["mark_code"].update(set(codes))
            counts["mark_kind"].update({features.MARK_KIND_LIST.index(k) for k, _ in record.marks})
        if record.landmarks:
            totals["landmark"] += 1
            counts["landmark"].update({features.LANDMARK_LIST.index(k) for k in record.landmarks})
    totals["mark_code"] = totals["mark_kind"] = totals.pop("marks", 0)
    stats = TermFrequencies(counts=counts, totals=dict(totals), n_rows=n)
    ids = np.empty(n, dtype=object)
    ids[:] = [r.id for r in records]
    return FoundColumns(
        ids=ids,
        sex=sex,
        birth_lo=birth_lo,
        birth_hi=birth_hi,
        birth_sd=birth_sd,
        found_t=found_t,
        province=province,
        division=division,
        city=city,
        accent=accent,
        blood=blood,
        height=height,
        mark_kinds=mark_kinds,
        mark_unplaced=mark_unplaced,
        mark_codes=mark_codes,
        landmarks=landmarks,
        has_names=has_names,
        sur=sur,
        full=full,
        given=given,
        given_len=given_len,
        combo=combo,
        gchar=gchar,
        gchar_own=gchar_own,
        nick=nick,
        nick_core=nick_core,
        parent=parent,
        parent_rel=parent_rel,
        stats=stats,
        source_class=source_class,
    )


@dataclass(frozen=True)
class Query:
    """A report as codes."""

    id: str
    sex: int
    birth_lo: float
    birth_hi: float
    birth_sd: float
    missing_t: float
    missing_tol: float
    district: int
    district_name: int
    has_name: bool
    full: int
    given: int
    given_len: int
    sur: I32
    combo: I64
    gchar: I32
    nick: int
    nick_core: I32
    father: I32
    mother: I32
    family: I32  # father | mother | the child's own surname
    father_or_child: I32
    height_lo: float
    height_hi: float
    mark_kinds: int
    marks: tuple[tuple[int, int], ...]  # (kind index, place code or -1)
    landmarks: int
    blood: int
    surname_char_keys: tuple[int, ...]
    loss_age: int = 0  # comparisons.LOSS_AGE_CLASSES


def _arr32(values: Iterable[int]) -> I32:
    return np.asarray(sorted({v for v in values if v}), dtype=np.int32)


def encode_report(report: Report) -> Query:
    name = report.name
    sur = _arr32(h32(k) for k in sorted(name.surname_keys)) if name else _arr32(())
    combos = (
        np.asarray(sorted({h64(f"{len(name.given_keys)}{c}") for c in name.given_combos}), np.int64)
        if name
        else np.zeros(0, np.int64)
    )
    gchar = _arr32(h32(k) for keys in name.given_keys for k in keys) if name else _arr32(())
    father = _arr32(h32(k) for k in report.father_keys)
    mother = _arr32(h32(k) for k in report.mother_keys)
    child_surname = sur
    father_or_child = father if len(father) else child_surname
    family = _arr32([*father.tolist(), *mother.tolist(), *child_surname.tolist()])
    marks: list[tuple[int, int]] = []
    for kind, place in sorted(report.marks):
        codes = features.mark_place_codes([(kind, place)])
        marks.append((features.MARK_KIND_LIST.index(kind), codes[0] if codes else -1))
    band = report.height_band
    return Query(
        id=report.id,
        sex=report.sex,
        birth_lo=report.birth.low,
        birth_hi=report.birth.high,
        birth_sd=report.birth.spread if report.birth.known else math.nan,
        missing_t=report.missing_t,
        missing_tol=report.missing_tol,
        district=int(report.district) if report.district.isdigit() else 0,
        district_name=h64(report.district_name),
        has_name=name is not None,
        full=h64(name.full) if name else 0,
        given=h64(name.given) if name and name.given else 0,
        given_len=len(name.given_keys) if name else 0,
        sur=sur,
        combo=combos,
        gchar=gchar,
        nick=h64(report.nickname),
        nick_core=_arr32(h32(k) for k in report.nick_core_keys),
        father=father,
        mother=mother,
        family=family,
        father_or_child=father_or_child,
        height_lo=band[0] if band else math.nan,
        height_hi=band[1] if band else math.nan,
        mark_kinds=features.mark_kind_mask(report.marks),
        marks=tuple(marks),
        landmarks=features.landmark_mask(report.home_keys),
        blood=report.blood,
        surname_char_keys=tuple(int(x) for x in sur),
        loss_age=comparisons.loss_age_class(report.birth.low, report.birth.high, report.missing_t),
    )

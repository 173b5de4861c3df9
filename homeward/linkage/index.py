"""The search: a report against every found person, over column arrays.

The found persons are sorted once into segments by sex and by the width of their
birth interval, each segment ordered by the interval's start. A search reads, per
segment of a compatible sex, the contiguous run of rows whose birth interval can lie
within :data:`AGE_BLOCK_GAP` years of the report's (two binary searches), plus the rows
that share the exact full name, given name or 小名 whatever their age (an inverted
index). Every level of every comparison is then computed for the whole block with NumPy
— no per-candidate Python, no database.

The blocking rules are the model's only hard constraints besides time order: a
candidate must be of a compatible sex, found no more than a year before the loss, and
either of a compatible age or share a name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .columns import FoundColumns, Query, encode_found, encode_report
from .comparisons import (
    AGE_CLOSE_SD,
    AGE_MIN_SD,
    AGE_TIGHT_SD,
    COMPARISONS,
    CONTEXT_STRIDE,
    HEIGHT_SLACK_CM,
    HEIGHT_WINDOW_YEARS,
    LANDMARKS_MANY_OTHERS,
    N_COMPARISONS,
    TIME_DECADES_YEARS,
    TIME_HARD_LIMIT_YEARS,
    TIME_MONTH_YEARS,
    TIME_SOON_YEARS,
)
from .features import ACQUIRED_MASK
from .model import Model
from .records import Found, Report

AGE_BLOCK_GAP = 3.0
WIDTH_CLASSES = (1.5, 2.5, 4.0, 5.5, 7.0, 9.0, 11.0, 14.0, 18.0, math.inf)
NEIGHBOURS = np.asarray([51, 52, 42, 43, 61], dtype=np.int8)
_NEIGHBOUR_TABLE = np.zeros(128, dtype=np.bool_)
_NEIGHBOUR_TABLE[NEIGHBOURS] = True

C = {c.name: i for i, c in enumerate(COMPARISONS)}

IntArray = npt.NDArray[np.intp]
Float = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Candidate:
    found_id: str
    row: int
    weight: float  # match weight, bits (log2 Bayes factor)
    posterior: float
    band: str  # "likely", "possible" or ""
    levels: tuple[int, ...]
    contributions: tuple[float, ...]  # bits per comparison (TF adjustment included)


@dataclass(frozen=True)
class Segment:
    sex: int
    start: int
    stop: int
    max_width: float  # of the birth intervals in the segment (inf: unknown births)


def _subset(rows: slice | IntArray, positions: IntArray) -> IntArray:
    """Table rows of ``positions`` within ``rows`` (a slice or an index array)."""
    if isinstance(rows, slice):
        start = rows.start or 0
        step = rows.step or 1
        return np.asarray(start + positions * step, dtype=np.intp)
    return np.asarray(rows[positions], dtype=np.intp)


def _any_rows(hit: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``hit.any(axis=1)`` of a narrow matrix, OR-ing its columns (NumPy's reduction
    along a short last axis is 10-100x slower at this shape)."""
    if hit.shape[1] == 0:
        return np.zeros(len(hit), dtype=np.bool_)
    out = hit[:, 0].copy()
    for j in range(1, hit.shape[1]):
        out |= hit[:, j]
    return out


def _isin_rows(
    matrix: npt.NDArray[np.integer], values: npt.NDArray[np.integer]
) -> npt.NDArray[np.bool_]:
    """Rows of ``matrix`` holding any non-zero value of ``values``."""
    values = values[values != 0]
    if len(values) == 0:
        return np.zeros(len(matrix), dtype=np.bool_)
    hit = matrix == values[0]
    for value in values[1:]:
        hit |= matrix == value
    return _any_rows(hit)


class FoundIndex:
    """Found persons ready for search (see the module docstring).

    Parameters
    ----------
    columns : FoundColumns
        Any order; the index reorders a copy.
    model : Model
    """

    def __init__(self, columns: FoundColumns, model: Model) -> None:
        self.set_model(model)
        n = len(columns)
        width = columns.birth_hi - columns.birth_lo
        width_class = np.full(n, len(WIDTH_CLASSES), dtype=np.int8)  # unknown births last
        known = ~np.isnan(width)
        for k in range(len(WIDTH_CLASSES) - 1, -1, -1):
            width_class[known & (width <= WIDTH_CLASSES[k])] = k
        start = np.where(known, columns.birth_lo, 0.0)
        order = np.lexsort((start, width_class, columns.sex))
        self.cols = columns.take(order)
        self.n = n
        self.birth_lo = self.cols.birth_lo
        sex_sorted = columns.sex[order]
        class_sorted = width_class[order]
        self.segments: list[Segment] = []
        boundaries = np.flatnonzero(
            (np.diff(sex_sorted.astype(np.int16)) != 0) | (np.diff(class_sorted) != 0)
        )
        starts = np.concatenate([[0], boundaries + 1]) if n else np.zeros(0, np.intp)
        stops = np.concatenate([boundaries + 1, [n]]) if n else np.zeros(0, np.intp)
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
            k = int(class_sorted[a])
            max_width = WIDTH_CLASSES[k] if k < len(WIDTH_CLASSES) else math.inf
            self.segments.append(Segment(int(sex_sorted[a]), a, b, max_width))
        self._name_index = self._inverted(
            np.concatenate([self.cols.full, self.cols.given, self.cols.nick[:, None]], axis=1)
        )
        self.row_of = {str(found_id): i for i, found_id in enumerate(self.cols.ids)}

    def set_model(self, model: Model) -> None:
        """Score with ``model`` from now on (the columns do not depend on it)."""
        self.model = model
        # per age-at-loss class when the model has learned offsets (a report's class
        # picks its tables: no work per row)
        self._weights_by_class = [
            [w.astype(np.float64) for w in ws] for ws in model.weights_by_loss_age()
        ]
        self.interaction_bits = model.interaction_bits()

    def weights_for(self, loss_age: int) -> list[Float]:
        """The weight tables of a report of age-at-loss class ``loss_age``."""
        if len(self._weights_by_class) == 1:
            return self._weights_by_class[0]
        return self._weights_by_class[loss_age]

    @property
    def interaction_bits(self) -> dict[str, Float]:
        return self._interaction_bits

    @interaction_bits.setter
    def interaction_bits(self, bits: dict[str, Float]) -> None:
        self._interaction_bits = bits
        by_first: dict[str, list[tuple[str, Float]]] = {}
        for key, table in bits.items():
            first, _, second = key.partition("|")
            by_first.setdefault(first, []).append((second, table))
        self._interactions_by_first = by_first

    @classmethod
    def build(cls, records: Sequence[Found], model: Model) -> FoundIndex:
        return cls(encode_found(records), model)

    @staticmethod
    def _inverted(matrix: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], IntArray]:
        rows = np.repeat(np.arange(len(matrix)), matrix.shape[1])
        values = matrix.ravel()
        keep = values != 0
        values, rows = values[keep], rows[keep]
        order = np.argsort(values, kind="stable")
        return values[order], rows[order]

    # --- blocking ----------------------------------------------------------------------

    def block(self, q: Query) -> tuple[list[slice], IntArray]:
        """Slices of the age block and the extra rows that share a name."""
        slices: list[slice] = []
        known_birth = not (math.isnan(q.birth_lo) or math.isnan(q.birth_hi))
        for segment in self.segments:
            if q.sex and segment.sex and segment.sex != q.sex:
                continue
            if not known_birth or math.isinf(segment.max_width):
                slices.append(slice(segment.start, segment.stop))
                continue
            lo_bound = q.birth_lo - AGE_BLOCK_GAP - segment.max_width
            hi_bound = q.birth_hi + AGE_BLOCK_GAP
            seg = self.birth_lo[segment.start : segment.stop]
            a = int(np.searchsorted(seg, lo_bound, side="left"))
            b = int(np.searchsorted(seg, hi_bound, side="right"))
            if b > a:
                slices.append(slice(segment.start + a, segment.start + b))
        extra: list[IntArray] = []
        keys, rows = self._name_index
        for value in (q.full, q.given, q.nick):
            if not value:
                continue
            a = int(np.searchsorted(keys, value, side="left"))
            b = int(np.searchsorted(keys, value, side="right"))
            if b > a:
                extra.append(rows[a:b])
        extra_rows = np.unique(np.concatenate(extra)) if extra else np.zeros(0, np.intp)
        if len(extra_rows) and slices:
            inside = np.zeros(len(extra_rows), dtype=np.bool_)
            for sl in slices:
                inside |= (extra_rows >= sl.start) & (extra_rows < sl.stop)
            extra_rows = extra_rows[~inside]
        return slices, extra_rows.astype(np.intp)

    def block_rows(self, q: Query) -> IntArray:
        """Every row of the block, as one index array."""
        slices, extra = self.block(q)
        parts = [np.arange(sl.start, sl.stop, dtype=np.intp) for sl in slices]
        if len(extra):
            parts.append(extra)
        return np.concatenate(parts) if parts else np.zeros(0, np.intp)

    # --- levels ------------------------------------------------------------------------

    def levels(
        self, q: Query, rows: slice | IntArray
    ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """Comparison levels (n, C), adjustments in bits (n, C) — term frequencies and
        the interactions of dependent comparisons — and the rows that pass the hard
        constraints (sex, time order), for ``rows`` of the sorted table."""
        c = self.cols
        sex = c.sex[rows]
        m = len(sex)
        gamma = np.zeros((m, N_COMPARISONS), dtype=np.int8)
        tf = np.zeros((m, N_COMPARISONS), dtype=np.float64)

        model = self.model
        ok = np.ones(m, dtype=np.bool_)

        # sex
        if q.sex:
            known = sex != 0
            gamma[:, C["sex"]] = np.where(known, np.where(sex == q.sex, 1, 2), 0)

        # age
        lo, hi = c.birth_lo[rows], c.birth_hi[rows]
        if not (math.isnan(q.birth_lo) or math.isnan(q.birth_hi)):
            known = ~np.isnan(lo)
            sd = c.birth_sd[rows].astype(np.float64)
            spread = np.maximum(np.sqrt(sd * sd + q.birth_sd * q.birth_sd), AGE_MIN_SD)
            z = np.abs((lo + hi) - (q.birth_lo + q.birth_hi)) / 2 / spread
            level = np.select(
                [z <= 1.0, z <= 2.0, z <= 3.0],
                [
                    np.where(spread <= AGE_TIGHT_SD, 1, np.where(spread <= AGE_CLOSE_SD, 2, 4)),
                    np.where(spread <= AGE_CLOSE_SD, 3, 5),
                    6,
                ],
                7,
            )
            gamma[:, C["age"]] = np.where(known, level, 0)

        # time order
        found_t = c.found_t[rows]
        if not math.isnan(q.missing_t):
            known = ~np.isnan(found_t)
            delta = found_t - q.missing_t
            tol = q.missing_tol
            level = np.select(
                [delta >= -tol, delta >= -TIME_HARD_LIMIT_YEARS],
                [
                    np.select(
                        [
                            delta <= TIME_MONTH_YEARS + tol,
                            delta <= 1.0,
                            delta <= TIME_SOON_YEARS,
                            delta <= TIME_DECADES_YEARS,
                        ],
                        [1, 2, 3, 4],
                        7,
                    ),
                    5,
                ],
                6,
            )
            gamma[:, C["time"]] = np.where(known, level, 0)
            ok &= ~(known & (level == 6))

        # place
        province = c.province[rows]
        if q.district or q.district_name:
            same = np.zeros(m, dtype=np.bool_)
            if q.district:
                same |= c.division[rows] == q.district
            if q.district_name:
                same |= c.city[rows] == q.district_name
            level = np.where(
                province == 50,
                np.where(same, 1, 2),
                np.where(_NEIGHBOUR_TABLE[province], 3, 4),
            )
            gamma[:, C["place"]] = np.where(province != 0, level, 0)
        else:
            gamma[:, C["place"]] = np.where(province == 50, 2, 0)

        # accent
        gamma[:, C["accent"]] = c.accent[rows]

        # blood
        if q.blood:
            blood = c.blood[rows]
            level = np.where(blood == 0, 0, np.where(blood == q.blood, 1, 2))
            gamma[:, C["blood"]] = level
            frequency = self._tf("blood", q.blood, C["blood"], 1)
            if frequency is not None:
                tf[:, C["blood"]] += np.where(
                    level == 1, model.tf_adjustment(C["blood"], 1, frequency), 0.0
                )

        # height, only when found within a year of the loss
        if not (math.isnan(q.height_lo) or math.isnan(q.missing_t)):
            height = c.height[rows].astype(np.float64)
            applicable = ~np.isnan(height) & (np.abs(found_t - q.missing_t) <= HEIGHT_WINDOW_YEARS)
            fits = (height >= q.height_lo - HEIGHT_SLACK_CM) & (
                height <= q.height_hi + HEIGHT_SLACK_CM
            )
            gamma[:, C["height"]] = np.where(applicable, np.where(fits, 1, 2), 0)

        # marks
        if q.marks:
            kinds = c.mark_kinds[rows]
            unplaced = c.mark_unplaced[rows]
            codes = c.mark_codes[rows]
            has = kinds != 0
            level = np.full(m, 4, dtype=np.int8)
            tf_code = np.full(m, np.inf)
            tf_kind = np.full(m, np.inf)
            for kind, code in q.marks:
                kind_hit = (kinds & (1 << kind)) != 0
                if not kind_hit.any():
                    continue
                in_kind = (codes >= kind * 64) & (codes < (kind + 1) * 64)
                if code >= 0:
                    exact = _any_rows(codes == code)
                    # code = kind * 64 + place * 3 + side: the region drops the side
                    region = code - (code % 64) % 3
                    same_region = _any_rows(in_kind & (codes - (codes % 64) % 3 == region))
                    compatible = same_region | ((unplaced & (1 << kind)) != 0)
                else:
                    exact = np.zeros(m, dtype=np.bool_)
                    compatible = np.ones(m, dtype=np.bool_)
                this = np.where(exact, 1, np.where(compatible, 2, 3))
                this = np.where(kind_hit, this, 4).astype(np.int8)
                level = np.minimum(level, this)
                code_freq = self._tf("mark_code", code, C["marks"], 1) if code >= 0 else None
                if code_freq is not None:
                    tf_code = np.where(kind_hit & exact, np.minimum(tf_code, code_freq), tf_code)
                kind_freq = self._tf("mark_kind", kind, C["marks"], 2)
                if kind_freq is not None:
                    tf_kind = np.where(kind_hit, np.minimum(tf_kind, kind_freq), tf_kind)
            acquired_only = has & ((kinds & ~ACQUIRED_MASK) == 0)
            level = np.where((level == 4) & acquired_only, 7, level).astype(np.int8)
            gamma[:, C["marks"]] = np.where(has, level, 5)
            ci = C["marks"]
            for lv, freqs in ((1, tf_code), (2, tf_kind)):
                sel = has & (level == lv) & np.isfinite(freqs)
                if sel.any():
                    u = max(float(model.u[ci][lv]), 1e-6)
                    adjust = model.tf_weight * np.log2(u / np.maximum(freqs[sel], model.tf_min))
                    tf[sel, ci] += adjust

        else:
            kinds = c.mark_kinds[rows]
            gamma[:, C["marks"]] = np.where(
                kinds != 0, np.where((kinds & ~ACQUIRED_MASK) == 0, 8, 6), 0
            )

        # landmarks
        if q.landmarks:
            marks = c.landmarks[rows]
            shared = np.bitwise_count(marks & q.landmarks)
            many_others = np.bitwise_count(marks & ~q.landmarks) >= LANDMARKS_MANY_OTHERS
            level = np.where(
                marks == 0,
                0,
                np.where(
                    shared >= 2,
                    1,
                    np.where(shared == 1, np.where(many_others, 4, 2), np.where(many_others, 5, 3)),
                ),
            )
            gamma[:, C["landmarks"]] = level
            for one_level in (2, 4):
                self._landmark_tf(q, marks, level, one_level, tf)

        # names and 小名 (one comparison)
        has_names = c.has_names[rows]
        if q.has_name or q.nick:
            zero = np.zeros(m, np.bool_)
            full_eq = _any_rows(c.full[rows] == q.full) if q.full else zero
            given_eq = _any_rows(c.given[rows] == q.given) if q.given else zero
            gchar = c.gchar[rows] if q.has_name or len(q.nick_core) else None
            nick_core = c.nick_core[rows]
            surname = _isin_rows(c.sur[rows], q.sur) if q.has_name else zero
            partial = _isin_rows(gchar, q.gchar) if gchar is not None and q.has_name else zero
            # the same key sequence implies a shared character key: only those rows
            combo = zero.copy()
            shared = np.flatnonzero(partial)
            if len(shared) and len(q.combo):
                combo[shared] = _isin_rows(c.combo[_subset(rows, shared)], q.combo)
            if q.nick:
                nick_eq = c.nick[rows] == q.nick
                core = _isin_rows(nick_core, q.nick_core)
                in_names = _isin_rows(gchar, q.nick_core) if gchar is not None else zero
                # of the rows whose names hold the core, those where a name the person
                # gave holds it (its keys are among gchar's): the others hold it only in
                # the current name, often the buyers' choice
                check = np.flatnonzero(in_names & ~core)
                if len(check):
                    own = c.gchar_own[_subset(rows, check)]
                    core[check] = _isin_rows(own, q.nick_core)
                core_current = in_names & ~core
            else:
                nick_eq = core = core_current = zero
            if q.has_name:
                # the found person's 小名 core is a character of the given name
                core = core | _isin_rows(nick_core, q.gchar)
                core_current = core_current & ~core
            level = np.select(
                [full_eq, given_eq, combo & surname, nick_eq, combo, core, core_current,
                 partial & surname, partial, surname],
                [1, 2, 3, 4, 5, 6, 12, 7, 8, 9],
                np.where(c.nick[rows] != 0, 11, 10),
            )  # fmt: skip
            ci = C["name"]
            gamma[:, ci] = np.where(has_names, level, 0)
            name_level = gamma[:, ci]
            full_freq = self._tf("full", q.full, ci, 1) if q.full else None
            if full_freq is not None:
                tf[name_level == 1, ci] += model.tf_adjustment(ci, 1, full_freq)
            for core_level in (6, 12):
                core_rows = np.flatnonzero(name_level == core_level)
                if len(core_rows):
                    # the rarest character key met (a 小名 core of 强 says less than of 琪)
                    tf[core_rows, ci] += self._char_tf(q, rows, core_rows, ci, core_level)
            given_freq = self._tf("given", q.given, ci, 2) if q.given else None
            if given_freq is not None:
                tf[name_level == 2, ci] += model.tf_adjustment(ci, 2, given_freq)
            nick_freq = self._tf("nick", q.nick, ci, 4) if q.nick else None
            if nick_freq is not None:
                tf[name_level == 4, ci] += model.tf_adjustment(ci, 4, nick_freq)
            surname_freqs = [
                f for k in q.surname_char_keys if (f := self._tf("surname", k, ci, 9)) is not None
            ]
            if surname_freqs:
                tf[name_level == 9, ci] += model.tf_adjustment(ci, 9, max(surname_freqs))

        # parent's surname
        with_parent = np.flatnonzero(c.parent[rows][:, 0] != 0)  # keys are packed first
        if len(with_parent) and len(q.family):
            sub = _subset(rows, with_parent)
            parent = c.parent[sub]
            rel = c.parent_rel[sub]
            agree_f = _isin_rows(parent, q.father_or_child)
            agree_m = _isin_rows(parent, q.mother)
            agree_any = _isin_rows(parent, q.family)
            agree = np.where(rel == 1, agree_f, np.where(rel == 2, agree_m, agree_any))
            family_known = np.where(
                rel == 1, len(q.father_or_child) > 0, np.where(rel == 2, len(q.mother) > 0, True)
            )
            level = np.where(family_known, np.where(agree, 1, 2), 0)
            gamma[with_parent, C["parent"]] = level
            # by the frequency of the surname that agrees (the commonest of its readings),
            # not of the family's commonest: a remembered 覃 of the mother says more than
            # the father's 王 would
            agreeing = np.flatnonzero(level == 1)
            if len(agreeing):
                agree_freq = np.full(len(agreeing), -1.0)
                for k in q.family.tolist():
                    key_freq = self._tf("parent", int(k), C["parent"], 1)
                    if key_freq is None:
                        continue
                    hit = _any_rows(parent[agreeing] == k)
                    agree_freq = np.where(hit, np.maximum(agree_freq, key_freq), agree_freq)
                known = agree_freq > 0
                if known.any():
                    u = max(float(model.u[C["parent"]][1]), 1e-6)
                    tf[with_parent[agreeing[known]], C["parent"]] += model.tf_weight * np.log2(
                        u / np.maximum(agree_freq[known], model.tf_min)
                    )
        # comparisons that are not independent (comparisons.INTERACTIONS)
        if self.interaction_bits:
            self._add_interactions(q, rows, gamma, tf)
        return gamma, tf, ok

    def _add_interactions(
        self, q: Query, rows: slice | IntArray, gamma: npt.NDArray[np.int8], tf: Float
    ) -> None:
        """Bits of the interactions, one table lookup per comparison: those conditioned
        on the report's age at loss are the same for every row, so they are folded
        into the comparison's other table (or read by level alone)."""
        source: npt.NDArray[np.int8] | None = None
        for first, parts in self._interactions_by_first.items():
            ci = C[first]
            level = gamma[:, ci]
            constant = [bits[q.loss_age] for second, bits in parts if second == "loss_age"]
            row_bits: Float | None = np.sum(constant, axis=0) if q.loss_age and constant else None
            varying = [(second, bits) for second, bits in parts if second != "loss_age"]
            if not varying:
                if row_bits is not None:
                    tf[:, ci] += row_bits[level]
                continue
            for k, (second, bits) in enumerate(varying):
                table = bits + row_bits if k == 0 and row_bits is not None else bits
                if second == "source":
                    if source is None:
                        source = self.cols.source_class[rows]
                    condition = source
                else:
                    condition = gamma[:, C[second]]
                tf[:, ci] += table[condition, level]

    def _landmark_tf(
        self,
        q: Query,
        marks: npt.NDArray[np.int64],
        level: npt.NDArray[np.int8],
        lv: int,
        tf: Float,
    ) -> None:
        """TF bits of a one-landmark level: by the frequency of the shared landmark."""
        one = level == lv
        if not one.any():
            return
        common = marks[one] & q.landmarks
        freqs = np.ones(int(one.sum()))
        for bit in range(64):
            if not q.landmarks & (1 << bit):
                continue
            landmark_freq = self._tf("landmark", bit, C["landmarks"], lv)
            if landmark_freq is not None:
                freqs = np.where((common & (1 << bit)) != 0, landmark_freq, freqs)
        tf[one, C["landmarks"]] += self.model.tf_weight * np.log2(
            max(float(self.model.u[C["landmarks"]][lv]), 1e-6)
            / np.maximum(freqs, self.model.tf_min)
        )

    def context(self, q: Query, rows: slice | IntArray) -> npt.NDArray[np.int8]:
        """Each pair's context (comparisons.CONTEXT_STRIDE): source and age at loss."""
        return (self.cols.source_class[rows] + CONTEXT_STRIDE * q.loss_age).astype(np.int8)

    def _char_tf(
        self, q: Query, rows: slice | IntArray, sub: IntArray, ci: int, level: int = 6
    ) -> Float:
        """TF bits of the 小名-core level for the rows ``sub`` (positions in ``rows``):
        by the rarest of the report's core or given-name keys the row holds."""
        picked = _subset(rows, sub)
        nick_core = self.cols.nick_core[picked]
        gchar = self.cols.gchar[picked]
        best = np.full(len(picked), np.inf)
        for key in {int(k) for k in (*q.nick_core.tolist(), *q.gchar.tolist()) if k}:
            frequency = self._tf("char", key, ci, level)
            if frequency is None:
                continue
            in_core = _any_rows(nick_core == key)
            in_given = _any_rows(gchar == key) if key in q.nick_core else np.zeros_like(in_core)
            best = np.where(in_core | in_given, np.minimum(best, frequency), best)
        out = np.zeros(len(picked))
        known = np.isfinite(best)
        u = max(float(self.model.u[ci][level]), 1e-6)
        out[known] = self.model.tf_weight * np.log2(u / np.maximum(best[known], self.model.tf_min))
        return out

    def _tf(self, kind: str, key: int, comparison: int, level: int) -> float | None:
        u = float(self.model.u[comparison][level])
        return self.cols.stats.frequency(kind, key, u)

    def score(self, gamma: npt.NDArray[np.int8], tf: Float, loss_age: int = 0) -> Float:
        """Match weights (bits) of pairs of one report of age-at-loss class ``loss_age``."""
        weights = self.weights_for(loss_age)
        total: Float = tf.sum(axis=1)
        for ci in range(N_COMPARISONS):
            total += weights[ci][gamma[:, ci]]
        return total

    # --- search ------------------------------------------------------------------------

    def search(
        self, report: Report | Query, *, top: int = 10, exclude: Iterable[str] = ()
    ) -> list[Candidate]:
        """The best ``top`` candidates for one report, best first, with bands."""
        q = report if isinstance(report, Query) else encode_report(report)
        rows_all = self.block_rows(q)
        if not math.isnan(q.missing_t) and len(rows_all):
            # The hard time-order constraint first (found more than a year before the
            # loss: never a candidate, levels() marks them not ok): fewer rows to compare.
            delta = self.cols.found_t[rows_all] - q.missing_t
            rows_all = rows_all[~(delta < -max(q.missing_tol, TIME_HARD_LIMIT_YEARS))]
        if len(rows_all) == 0:
            return []
        gamma_all, tf_all, ok = self.levels(q, rows_all)
        weights = self.score(gamma_all, tf_all, q.loss_age)
        weights[~ok] = -np.inf
        if exclude:
            excluded = [self.row_of[x] for x in exclude if x in self.row_of]
            if excluded:
                weights[np.isin(rows_all, np.asarray(excluded, dtype=np.intp))] = -np.inf
        finite = np.isfinite(weights)
        if not finite.any():
            return []
        # Posterior that candidate j is the person, given that the person is among the
        # N found with prior probability p (uniformly): a one-to-one competition.
        p = self.model.prior_has_match
        log2_prior = math.log2(p / max(self.n, 1))
        shift = float(weights[finite].max())
        total_lr = float(np.exp2(weights[finite] - shift).sum())
        # denominator = (1 - p) + (p/N) * Σ LR, in units of 2^shift
        log2_denominator = _log2_add(
            math.log2(1 - p) if p < 1 else -math.inf, log2_prior + shift + math.log2(total_lr)
        )
        k = min(top, int(finite.sum()))
        best = np.argpartition(-np.where(finite, weights, -np.inf), k - 1)[:k]
        best = best[np.argsort(-weights[best], kind="stable")]
        rows_best = rows_all[best]
        gamma, tf = gamma_all[best], tf_all[best]
        tables = self.weights_for(q.loss_age)
        out: list[Candidate] = []
        for j, row in enumerate(rows_best.tolist()):
            w = float(weights[best[j]])
            posterior = 2.0 ** (log2_prior + w - log2_denominator)
            contributions = tuple(
                float(tables[ci][gamma[j, ci]] + tf[j, ci]) for ci in range(N_COMPARISONS)
            )
            out.append(
                Candidate(
                    found_id=str(self.cols.ids[row]),
                    row=row,
                    weight=w,
                    posterior=min(posterior, 1.0),
                    band=self.band(posterior, w),
                    levels=tuple(int(x) for x in gamma[j]),
                    contributions=contributions,
                )
            )
        return out

    def search_many(
        self, reports: Sequence[Report | Query], *, top: int = 10, workers: int = 1
    ) -> list[list[Candidate]]:
        """:meth:`search` for every report, in order — the night's run over the open
        searches. ``workers`` > 1 forks that many processes that share the index
        copy-on-write (POSIX only; elsewhere, or for a few reports, one process)."""
        queries = [r if isinstance(r, Query) else encode_report(r) for r in reports]
        if workers <= 1 or len(queries) < 2 * workers:
            return [self.search(q, top=top) for q in queries]
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:
            return [self.search(q, top=top) for q in queries]
        global _SHARED_INDEX
        _SHARED_INDEX = self
        size = -(-len(queries) // (workers * 4))  # a few chunks per worker, in order
        chunks = [(queries[i : i + size], top) for i in range(0, len(queries), size)]
        try:
            with context.Pool(workers) as pool:
                parts = pool.map(_search_chunk, chunks)
        finally:
            _SHARED_INDEX = None
        return [candidates for part in parts for candidates in part]

    def band(self, posterior: float, weight: float) -> str:
        bands = self.model.bands
        if posterior >= bands.likely:
            return "likely"
        if posterior >= bands.possible or weight >= bands.min_weight_possible:
            return "possible"
        return ""


_SHARED_INDEX: FoundIndex | None = None  # the index a forked worker searches


def _search_chunk(task: tuple[list[Query], int]) -> list[list[Candidate]]:
    queries, top = task
    index = _SHARED_INDEX
    if index is None:  # pragma: no cover - only without fork
        raise RuntimeError("no index to search in this process")
    return [index.search(q, top=top) for q in queries]


def _log2_add(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    hi, lo = max(a, b), min(a, b)
    return hi + math.log2(1.0 + 2.0 ** (lo - hi))

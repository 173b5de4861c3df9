"""Vectorised search of the reference index, and the slow reference scan it is tested against.

A query never loops over profiles in Python. It runs in three steps:

1. **Lookup tables.** For each locus, a float32 table of log10 LRs indexed by reference
   genotype code, built by :mod:`.vectorised`. For a child against families it is
   ``(G+1) x (G+1)``, over (father code, mother code). Code 0 (untyped) on one side gives
   the other parent's duo LR, and on both sides gives 0. For parents against children it
   is ``G+1`` long.
2. **Gather and sum.** In chunks of rows, the flat index ``father * (G+1) + mother`` (or
   the child's code) is formed in place. ``np.take`` gathers from the table, and the
   result is added to a float32 accumulator. Two threads share the chunks; NumPy releases
   the GIL in these loops.
3. **Top-k.** A running threshold keeps only candidates that can still enter the top k.
   Rows scoring at least ``log10(support_cpi)`` are counted along the way.

The hits are then recomputed with the reference functions (:mod:`.compare`), which gives
each hit its per-locus table, decision and provenance in float64.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .compare import compare_couple, compare_duo, make_provenance
from .decisions import DecisionRules
from .frequencies import FrequencyTable
from .index import Kind, ReferenceIndex, decode_table, genotype_count
from .likelihood import KinshipParams, couple_locus, duo_locus
from .mutation import Role
from .profiles import Genotype, Profile
from .results import Direction, KinshipResult, SearchHit, SearchResult
from .vectorised import LocusKernel, couple_log10_lr, couple_table, duo_log10_lr

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "Direction",
    "ParentQuery",
    "Query",
    "SearchHit",
    "SearchResult",
    "child_table",
    "default_workers",
    "family_table",
    "reference_scores",
    "score_all",
    "search",
]

F32 = npt.NDArray[np.float32]
DEFAULT_CHUNK_ROWS = 32_768


@dataclass(frozen=True)
class ParentQuery:
    """Query of the parents-to-children direction (at least one parent)."""

    father: Profile | None = None
    mother: Profile | None = None


Query = Profile | ParentQuery


@dataclass(frozen=True)
class _Column:
    row: int
    lut: F32
    stride: np.intp | None


class _TopK:
    """Running top-k of (score desc, row asc) with a threshold to skip hopeless rows."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.rows: list[npt.NDArray[np.int64]] = []
        self.scores: list[F32] = []
        self.size = 0
        self.threshold = -math.inf

    def offer(self, scores: F32, base: int) -> None:
        if self.k <= 0:
            return
        selected = np.flatnonzero(scores >= self.threshold)
        if selected.size == 0:
            return
        self.rows.append(selected.astype(np.int64) + base)
        self.scores.append(scores[selected].copy())
        self.size += int(selected.size)
        if self.size > 4 * self.k + 1024:
            self.compact()

    def compact(self) -> tuple[npt.NDArray[np.int64], F32]:
        if not self.rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.concatenate(self.rows)
        scores = np.concatenate(self.scores)
        order = np.lexsort((rows, -scores))[: self.k]
        rows, scores = rows[order], scores[order]
        self.rows, self.scores, self.size = [rows], [scores], int(rows.size)
        if 0 < self.k == rows.size:
            self.threshold = float(scores[-1])
        return rows, scores


def _kernel(
    index: ReferenceIndex, table: FrequencyTable, params: KinshipParams, locus: str
) -> LocusKernel:
    alleles = index.alleles(locus)
    key = ("kernel", table.digest, table.policy, params, locus, len(alleles))
    cached = index.cache.get(key)
    if cached is None:
        lf = table.locus(locus)
        cached = LocusKernel.build(locus, alleles, [lf.p(a) for a in alleles], params)
        index.cache.put(key, cached, cached.steps.nbytes * 4)
    kernel: LocusKernel = cached
    return kernel


def _codes(index: ReferenceIndex, locus: str, genotype: Genotype) -> tuple[int, int]:
    return index.allele_code(locus, genotype[0]), index.allele_code(locus, genotype[1])


def family_table(
    index: ReferenceIndex,
    table: FrequencyTable,
    params: KinshipParams,
    locus: str,
    child: Genotype,
) -> tuple[F32, npt.NDArray[np.uint8]]:
    """Lookup tables of one child genotype against every (father, mother) code pair.

    Returns
    -------
    log10_lr : ndarray, shape ((G+1) * (G+1),), float32
        Flat, row = father code, column = mother code (0 = untyped).
    inconsistent : ndarray, shape ((G+1) * (G+1),), uint8
    """
    a, b = _codes(index, locus, child)
    kernel = _kernel(index, table, params, locus)
    key = ("family", table.digest, table.policy, params, locus, len(kernel.alleles), a, b)
    cached = index.cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    first, second = decode_table(len(kernel.alleles))
    g = genotype_count(len(kernel.alleles))
    couple, couple_bad = couple_table(kernel, (a, b), params)
    # A father alone: the untested mother transmits the other allele, and vice versa.
    father_duo, father_bad = duo_log10_lr(kernel, (a, b), (first, second), params, "mother")
    mother_duo, mother_bad = duo_log10_lr(kernel, (a, b), (first, second), params, "father")
    lut = np.zeros((g + 1, g + 1), dtype=np.float32)
    bad = np.zeros((g + 1, g + 1), dtype=np.uint8)
    lut[1:, 1:], bad[1:, 1:] = couple, couple_bad
    lut[1:, 0], bad[1:, 0] = father_duo, father_bad
    lut[0, 1:], bad[0, 1:] = mother_duo, mother_bad
    result = (lut.ravel(), bad.ravel())
    index.cache.put(key, result, lut.nbytes + bad.nbytes)
    return result


def child_table(
    index: ReferenceIndex,
    table: FrequencyTable,
    params: KinshipParams,
    locus: str,
    father: Genotype | None,
    mother: Genotype | None,
) -> tuple[F32, npt.NDArray[np.uint8]]:
    """Lookup tables of the query parent(s) against every child genotype code.

    Returns
    -------
    log10_lr : ndarray, shape (G+1,), float32
        Entry 0 (untyped child) is 0.
    inconsistent : ndarray, shape (G+1,), uint8
    """
    father_codes = _codes(index, locus, father) if father is not None else None
    mother_codes = _codes(index, locus, mother) if mother is not None else None
    kernel = _kernel(index, table, params, locus)
    first, second = decode_table(len(kernel.alleles))
    g = genotype_count(len(kernel.alleles))
    if father_codes is not None and mother_codes is not None:
        values, bad = couple_log10_lr(kernel, (first, second), father_codes, mother_codes, params)
    else:
        single = father_codes or mother_codes
        if single is None:
            raise ValueError("a parents-to-children query needs a father or a mother")
        other: Role = "mother" if father_codes is not None else "father"
        values, bad = duo_log10_lr(kernel, (first, second), single, params, other)
    lut = np.zeros(g + 1, dtype=np.float32)
    flags = np.zeros(g + 1, dtype=np.uint8)
    lut[1:], flags[1:] = values, bad
    return lut, flags


def _plan(
    index: ReferenceIndex,
    query: Query,
    direction: Direction,
    table: FrequencyTable,
    loci: Sequence[str] | None,
) -> tuple[Kind, list[str], dict[str, str], dict[str, str]]:
    """Searched collection, loci used, loci skipped (with reasons) and query ids."""
    chosen = list(loci) if loci is not None else list(index.loci)
    unknown = [name for name in chosen if name not in index.loci]
    if unknown:
        raise ValueError(f"loci not in the index: {unknown}")
    if direction == Direction.CHILD_TO_PARENTS:
        if not isinstance(query, Profile):
            raise TypeError("a child-to-parents search takes the child's Profile")
        kind: Kind = "families"
        people = {"child": query}
    else:
        if not isinstance(query, ParentQuery) or (query.father is None and query.mother is None):
            raise TypeError("a parents-to-children search takes a ParentQuery with a parent")
        kind = "children"
        people = {r: p for r, p in (("father", query.father), ("mother", query.mother)) if p}
    used: list[str] = []
    skipped: dict[str, str] = {
        name: "not in the index"
        for person in people.values()
        for name in person.genotypes
        if name not in index.loci
    }
    for locus in chosen:
        if locus not in table:
            reason = table.excluded.get(locus, "not in the frequency table")
            skipped[locus] = f"excluded from the frequency table: {reason}"
        elif not any(p.genotype(locus) is not None for p in people.values()):
            skipped[locus] = "query not typed"
        else:
            used.append(locus)
    return kind, used, skipped, {role: p.sample_id for role, p in people.items()}


def _columns(
    index: ReferenceIndex,
    query: Query,
    table: FrequencyTable,
    params: KinshipParams,
    used: list[str],
) -> list[_Column]:
    columns: list[_Column] = []
    for locus in used:
        row = index.loci.index(locus)
        if isinstance(query, Profile):
            genotype = query.genotype(locus)
            if genotype is None:  # pragma: no cover - filtered by _plan
                continue
            lut, _ = family_table(index, table, params, locus, genotype)
            columns.append(_Column(row, lut, np.intp(math.isqrt(lut.size))))
        else:
            father = query.father.genotype(locus) if query.father else None
            mother = query.mother.genotype(locus) if query.mother else None
            lut, _ = child_table(index, table, params, locus, father, mother)
            columns.append(_Column(row, lut, None))
    return columns


def _scan(
    index: ReferenceIndex,
    kind: Kind,
    columns: list[_Column],
    *,
    top_k: int,
    threshold: float,
    workers: int,
    chunk_rows: int,
    keep_scores: bool,
) -> tuple[npt.NDArray[np.int64], F32, int, F32 | None]:
    work: list[
        tuple[list[npt.NDArray[np.uint16]], list[npt.NDArray[np.uint16]], int, int, int]
    ] = []
    base = 0
    for segment in index.segments(kind):
        n = int(segment["labels"].shape[0])
        if kind == "families":
            first = [np.asarray(segment["father"])[c.row] for c in columns]
            second = [np.asarray(segment["mother"])[c.row] for c in columns]
        else:
            first = [np.asarray(segment["codes"])[c.row] for c in columns]
            second = []
        for start in range(0, n, chunk_rows):
            work.append((first, second, base, start, min(n, start + chunk_rows)))
        base += n
    all_scores = np.empty(base, dtype=np.float32) if keep_scores else None

    def run(items: list[tuple[Any, ...]]) -> tuple[_TopK, int]:
        acc = np.empty(chunk_rows, dtype=np.float32)
        gathered = np.empty(chunk_rows, dtype=np.float32)
        flat = np.empty(chunk_rows, dtype=np.intp)
        best = _TopK(top_k)
        over = 0
        for first, second, offset, start, stop in items:
            n = stop - start
            total, values, positions = acc[:n], gathered[:n], flat[:n]
            total.fill(0.0)
            for i, column in enumerate(columns):
                if column.stride is not None:
                    np.multiply(
                        first[i][start:stop], column.stride, out=positions, casting="unsafe"
                    )
                    np.add(positions, second[i][start:stop], out=positions, casting="unsafe")
                else:
                    positions[...] = first[i][start:stop]
                np.take(column.lut, positions, out=values, mode="clip")
                np.add(total, values, out=total)
            over += int(np.count_nonzero(total >= threshold))
            best.offer(total, offset + start)
            if all_scores is not None:
                all_scores[offset + start : offset + stop] = total
        return best, over

    if workers <= 1 or len(work) <= 1:
        outcomes = [run(work)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(run, [work[i::workers] for i in range(workers)]))
    merged = _TopK(top_k)
    for best, _ in outcomes:
        rows, scores = best.compact()
        merged.rows.append(rows)
        merged.scores.append(scores)
    rows, scores = merged.compact()
    return rows, scores, sum(over for _, over in outcomes), all_scores


def default_workers() -> int:
    """Threads used by a scan: the CPU count, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def search(
    index: ReferenceIndex,
    query: Query,
    direction: Direction | str,
    top_k: int = 10,
    *,
    table: FrequencyTable,
    params: KinshipParams | None = None,
    rules: DecisionRules | None = None,
    loci: Sequence[str] | None = None,
    workers: int | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> SearchResult:
    """Rank the index against a query by combined LR.

    Parameters
    ----------
    index : ReferenceIndex
    query : Profile or ParentQuery
        The child (``child-to-parents``) or the parent(s) (``parents-to-children``).
    direction : Direction or str
    top_k : int
        Number of hits returned.
    table : FrequencyTable
    params : KinshipParams, optional
    rules : DecisionRules, optional
    loci : sequence of str, optional
        Restrict to these index loci (default: all index loci).
    workers : int, optional
        Scan threads (default: CPU count, at most 4).
    chunk_rows : int
        Rows per chunk (bounds the scratch memory per thread).

    Returns
    -------
    SearchResult
    """
    direction = Direction(direction)
    params = params or KinshipParams()
    rules = rules or DecisionRules()
    started = time.perf_counter()
    kind, used, skipped, query_ids = _plan(index, query, direction, table, loci)
    columns = _columns(index, query, table, params, used)
    built = time.perf_counter()
    rows, scores, over, _ = _scan(
        index,
        kind,
        columns,
        top_k=top_k,
        threshold=float(np.float32(math.log10(rules.support_cpi))),
        workers=workers or default_workers(),
        chunk_rows=chunk_rows,
        keep_scores=False,
    )
    scanned_at = time.perf_counter()
    hits = _hits(index, kind, query, rows, scores, used, table, params, rules)
    finished = time.perf_counter()
    provenance = make_provenance(table, params, tuple(used), skipped, index.size(kind))
    return SearchResult(
        direction=direction,
        query=query_ids,
        hits=hits,
        scanned=index.size(kind),
        over_support=over,
        provenance=provenance,
        timings={
            "tables": built - started,
            "scan": scanned_at - built,
            "hits": finished - scanned_at,
        },
    )


def score_all(
    index: ReferenceIndex,
    query: Query,
    direction: Direction | str,
    *,
    table: FrequencyTable,
    params: KinshipParams | None = None,
    loci: Sequence[str] | None = None,
    workers: int | None = None,
) -> F32:
    """Fast combined log10 LR of every row of the searched collection (float32)."""
    direction = Direction(direction)
    params = params or KinshipParams()
    kind, used, _, _ = _plan(index, query, direction, table, loci)
    columns = _columns(index, query, table, params, used)
    _, _, _, scores = _scan(
        index,
        kind,
        columns,
        top_k=0,
        threshold=math.inf,
        workers=workers or default_workers(),
        chunk_rows=DEFAULT_CHUNK_ROWS,
        keep_scores=True,
    )
    if scores is None:  # pragma: no cover - keep_scores=True
        raise RuntimeError("scan returned no scores")
    return scores


def _restrict(profile: Profile | None, loci: Sequence[str]) -> Profile | None:
    if profile is None:
        return None
    keep = set(loci)
    return Profile(
        profile.sample_id,
        {k: v for k, v in profile.genotypes.items() if k in keep},
        profile.amelogenin,
    )


def _hits(
    index: ReferenceIndex,
    kind: Kind,
    query: Query,
    rows: npt.NDArray[np.int64],
    scores: F32,
    used: list[str],
    table: FrequencyTable,
    params: KinshipParams,
    rules: DecisionRules,
) -> tuple[SearchHit, ...]:
    universe = {locus: index.alleles(locus) for locus in used}
    found: list[tuple[int, float, str, str | None, str | None, KinshipResult]] = []
    for row, score in zip(rows.tolist(), scores.tolist(), strict=True):
        if kind == "families":
            child = _restrict(query if isinstance(query, Profile) else None, used)
            father = _restrict(index.profile(kind, row, "father"), used)
            mother = _restrict(index.profile(kind, row, "mother"), used)
        else:
            parents = query if isinstance(query, ParentQuery) else ParentQuery()
            child = _restrict(index.profile(kind, row), used)
            father, mother = _restrict(parents.father, used), _restrict(parents.mother, used)
        if child is None:  # pragma: no cover - decoded rows always exist
            continue
        if father is not None and mother is not None:
            result = compare_couple(table, father, mother, child, params, rules, universe=universe)
        else:
            parent = father or mother
            role = "father" if father is not None else "mother"
            if parent is None:  # pragma: no cover - families have a parent
                continue
            result = compare_duo(
                table, parent, child, params, rules, parent_role=role, universe=universe
            )
        found.append(
            (
                row,
                score,
                index.label(kind, row),
                father.sample_id if father and kind == "families" else None,
                mother.sample_id if mother and kind == "families" else None,
                result,
            )
        )
    found.sort(key=lambda item: (-item[5].log10_cpi, -item[1], item[0]))
    return tuple(
        SearchHit(rank, row, label, father_id, mother_id, score, result)
        for rank, (row, score, label, father_id, mother_id, result) in enumerate(found, start=1)
    )


def reference_scores(
    index: ReferenceIndex,
    query: Query,
    direction: Direction | str,
    *,
    table: FrequencyTable,
    params: KinshipParams | None = None,
    loci: Sequence[str] | None = None,
    rows: Sequence[int] | None = None,
) -> npt.NDArray[np.float64]:
    """Straightforward per-profile Python scan (the reference for tests and benchmarks).

    Decodes each row's genotypes and sums the reference per-locus log10 LRs.
    """
    direction = Direction(direction)
    params = params or KinshipParams()
    kind, used, _, _ = _plan(index, query, direction, table, loci)
    selected = list(rows) if rows is not None else list(range(index.size(kind)))
    out = np.zeros(len(selected), dtype=np.float64)
    for position, row in enumerate(selected):
        arrays, local = index.locate(kind, row)
        total = 0.0
        for locus in used:
            r = index.loci.index(locus)
            freqs, extra = table.locus(locus), index.alleles(locus)
            if kind == "families" and isinstance(query, Profile):
                child = query.genotype(locus)
                father = index.decode_genotype(locus, int(arrays["father"][r, local]))
                mother = index.decode_genotype(locus, int(arrays["mother"][r, local]))
            elif isinstance(query, ParentQuery):
                child = index.decode_genotype(locus, int(arrays["codes"][r, local]))
                father = query.father.genotype(locus) if query.father else None
                mother = query.mother.genotype(locus) if query.mother else None
            else:  # pragma: no cover - checked by _plan
                raise TypeError("query does not match the direction")
            if child is None:
                continue
            if father is not None and mother is not None:
                total += couple_locus(father, mother, child, freqs, params, extra).log10_lr
            elif father is not None:
                total += duo_locus(
                    father, child, freqs, params, extra, parent_role="father"
                ).log10_lr
            elif mother is not None:
                total += duo_locus(
                    mother, child, freqs, params, extra, parent_role="mother"
                ).log10_lr
        out[position] = total
    return out

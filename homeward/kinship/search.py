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

from .chance import ChanceCalculator, judge_database_hit
from .compare import compare_couple, compare_duo, make_provenance
from .decisions import DecisionRules
from .frequencies import FrequencyTable
from .index import Kind, ReferenceIndex
from .likelihood import KinshipParams, couple_locus, duo_locus
from .lookup import child_table, family_table
from .profiles import Profile
from .results import Direction, KinshipResult, ParentQuery, SearchHit, SearchResult

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "Direction",
    "ParentQuery",
    "Query",
    "ScanPart",
    "SearchHit",
    "SearchPlan",
    "SearchResult",
    "child_table",
    "default_workers",
    "family_table",
    "finish_search",
    "merge_parts",
    "plan_search",
    "reference_scores",
    "scan_rows",
    "score_all",
    "search",
    "shard_bounds",
]

F32 = npt.NDArray[np.float32]
DEFAULT_CHUNK_ROWS = 32_768


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
    start_row: int = 0,
    stop_row: int | None = None,
) -> tuple[npt.NDArray[np.int64], F32, int, F32 | None]:
    """Scan rows ``[start_row, stop_row)`` of a collection (default: all of it).

    Every row's score is the float32 sum of its loci in column order, whatever the chunk,
    thread or row range, so shards of a scan give exactly the rows and scores of the
    whole scan.
    """
    work: list[
        tuple[list[npt.NDArray[np.uint16]], list[npt.NDArray[np.uint16]], int, int, int]
    ] = []
    total_rows = index.size(kind)
    stop_row = total_rows if stop_row is None else min(stop_row, total_rows)
    base = 0
    for segment in index.segments(kind):
        n = int(segment["labels"].shape[0])
        low, high = max(start_row - base, 0), min(stop_row - base, n)
        if low < high:
            if kind == "families":
                first = [np.asarray(segment["father"])[c.row] for c in columns]
                second = [np.asarray(segment["mother"])[c.row] for c in columns]
            else:
                first = [np.asarray(segment["codes"])[c.row] for c in columns]
                second = []
            for start in range(low, high, chunk_rows):
                work.append((first, second, base, start, min(high, start + chunk_rows)))
        base += n
    all_scores = np.empty(total_rows, dtype=np.float32) if keep_scores else None

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


@dataclass(frozen=True)
class SearchPlan:
    """What every shard of a search needs besides the index: the per-locus lookup tables.

    Built by :func:`plan_search` from the query; cheap (milliseconds, cached per index).
    """

    direction: Direction
    kind: Kind
    used: tuple[str, ...]
    skipped: dict[str, str]
    query_ids: dict[str, str]
    columns: tuple[_Column, ...]
    threshold: float
    seconds: float


@dataclass(frozen=True)
class ScanPart:
    """The outcome of scanning one range of rows (a shard).

    Attributes
    ----------
    start, stop : int
        The row range scanned.
    rows : ndarray of int64
        The range's top-k rows (global row numbers), best first.
    scores : ndarray of float32
        Their fast scores.
    over_support : int
        Rows of the range scoring at least the support threshold.
    seconds, cpu_seconds : float
        Wall and CPU time of the scan (CPU of the whole process).
    """

    start: int
    stop: int
    rows: npt.NDArray[np.int64]
    scores: F32
    over_support: int
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def as_payload(self) -> dict[str, Any]:
        """JSON-safe form (float32 scores survive the round trip exactly)."""
        return {
            "start": self.start,
            "stop": self.stop,
            "rows": self.rows.tolist(),
            "scores": [float(x) for x in self.scores],
            "over_support": self.over_support,
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> ScanPart:
        """Inverse of :meth:`as_payload`."""
        return cls(
            start=int(data["start"]),
            stop=int(data["stop"]),
            rows=np.asarray(data["rows"], dtype=np.int64),
            scores=np.asarray(data["scores"], dtype=np.float32),
            over_support=int(data["over_support"]),
            seconds=float(data.get("seconds", 0.0)),
            cpu_seconds=float(data.get("cpu_seconds", 0.0)),
        )


def plan_search(
    index: ReferenceIndex,
    query: Query,
    direction: Direction | str,
    *,
    table: FrequencyTable,
    params: KinshipParams | None = None,
    rules: DecisionRules | None = None,
    loci: Sequence[str] | None = None,
) -> SearchPlan:
    """Loci, skipped loci and lookup tables of a query (first step of :func:`search`)."""
    started = time.perf_counter()
    direction = Direction(direction)
    params = params or KinshipParams()
    rules = rules or DecisionRules()
    kind, used, skipped, query_ids = _plan(index, query, direction, table, loci)
    columns = _columns(index, query, table, params, used)
    return SearchPlan(
        direction=direction,
        kind=kind,
        used=tuple(used),
        skipped=skipped,
        query_ids=query_ids,
        columns=tuple(columns),
        threshold=float(np.float32(math.log10(rules.support_cpi))),
        seconds=time.perf_counter() - started,
    )


def shard_bounds(rows: int, shards: int) -> list[tuple[int, int]]:
    """Split ``rows`` into ``shards`` contiguous ranges of near-equal size.

    Examples
    --------
    >>> shard_bounds(10, 3)
    [(0, 4), (4, 7), (7, 10)]
    """
    if shards < 1:
        raise ValueError("shards must be positive")
    edges = [rows * i // shards for i in range(shards + 1)]
    return [(edges[i], edges[i + 1]) for i in range(shards)]


def scan_rows(
    index: ReferenceIndex,
    plan: SearchPlan,
    *,
    top_k: int,
    start: int = 0,
    stop: int | None = None,
    workers: int | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> ScanPart:
    """Scan rows ``[start, stop)`` of the searched collection (a shard, or all of it).

    Only the pages of the memory-mapped arrays that hold these rows are read.
    """
    stop = index.size(plan.kind) if stop is None else stop
    began, began_cpu = time.perf_counter(), time.process_time()
    rows, scores, over, _ = _scan(
        index,
        plan.kind,
        list(plan.columns),
        top_k=top_k,
        threshold=plan.threshold,
        workers=workers or default_workers(),
        chunk_rows=chunk_rows,
        keep_scores=False,
        start_row=start,
        stop_row=stop,
    )
    return ScanPart(
        start=start,
        stop=stop,
        rows=rows,
        scores=scores,
        over_support=over,
        seconds=time.perf_counter() - began,
        cpu_seconds=time.process_time() - began_cpu,
    )


def merge_parts(parts: Sequence[ScanPart], top_k: int) -> tuple[npt.NDArray[np.int64], F32, int]:
    """Top k of several shards (score descending, then row ascending) and their count of
    rows over the support threshold: exactly what one scan of all the rows gives."""
    merged = _TopK(top_k)
    for part in parts:
        merged.rows.append(part.rows)
        merged.scores.append(part.scores)
    rows, scores = merged.compact()
    return rows, scores, sum(part.over_support for part in parts)


def finish_search(
    index: ReferenceIndex,
    query: Query,
    plan: SearchPlan,
    rows: npt.NDArray[np.int64],
    scores: F32,
    over_support: int,
    *,
    table: FrequencyTable,
    params: KinshipParams | None = None,
    rules: DecisionRules | None = None,
    timings: dict[str, float] | None = None,
) -> SearchResult:
    """Recompute the top rows with the reference functions and judge them at database
    scale (last step of :func:`search`, also the merge step of a sharded search)."""
    params = params or KinshipParams()
    rules = rules or DecisionRules()
    began = time.perf_counter()
    scanned = index.size(plan.kind)
    hits = _hits(index, plan, query, rows, scores, table, params, rules, scanned)
    provenance = make_provenance(table, params, plan.used, plan.skipped, scanned)
    return SearchResult(
        direction=plan.direction,
        query=plan.query_ids,
        hits=hits,
        scanned=scanned,
        over_support=over_support,
        provenance=provenance,
        timings={**(timings or {}), "hits": time.perf_counter() - began},
    )


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

    :func:`plan_search`, :func:`scan_rows` over every row, :func:`finish_search`. A
    sharded search runs :func:`scan_rows` on :func:`shard_bounds` in several processes
    and :func:`merge_parts` before :func:`finish_search`, with the same result.

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
    params = params or KinshipParams()
    rules = rules or DecisionRules()
    plan = plan_search(index, query, direction, table=table, params=params, rules=rules, loci=loci)
    part = scan_rows(index, plan, top_k=top_k, workers=workers, chunk_rows=chunk_rows)
    return finish_search(
        index,
        query,
        plan,
        part.rows,
        part.scores,
        part.over_support,
        table=table,
        params=params,
        rules=rules,
        timings={"tables": plan.seconds, "scan": part.seconds},
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
    plan: SearchPlan,
    query: Query,
    rows: npt.NDArray[np.int64],
    scores: F32,
    table: FrequencyTable,
    params: KinshipParams,
    rules: DecisionRules,
    scanned: int,
) -> tuple[SearchHit, ...]:
    kind, used = plan.kind, list(plan.used)
    universe = {locus: index.alleles(locus) for locus in used}
    chance = ChanceCalculator(index, table, params, query, plan.direction, plan.used)
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
    hits: list[SearchHit] = []
    for rank, (row, score, label, father_id, mother_id, result) in enumerate(found, start=1):
        role = _hit_role(result)
        judgement = judge_database_hit(
            result, scanned, rules, chance.exceedance(role, result.log10_cpi)
        )
        hits.append(SearchHit(rank, row, label, father_id, mother_id, score, result, judgement))
    return tuple(hits)


def _hit_role(result: KinshipResult) -> str:
    """Which reference distribution a hit is judged against: a couple, or a single parent
    of a known role (a single parent without a family is stored as a father)."""
    if result.shape == "couple":
        return "couple"
    return "mother" if "mother" in result.samples else "father"


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

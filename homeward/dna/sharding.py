"""A kinship search spread over Celery workers that each scan a shard of the index.

When a province's reference index outgrows one process's time, the scan is split by
rows: the coordinator plans the search (:func:`homeward.kinship.search.plan_search`),
sends a Celery ``group`` of shard scans, one per row range
(:func:`~homeward.kinship.search.shard_bounds`), to the workers of the shard queue
(``settings.DNA_SHARD_QUEUE``), merges their top k
(:func:`~homeward.kinship.search.merge_parts`) and recomputes the best rows with the
reference functions (:func:`~homeward.kinship.search.finish_search`). The answer is the
single scan's, row for row (float32 scores survive the JSON round trip exactly, and the
merge orders by score then row like the scan).

Each worker opens the index memory-mapped and reads only the pages of its rows, so a
worker's resident memory is its shard, not the index. Workers on one machine share the
index directory; workers on several machines need the same directory (a read-only copy
or a network file system) at the same path.

A shard's answer travels back on a Redis list named for the search (the broker's Redis),
not through a Celery result backend: the coordinator is itself a Celery task (the match
run), which Celery forbids to wait on a result, and the platform keeps no result backend.
Shard ``i`` of a search goes to the queue ``<DNA_SHARD_QUEUE>.<i>``: the worker that
consumes it scans the same rows every time and holds that shard's pages. Run one worker
per shard, other than the workers that run the searches (the coordinator would otherwise
wait for work queued behind itself), with ``HOMEWARD_DNA_SEARCH_SHARDS`` equal to their
number:

    celery -A homeward worker -Q dna-shards.0 --pool solo
    celery -A homeward worker -Q dna-shards.1 --pool solo
"""

from __future__ import annotations

import json
import os
import resource
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.index import ReferenceIndex
from homeward.kinship.profiles import Profile
from homeward.kinship.search import (
    Direction,
    ParentQuery,
    Query,
    ScanPart,
    SearchResult,
    finish_search,
    merge_parts,
    plan_search,
    scan_rows,
    shard_bounds,
)

KEY_PREFIX = "homeward:dna:shards:"
ANSWER_TTL_SECONDS = 600


class ShardError(RuntimeError):
    """A shard failed, or not every shard answered in time."""


def query_payload(query: Query) -> dict[str, Any]:
    """JSON-safe form of a query (a child's profile, or the parents')."""

    def profile(p: Profile | None) -> dict[str, Any] | None:
        if p is None:
            return None
        return {"id": p.sample_id, "loci": {k: list(v) for k, v in p.genotypes.items()}}

    if isinstance(query, ParentQuery):
        return {"father": profile(query.father), "mother": profile(query.mother)}
    return {"child": profile(query)}


def query_from_payload(data: dict[str, Any]) -> Query:
    """Inverse of :func:`query_payload`."""

    def profile(p: dict[str, Any] | None) -> Profile | None:
        return None if p is None else Profile.build(p["id"], p["loci"])

    if "child" in data:
        child = profile(data["child"])
        assert child is not None  # noqa: S101  (query_payload always writes the child)
        return child
    return ParentQuery(father=profile(data.get("father")), mother=profile(data.get("mother")))


def scan_shard(
    index_dir: str,
    query: dict[str, Any],
    direction: str,
    start: int,
    stop: int,
    top_k: int,
    *,
    table: FrequencyTable,
    threads: int = 1,
) -> dict[str, Any]:
    """What one worker does: open the index memory-mapped, plan, scan rows
    ``[start, stop)``. Returns the shard's :class:`ScanPart` as JSON-safe data, with
    the worker's process id and peak resident memory (for the benchmark)."""
    began = time.perf_counter()
    index = _opened(index_dir)
    plan = plan_search(index, query_from_payload(query), direction, table=table)
    part = scan_rows(index, plan, top_k=top_k, start=start, stop=stop, workers=threads)
    return {
        **part.as_payload(),
        "pid": os.getpid(),
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "task_seconds": time.perf_counter() - began,
    }


_OPENED: dict[str, tuple[int, ReferenceIndex]] = {}


def _opened(index_dir: str) -> ReferenceIndex:
    """The index as this worker process last opened it, kept while its manifest is
    unchanged (an append or a rebuild replaces the manifest): its lookup-table cache
    then serves the next queries."""
    stamp = (Path(index_dir) / "manifest.json").stat().st_mtime_ns
    held = _OPENED.get(index_dir)
    if held is None or held[0] != stamp:
        _OPENED.clear()
        held = (stamp, ReferenceIndex.open(index_dir, mmap=True))
        _OPENED[index_dir] = held
    return held[1]


def _redis(broker_url: str) -> Any:
    import redis

    return redis.Redis.from_url(broker_url)


def answer(key: str, payload: dict[str, Any], *, broker_url: str) -> None:
    """Put a shard's answer (or its failure) on the search's list."""
    connection = _redis(broker_url)
    pipe = connection.pipeline()
    pipe.rpush(key, json.dumps(payload))
    pipe.expire(key, ANSWER_TTL_SECONDS)
    pipe.execute()


def sharded_search(
    index_dir: str | os.PathLike[str],
    query: Query,
    direction: Direction | str,
    *,
    top_k: int,
    shards: int,
    table: FrequencyTable,
    queue: str,
    timeout: float = 120.0,
) -> tuple[SearchResult, list[dict[str, Any]]]:
    """Plan here, scan ``shards`` row ranges on the workers of ``queue.0`` … ``queue.<shards-1>``,
    merge, finish.

    Returns the result (identical to :func:`homeward.kinship.search.search`) and each
    shard's report (rows, seconds, CPU seconds, process id, peak memory). In eager mode
    (no broker) the shards run one after the other in this process.
    """
    from celery import current_app, group

    from homeward.dna.tasks import dna_scan_shard

    began = time.perf_counter()
    index = ReferenceIndex.open(index_dir, mmap=True)
    plan = plan_search(index, query, direction, table=table)
    bounds = shard_bounds(index.size(plan.kind), max(1, shards))
    payload = query_payload(query)
    key = f"{KEY_PREFIX}{uuid.uuid4().hex}"
    broker = str(current_app.conf.broker_url)
    reports: list[dict[str, Any]] = []
    if current_app.conf.task_always_eager:
        reports = [
            scan_shard(str(index_dir), payload, str(plan.direction), a, b, top_k, table=table)
            for a, b in bounds
        ]
    else:
        signatures = [
            dna_scan_shard.si(
                key, str(Path(index_dir)), payload, str(plan.direction), a, b, top_k
            ).set(queue=shard_queue(queue, number))
            for number, (a, b) in enumerate(bounds)
        ]
        with current_app.connection_for_write() as connection:
            group(signatures).apply_async(connection=connection)
        reports = _gather(key, len(bounds), broker, timeout)
    parts = [ScanPart.from_payload(r) for r in reports]
    scanned = time.perf_counter()
    dispatched = scanned - began - plan.seconds
    rows, scores, over = merge_parts(parts, top_k)
    result = finish_search(
        index,
        query,
        plan,
        rows,
        scores,
        over,
        table=table,
        timings={
            "tables": plan.seconds,
            "scan": dispatched,
            "shards": float(len(bounds)),
        },
    )
    return result, reports


def shard_queue(prefix: str, number: int) -> str:
    """The queue of shard ``number``: ``<prefix>.<number>``. A worker consuming it always
    scans the same rows, so the pages it maps stay its own shard."""
    return f"{prefix}.{number}"


def _gather(key: str, count: int, broker: str, timeout: float) -> list[dict[str, Any]]:
    connection = _redis(broker)
    deadline = time.monotonic() + timeout
    reports: list[dict[str, Any]] = []
    try:
        while len(reports) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ShardError(f"{count - len(reports)} of {count} shards did not answer")
            item = connection.blpop([key], timeout=max(1, int(left)))
            if item is None:
                continue
            report = json.loads(item[1])
            if "error" in report:
                raise ShardError(
                    f"shard {report.get('start')}-{report.get('stop')} failed: {report['error']}"
                )
            reports.append(report)
    finally:
        connection.delete(key)
    return sorted(reports, key=lambda r: int(r["start"]))


def shard_sizes(reports: Sequence[dict[str, Any]]) -> list[int]:
    """Rows per shard (for reports)."""
    return [int(r["stop"]) - int(r["start"]) for r in reports]

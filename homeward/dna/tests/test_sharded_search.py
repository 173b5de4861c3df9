"""Issue 18: a search spread over real Celery worker processes on Redis, each scanning a
memory-mapped shard of the index, returns exactly the single-process scan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pytest

from homeward.dna.engine import frequency_table
from homeward.dna.sharding import (
    query_from_payload,
    query_payload,
    shard_queue,
    sharded_search,
)
from homeward.kinship.accuracy import fixed_labels
from homeward.kinship.index import ReferenceIndex
from homeward.kinship.search import ParentQuery, search
from homeward.kinship.simulate import PANELS, random_index_codes, simulate_families
from homeward.testing.celery import celery_conf
from tests.worker import new_queue, redis_url_or_skip, worker_running

pytestmark = [pytest.mark.integration]

ROWS = 200_000


def _index(path: Path, direction: str) -> Path:
    table = frequency_table()
    index = ReferenceIndex.create(PANELS[21], table=table, path=path, label_width=12)
    for seed in range(2):  # two segments: shards cross a segment boundary
        ids = fixed_labels("R", seed * ROWS, ROWS)
        if direction == "child-to-parents":
            index.append_arrays(
                "families",
                {
                    "father": random_index_codes(index, table, ROWS, 10 + seed),
                    "mother": random_index_codes(index, table, ROWS, 20 + seed),
                    "labels": np.stack([ids, ids, ids], axis=1),
                },
            )
        else:
            index.append_arrays(
                "children",
                {"codes": random_index_codes(index, table, ROWS, 30 + seed), "labels": ids},
            )
    return path


@pytest.fixture
def shard_workers() -> Iterator[str]:
    """Two worker processes on Redis, one holding shards 0 and 2, the other 1 and 3."""
    broker = redis_url_or_skip()
    queue = new_queue()
    with ExitStack() as stack:
        stack.enter_context(
            celery_conf(broker_url=broker, task_always_eager=False, task_default_queue=queue)
        )
        for first in range(2):
            shards = ",".join(shard_queue(queue, n) for n in (first, first + 2))
            stack.enter_context(worker_running(shards, broker))
        yield queue


def _query(direction: str) -> object:
    population = simulate_families(frequency_table(), 1, seed=5, loci=PANELS[21])
    if direction == "child-to-parents":
        return population.profile("child", 0, "C")
    return ParentQuery(
        father=population.profile("father", 0, "F"), mother=population.profile("mother", 0, "M")
    )


@pytest.mark.parametrize("direction", ["child-to-parents", "parents-to-children"])
def test_the_sharded_search_on_celery_workers_equals_the_single_scan(
    direction: str, shard_workers: str, tmp_path: Path
) -> None:
    path = _index(tmp_path / "index", direction)
    table = frequency_table()
    query = _query(direction)
    single = search(ReferenceIndex.open(path), query, direction, 100, table=table)  # type: ignore[arg-type]
    pids: set[int] = set()
    for shards in (1, 2, 3, 4):
        result, reports = sharded_search(
            path,
            query,  # type: ignore[arg-type]
            direction,
            top_k=100,
            shards=shards,
            table=table,
            queue=shard_workers,
            timeout=180,
        )
        assert [h.row for h in result.hits] == [h.row for h in single.hits]
        assert [h.reference_id for h in result.hits] == [h.reference_id for h in single.hits]
        assert [h.log10_lr for h in result.hits] == [h.log10_lr for h in single.hits]
        assert [h.decision for h in result.hits] == [h.decision for h in single.hits]
        assert result.over_support == single.over_support and result.scanned == single.scanned
        assert len(reports) == shards
        assert sum(int(r["stop"]) - int(r["start"]) for r in reports) == 2 * ROWS
        pids |= {int(r["pid"]) for r in reports}
        # a shard always goes to the worker holding it
        by_shard = {int(r["start"]): int(r["pid"]) for r in reports}
        if shards == 4:
            starts = sorted(by_shard)
            assert by_shard[starts[0]] == by_shard[starts[2]] != by_shard[starts[1]]
    # the scans ran in the two worker processes, not here
    import os

    assert os.getpid() not in pids and len(pids) == 2


def test_a_query_survives_the_trip_to_the_workers() -> None:
    for direction in ("child-to-parents", "parents-to-children"):
        query = _query(direction)
        assert query_from_payload(query_payload(query)) == query  # type: ignore[arg-type]

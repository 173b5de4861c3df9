"""Sharded kinship search on Celery workers: time and memory per worker (issue 18).

    python bench/kinship_shards.py [--sizes 10000000,100000000] [--workers 1,2,4]
                                   [--queries 5] [--dir var/bench-shards] [--json out.json]

For each index size (couples at 21 loci, Chinese Appendix D table, written once to
``--dir`` and reused), and for each number of worker processes: starts that many Celery
worker processes (solo pool, one scan thread each), worker i consuming shard i's queue on Redis
(``HOMEWARD_BENCH_REDIS_URL``, default redis://127.0.0.1:6379/1), runs one child against
every couple as that many shards (``homeward.dna.sharding.sharded_search``), one warm-up
then ``--queries`` timed queries, and prints per query the wall time, and per worker the
shard's scan time, CPU time, and resident memory before and after (VmRSS from /proc, and
the peak). The top 100 of every sharded query is checked against the single-process
scan (rows and float32 scores identical). CPU time and load average are printed beside
every wall time. Nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.test")

import django  # noqa: E402

django.setup()

from homeward.celery import app  # noqa: E402, F401  (the Celery app reads the settings)
from homeward.dna.engine import frequency_table  # noqa: E402
from homeward.dna.sharding import shard_queue, sharded_search  # noqa: E402
from homeward.kinship.accuracy import fixed_labels  # noqa: E402
from homeward.kinship.index import ReferenceIndex  # noqa: E402
from homeward.kinship.search import plan_search, scan_rows  # noqa: E402
from homeward.kinship.simulate import PANELS, random_index_codes, simulate_families  # noqa: E402
from homeward.testing.celery import celery_conf  # noqa: E402

REDIS = os.environ.get("HOMEWARD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
SEGMENT = 5_000_000


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def build_index(path: Path, n: int) -> ReferenceIndex:
    if (path / "manifest.json").exists():
        index = ReferenceIndex.open(path)
        if index.size("families") == n:
            return index
        raise SystemExit(f"{path} holds {index.size('families')} couples, not {n}: remove it")
    table = frequency_table()
    index = ReferenceIndex.create(PANELS[21], table=table, path=path, label_width=12)
    began = time.perf_counter()
    for start in range(0, n, SEGMENT):
        size = min(SEGMENT, n - start)
        ids = fixed_labels("F", start, size)
        index.append_arrays(
            "families",
            {
                "father": random_index_codes(index, table, size, 1000 + start // SEGMENT),
                "mother": random_index_codes(index, table, size, 5000 + start // SEGMENT),
                "labels": np.stack([ids, ids, ids], axis=1),
            },
        )
        print(f"  built {start + size:,} couples ({time.perf_counter() - began:.0f} s)", flush=True)
    return ReferenceIndex.open(path)


def start_workers(count: int, prefix: str) -> list[subprocess.Popen[bytes]]:
    """One worker per shard, worker i consuming queue <prefix>.i (it holds shard i)."""
    return [start_worker(shard_queue(prefix, i)) for i in range(count)]


def start_worker(queue: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.test",
        "HOMEWARD_WORKER_BROKER_URL": REDIS,
        "HOMEWARD_CELERY_QUEUE": queue,
        "HOMEWARD_DNA_SHARD_THREADS": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "homeward", "worker", "--pool", "solo"]
    command += ["-Q", queue, "--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    command += ["--without-heartbeat"]
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def run(size: int, worker_counts: list[int], queries: int, folder: Path) -> dict[str, Any]:
    table = frequency_table()
    print(f"\n== {size:,} couples ==", flush=True)
    index = build_index(folder / f"couples-{size}", size)
    path = folder / f"couples-{size}"
    on_disk = sum(f.stat().st_size for f in path.rglob("*.npy"))
    print(f"index on disk {on_disk / 1e9:.2f} GB; load {load()}", flush=True)
    population = simulate_families(table, queries + 1, seed=99, loci=PANELS[21])
    children = [population.profile("child", i, f"C{i}") for i in range(queries + 1)]

    # the single-process scan, for the answers and as the reference time
    single: list[tuple[np.ndarray, np.ndarray]] = []
    single_times: list[tuple[float, float]] = []
    for child in children:
        plan = plan_search(index, child, "child-to-parents", table=table)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        part = scan_rows(index, plan, top_k=100, workers=2)
        single_times.append((time.perf_counter() - wall0, time.process_time() - cpu0))
        single.append((part.rows, part.scores))
    warm = single_times[1:]
    print(
        f"single process, 2 threads: scan {statistics.median(t for t, _ in warm):.3f} s median "
        f"(CPU {statistics.median(c for _, c in warm):.3f} s), load {load()}",
        flush=True,
    )
    outcome: dict[str, Any] = {
        "size": size,
        "disk_bytes": on_disk,
        "single_scan_seconds": [t for t, _ in warm],
        "single_scan_cpu_seconds": [c for _, c in warm],
        "workers": {},
    }
    for count in worker_counts:
        queue = f"homeward-bench-{uuid.uuid4().hex[:8]}"
        workers = start_workers(count, queue)
        try:
            time.sleep(8)  # the workers import Django and connect
            pids = [w.pid for w in workers]
            before = {pid: rss_mb(pid) for pid in pids}
            cpu_before = {pid: cpu_seconds(pid) for pid in pids}
            rows: list[dict[str, Any]] = []
            identical = True
            with celery_conf(broker_url=REDIS, task_always_eager=False, task_default_queue=queue):
                for i, child in enumerate(children):
                    load_before = load()
                    began = time.perf_counter()
                    result, reports = sharded_search(
                        path,
                        child,
                        "child-to-parents",
                        top_k=100,
                        shards=count,
                        table=table,
                        queue=queue,
                        timeout=600,
                    )
                    wall = time.perf_counter() - began
                    got = sorted(h.row for h in result.hits)
                    identical &= got == sorted(single[i][0].tolist())
                    rows.append(
                        {
                            "warm": i > 0,
                            "wall": wall,
                            "coordinator": dict(result.timings),
                            "load": load_before,
                            "shards": [
                                {
                                    "pid": r["pid"],
                                    "rows": int(r["stop"]) - int(r["start"]),
                                    "scan": r["seconds"],
                                    "cpu": r["cpu_seconds"],
                                    "task": r["task_seconds"],
                                    "peak_rss_mb": r["max_rss_kb"] / 1024,
                                }
                                for r in reports
                            ],
                        }
                    )
                    shard_text = ", ".join(
                        f"{s['scan']:.2f}s/cpu {s['cpu']:.2f}s" for s in rows[-1]["shards"]
                    )
                    steps = result.timings
                    print(
                        f"  {count} worker(s) {'warm' if i else 'cold'}: {wall:.3f} s = plan "
                        f"{steps['tables']:.3f} + shards {steps['scan']:.3f} + hits "
                        f"{steps['hits']:.3f} [per shard scan/cpu: {shard_text}] load {load_before}",
                        flush=True,
                    )
            after = {pid: rss_mb(pid) for pid in pids}
            cpu_used = {pid: cpu_seconds(pid) - cpu_before[pid] for pid in pids}
        finally:
            stop_workers(workers)
        warm_walls = [r["wall"] for r in rows if r["warm"]]
        summary = {
            "queries": rows,
            "median_warm_wall": statistics.median(warm_walls),
            "min_warm_wall": min(warm_walls),
            "rss_before_mb": before,
            "rss_after_mb": after,
            "worker_cpu_seconds": cpu_used,
            "identical_to_single_scan": identical,
        }
        outcome["workers"][str(count)] = summary
        print(
            f"{count} worker(s): warm median {summary['median_warm_wall']:.3f} s "
            f"(min {summary['min_warm_wall']:.3f}); RSS per worker before "
            f"{', '.join(f'{v:.0f}' for v in before.values())} MB, after "
            f"{', '.join(f'{v:.0f}' for v in after.values())} MB; CPU per worker over all "
            f"queries {', '.join(f'{v:.2f}' for v in cpu_used.values())} s; identical top 100 "
            f"{identical}; load {load()}",
            flush=True,
        )
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000000")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--queries", type=int, default=5)
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench-shards"))
    parser.add_argument("--json")
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, numpy {np.__version__}, broker {REDIS}, load {load()}"
    )
    results = [
        run(int(size), [int(w) for w in args.workers.split(",")], args.queries, folder)
        for size in args.sizes.split(",")
    ]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()

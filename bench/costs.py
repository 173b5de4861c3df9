"""What every benchmark prints beside a wall time: the CPU time it cost and the load the
machine carried, so that a reader can tell contention from cost.

``with measured("name") as m: ...`` prints one line when the block ends::

    name  wall 3.05 s  cpu 2.71 s (self 0.40 + children 2.31)  load 1.02 0.88 0.75 -> 1.40 ...

CPU covers this process and the child processes it has waited for (workers, servers);
work done by other processes (a database server) is not in it: pass ``pids`` of such
processes to include theirs, read from ``/proc/<pid>/stat`` (Linux).
"""

from __future__ import annotations

import os
import platform
import resource
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def machine() -> str:
    """One line naming the machine: CPU model, cores, memory, Python."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f", {mem_kb / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration, ValueError):
        memory = ""
    return f"{model}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _pid_cpu(pids: Sequence[int]) -> float:
    """utime + stime of other processes, in seconds (0 for those gone or unreadable)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


@dataclass
class Measure:
    name: str
    wall: float = 0.0
    cpu_self: float = 0.0
    cpu_children: float = 0.0
    cpu_others: float = 0.0
    load_before: str = ""
    load_after: str = ""
    pids: list[int] = field(default_factory=list)

    @property
    def cpu(self) -> float:
        return self.cpu_self + self.cpu_children + self.cpu_others

    def line(self) -> str:
        others = f" + others {self.cpu_others:.2f}" if self.pids else ""
        return (
            f"{self.name:<44} wall {self.wall:8.2f} s   cpu {self.cpu:7.2f} s "
            f"(self {self.cpu_self:.2f} + children {self.cpu_children:.2f}{others})   "
            f"load {self.load_before} -> {self.load_after}"
        )


@contextmanager
def measured(name: str, *, pids: Sequence[int] = (), quiet: bool = False) -> Iterator[Measure]:
    result = Measure(name=name, load_before=load(), pids=list(pids))
    self_before, kids_before = _cpu()
    others_before = _pid_cpu(pids)
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.wall = time.perf_counter() - start
        self_after, kids_after = _cpu()
        result.cpu_self = self_after - self_before
        result.cpu_children = kids_after - kids_before
        result.cpu_others = _pid_cpu(pids) - others_before
        result.load_after = load()
        if not quiet:
            print(result.line(), flush=True)

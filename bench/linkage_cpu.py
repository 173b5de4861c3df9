"""Finding relatives (issue 14): the CPU of the engine's search, for an A/B of two
checkouts on the same machine at the same time.

`python bench/linkage_cpu.py` (run it in each checkout, alternately) builds the index of
tuning seed 1 (2,000 reports, 51,500 found persons; the generated rows are cached in
var/linkage-tune), re-estimates u as the bench does, warms up with 50 searches and times
600 searches (top 10) with ``time.process_time``: the index build's CPU, the 600
searches' CPU, their median and p95, and the load average. Wall times at 1,000,000
(`make bench-linkage`) move with the host; this comparison does not.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from homeward.linkage import io  # noqa: E402
from homeward.linkage.generate import Dataset, Generator  # noqa: E402
from homeward.linkage.index import FoundIndex  # noqa: E402
from homeward.linkage.model import ENGINE_VERSION  # noqa: E402
from homeward.linkage.records import found_from_fields, report_from_fields  # noqa: E402
from homeward.linkage.train import estimate_u_only  # noqa: E402


def main() -> None:
    cache = ROOT / "var" / "linkage-tune" / "linkage-1-2000-51500.pickle"
    if cache.exists():
        with cache.open("rb") as handle:
            data: Dataset = pickle.load(handle)  # noqa: S301 - our own cache
    else:
        data = Generator(1).dataset(reports=2000, found=51500, no_match_share=0.25)
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("wb") as handle:
            pickle.dump(data, handle)
    reports = [report_from_fields(r) for r in data.reports]
    found = [found_from_fields(f) for f in data.found]
    base = io.read_bundled_model()
    start = time.process_time()
    index = FoundIndex.build(found, base)
    build = time.process_time() - start
    index.set_model(estimate_u_only(reports, index, base))
    for report in reports[:50]:
        index.search(report, top=10)
    times = []
    for report in reports[:600]:
        start = time.process_time()
        index.search(report, top=10)
        times.append(time.process_time() - start)
    times.sort()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"engine {ENGINE_VERSION} at {ROOT}: index build {build:.2f} s CPU; 600 searches "
        f"{sum(times):.2f} s CPU, median {times[300] * 1000:.2f} ms, "
        f"p95 {times[570] * 1000:.2f} ms; load {load}"
    )


if __name__ == "__main__":
    main()

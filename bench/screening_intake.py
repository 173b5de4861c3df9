"""Online screening: an operation's export of 10,000 posts imported, classified and
clustered by the background run (issue 15: "within a minute the review queue shows the
flagged ones"). Run: `python bench/screening_intake.py [--posts 10000]`.

Runs ``homeward/screening/tests/test_intake_scale.py`` at benchmark scale on the test
database of DATABASE_URL (SQLite file by default) and prints the run's wall and CPU
time (the engine already loaded, as in a worker) with the machine and load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from costs import load, machine, measured

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    report = Path(tempfile.mkdtemp(prefix="homeward-screening-")) / "figures.json"
    env = {
        **os.environ,
        "HOMEWARD_SCREENING_INTAKE_POSTS": str(args.posts),
        "HOMEWARD_SCREENING_INTAKE_REPORT": str(report),
    }
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    print(f"machine: {machine()}; database: {database}; load before: {load()}")
    with measured(f"{args.posts} posts (pytest run, with database set-up)"):
        result = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "homeward/screening/tests/test_intake_scale.py",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    if result.returncode != 0 or not report.exists():
        print("the run failed")
        return 1
    figures = json.loads(report.read_text())
    print(
        f"intake run: {figures['posts']} posts, wall {figures['wall_s']} s, "
        f"CPU {figures['cpu_s']} s, {figures['flagged']} flagged, "
        f"{figures['clusters']} clusters; load after: {load()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

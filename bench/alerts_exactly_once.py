"""Exactly-once through a real HTTP gateway with a worker killed during the sends
(issue 19, item 4). Run: `python bench/alerts_exactly_once.py [--sends 20000] [--batch 100]`.

Runs ``tests/test_alert_exactly_once_http.py`` at benchmark scale: N SMS subscribers,
a real Celery worker on Redis sending through a threaded HTTP gateway that counts what
it receives, killed three times (SIGKILL) during the sends and restarted each time with
another batch size; tick() restarts the stalled dispatch. Prints duplicates (a phone
reached under two keys), missing phones, replays (the same key received again, dropped
by a gateway honouring the keys), wall time, CPU time and load average.

Needs Redis (HOMEWARD_TEST_REDIS_URL, default redis://127.0.0.1:6379/15) and uses the
test database of DATABASE_URL (SQLite file by default).
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
    parser.add_argument("--sends", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    report = Path(tempfile.mkdtemp(prefix="homeward-eo-")) / "figures.json"
    env = {
        **os.environ,
        "HOMEWARD_EXACTLY_ONCE_SENDS": str(args.sends),
        "HOMEWARD_EXACTLY_ONCE_BATCH": str(args.batch),
        "HOMEWARD_EXACTLY_ONCE_REPORT": str(report),
    }
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    print(f"machine: {machine()}; database: {database}; load before: {load()}")
    with measured(f"{args.sends} SMS, 3 worker kills (pytest run)"):
        result = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/test_alert_exactly_once_http.py",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    if not report.exists():
        print("no figures: the run failed before it finished")
        return result.returncode or 1
    figures = json.loads(report.read_text())
    for key, value in figures.items():
        print(f"  {key:<28} {value}")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())

"""Several processes, one platform (issue 19, item 5): throttles count in a cache the
processes share (Redis when HOMEWARD_CACHE_URL is set), production warns when the cache
is per process, and Celery beat keeps its schedule file out of the checkout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from .test_deploy_settings import _production_env
from .worker import redis_url_or_skip

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 10

SUBMIT = """
import sys
import django
django.setup()
from django.test import RequestFactory
from homeward.tips.throttle import submission_allowed
request = RequestFactory().post("/", REMOTE_ADDR=sys.argv[1])
print(sum(submission_allowed(request) for _ in range(30)))
"""


def _two_processes_submit(cache_url: str) -> int:
    """Two processes each try 30 submissions from one address; how many got through."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.test",
        "HOMEWARD_CACHE_URL": cache_url,
        "HOMEWARD_TIP_HOURLY_LIMIT": str(LIMIT),
    }
    env.pop("DATABASE_URL", None)
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", SUBMIT, address],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    passed = 0
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        passed += int(out.strip().splitlines()[-1])
    return passed


def test_two_processes_share_one_limit_through_redis() -> None:
    redis_url = redis_url_or_skip()
    assert _two_processes_submit(redis_url) == LIMIT


def test_per_process_caches_let_each_process_count_alone() -> None:
    # The failure the shared cache prevents: each process allows the limit.
    assert _two_processes_submit("") == 2 * LIMIT


def test_production_warns_when_the_cache_is_per_process(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["HOMEWARD_CACHE_URL"]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "homeward.W010" in result.stdout + result.stderr


def _untracked() -> set[str]:
    listing = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--ignored"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line[3:] for line in listing.splitlines() if line.startswith(("??", "!!"))}


def test_celery_beat_keeps_its_schedule_in_the_var_directory(tmp_path: Path) -> None:
    before = _untracked()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.test",
        "HOMEWARD_VAR_DIR": str(tmp_path),
    }
    beat = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "homeward", "beat", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(tmp_path.glob("celerybeat-schedule*")):
            time.sleep(0.5)
    finally:
        os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(timeout=30)
    assert list(tmp_path.glob("celerybeat-schedule*")), "beat wrote no schedule in var/"
    new = {path for path in _untracked() - before if "celerybeat" in path}
    assert new == set()

"""Issue 18 and 17: index refreshes from two processes at once take turns (no lost
segment, no shared temporary file), and the index files are private (0600 in 0700)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from homeward.core.models import User
from homeward.dna.matching import index_sync, open_index
from homeward.dna.models import Specimen
from homeward.dna.tests.test_dna_module import _import_population, _index_dir, _population, analyst
from homeward.kinship.io import file_mode

pytestmark = pytest.mark.django_db

__all__ = ["_index_dir", "analyst"]  # fixtures used by this module's tests

HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_refresh_waits_for_a_refresh_in_another_process(analyst: User, settings: object) -> None:
    _import_population(analyst, _population(n=3, unrelated=2))  # nothing indexed yet
    path = Path(settings.DNA_INDEX_DIR)  # type: ignore[attr-defined]
    path.parent.mkdir(parents=True, exist_ok=True)
    other = subprocess.Popen(  # noqa: S603 - a second writer holding the index lock
        [sys.executable, "-c", HOLDER, str(path.with_name(path.name + ".lock")), "1.5"],
        stdout=subprocess.PIPE,
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == b"held"
        began = time.monotonic()
        appended = index_sync()
        waited = time.monotonic() - began
    finally:
        other.wait(timeout=30)
    assert waited >= 1.0  # it took its turn
    assert appended == 3 + 3 + 2  # three families, three children, two unrelated
    index = open_index()
    assert index.size("families") == 3 and index.size("children") == 5
    assert index_sync() == 0  # idempotent


def test_index_files_are_private_even_when_an_older_index_was_not(
    analyst: User,
    settings: object,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _import_population(analyst, _population(n=2, unrelated=0))
    path = Path(settings.DNA_INDEX_DIR)  # type: ignore[attr-defined]
    files = [p for p in path.rglob("*") if p.is_file()]
    assert files and all(file_mode(p) == 0o600 for p in files)
    assert all(file_mode(p) == 0o700 for p in [path, *path.rglob("*")] if p.is_dir())
    files[0].chmod(0o644)  # as an index written before the fix
    path.chmod(0o755)
    Specimen.objects.filter(specimen_id="C0000").update(indexed=False)
    index_sync()
    assert all(file_mode(p) == 0o600 for p in path.rglob("*") if p.is_file())
    assert file_mode(path) == 0o700

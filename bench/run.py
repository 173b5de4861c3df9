"""Benchmarks of the foundation. Run with `make bench`; figures go to docs/performance.md.

Measures, on a fresh SQLite database under a temporary directory (and on PostgreSQL when
DATABASE_URL is set):
- audit_record appends per second (hash chain, one transaction each);
- person registration (encrypt three fields + blind index + audit) per second;
- exact ID-number lookup through the blind index among N people;
- staff home page and district page render times through the test client.
Nothing here asserts a timing: it prints what it measured.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from costs import load, machine  # noqa: E402


class Samples(list[float]):
    """Wall times of the calls, with the CPU time this process spent on them."""

    cpu: float = 0.0


def _timed(func: Callable[[], object], repeat: int) -> Samples:
    samples = Samples()
    cpu_start = time.process_time()
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    samples.cpu = (time.process_time() - cpu_start) / repeat
    return samples


def _report(name: str, samples: Samples, unit_count: int = 1) -> None:
    median = statistics.median(samples)
    p95 = sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]
    print(
        f"{name:<48} median {median * 1000:8.2f} ms   p95 {p95 * 1000:8.2f} ms   "
        f"cpu {samples.cpu * 1000:7.2f} ms   ({unit_count / median:,.0f}/s)   load {load()}"
    )


def main() -> None:
    var = tempfile.mkdtemp(prefix="homeward-bench-")
    os.environ.setdefault("HOMEWARD_VAR_DIR", var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.embedded")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"machine: {machine()}; database {connection.vendor}; load {load()}")

    from homeward.core.audit import audit_record
    from homeward.core.audit_actions import AuditAction
    from homeward.demo.accounts import demo_accounts_create
    from homeward.demo.seed import seed_people
    from homeward.people.models import Person
    from homeward.people.selectors import id_number_blind_index

    _report(
        "audit_record (append to chain)",
        _timed(
            lambda: audit_record(
                actor=None, action=AuditAction.READ, object_type="bench", object_id="1"
            ),
            300,
        ),
    )

    demo_accounts_create()
    start, cpu_start = time.perf_counter(), time.process_time()
    seed_people(count=2000)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        f"{'person_create x2000 (3 encrypted fields, audit)':<48} {elapsed:8.2f} s total   "
        f"cpu {cpu:.2f} s   ({2000 / elapsed:,.0f}/s)   load {load()}"
    )

    numbers = [p.id_number for p in Person.objects.exclude(id_number="")[:200]]
    index = iter(numbers * 5)
    _report(
        f"exact ID lookup via blind index (N={Person.objects.count()})",
        _timed(
            lambda: Person.objects.filter(
                id_number_index=id_number_blind_index(next(index))
            ).first(),
            500,
        ),
    )

    from homeward.core.models import User
    from homeward.testing.factories import TEST_PASSWORD
    from homeward.testing.fixtures import signed_in

    user = User.objects.get(username="demo.investigator")
    user.set_password(TEST_PASSWORD)
    user.save()
    # Through the sign-in form and the second factor, as a member of staff signs in.
    client = signed_in(user)
    for path in ("/", "/places/500101/", "/people/?q=王", "/api/v1/divisions"):
        answer = client.get(path)  # warms the map cache; a page that fails stops the bench
        if answer.status_code != 200:
            raise SystemExit(f"GET {path} answered {answer.status_code}: the bench is broken")
    _report("GET / (home page, 38-district map)", _timed(lambda: client.get("/"), 50))
    _report(
        "GET /places/500101/ (district page)", _timed(lambda: client.get("/places/500101/"), 50)
    )
    _report(
        "GET /people/?q=<name> (scoped search, audited)",
        _timed(lambda: client.get("/people/", {"q": "王"}), 50),
    )
    _report("GET /api/v1/divisions", _timed(lambda: client.get("/api/v1/divisions"), 50))


if __name__ == "__main__":
    main()

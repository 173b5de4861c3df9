"""Supply chain (SECURITY.md SC-01): every dependency pinned with hashes and installed
with --require-hashes; known vulnerabilities checked offline against the advisories
shipped in requirements/vulndb (scripts/vulndb.py), failing on an affected pin."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCKS = [ROOT / "requirements" / "runtime.lock", ROOT / "requirements" / "dev.lock"]


def _vulndb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vulndb", ROOT / "scripts" / "vulndb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["vulndb"] = module
    spec.loader.exec_module(module)
    return module


vulndb = _vulndb()


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_every_pin_in_the_locks_carries_hashes(lock: Path) -> None:
    text = lock.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = [block for block in blocks if re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*==", block)]
    assert len(pins) > 50
    for block in pins:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_every_direct_dependency_is_in_the_runtime_lock() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = vulndb.read_pins([LOCKS[0]])
    for requirement in project["project"]["dependencies"]:
        name, version = re.split(r"(?:\[[^\]]*\])?==", requirement)
        assert pins.get(vulndb.normalize(name)) == version, requirement


def test_the_makefile_installs_with_require_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line and ".lock" in line]
    assert installs and all("--require-hashes" in line for line in installs)


def test_the_pinned_versions_have_no_known_vulnerability(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert vulndb.check(LOCKS, vulndb.DATABASE, vulndb.ACCEPTED, max_age_days=None) == 0, (
        capsys.readouterr().out
    )


def test_a_pinned_vulnerable_version_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: a lock pinning Django 3.2.0 and requests 2.19.0 (both with published advisories)
    canary = tmp_path / "canary.lock"
    canary.write_text("Django==3.2.0 \\\n    --hash=sha256:00\nrequests==2.19.0\n")
    # when
    status = vulndb.check([canary], vulndb.DATABASE, tmp_path / "none.txt", max_age_days=None)
    # then
    out = capsys.readouterr().out
    assert status == 1
    assert "VULNERABLE django==3.2.0" in out and "VULNERABLE requests==2.19.0" in out


def test_an_accepted_advisory_is_reported_but_does_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "canary.lock"
    canary.write_text("requests==2.19.0\n")
    database = vulndb.json.loads(vulndb.DATABASE.read_text(encoding="utf-8"))
    ids = [
        advisory["id"]
        for name, version, advisory in vulndb.findings({"requests": "2.19.0"}, database)
    ]
    assert ids
    accepted = tmp_path / "accepted.txt"
    accepted.write_text("".join(f"{i} not reachable: no untrusted redirects\n" for i in ids))
    assert vulndb.check([canary], vulndb.DATABASE, accepted, max_age_days=None) == 0
    assert "accepted" in capsys.readouterr().out


def test_a_package_missing_from_the_database_fails(tmp_path: Path) -> None:
    canary = tmp_path / "canary.lock"
    canary.write_text("left-pad-for-python==1.0\n")
    assert vulndb.check([canary], vulndb.DATABASE, tmp_path / "x", max_age_days=None) == 1


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.9", False),
        ("1.0", True),
        ("1.4.2", True),
        ("1.5", False),
        ("2.0", True),
        ("2.1", True),
        ("2.2", False),
    ],
)
def test_osv_ranges_are_read_as_osv_defines_them(version: str, expected: bool) -> None:
    advisory = {
        "id": "TEST-1",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "Some_Package"},
                "ranges": [
                    {
                        "type": "ECOSYSTEM",
                        "events": [
                            {"introduced": "1.0"},
                            {"fixed": "1.5"},
                            {"introduced": "2.0"},
                            {"last_affected": "2.1"},
                        ],
                    }
                ],
            }
        ],
    }
    assert vulndb.affects(advisory, "some-package", version) is expected

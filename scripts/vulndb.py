#!/usr/bin/env python3
"""Known vulnerabilities in the pinned dependencies, checked offline (SECURITY.md SC-01).

CI has no internet, so pip-audit cannot ask PyPI or OSV (pip-audit has no offline mode,
pypa/pip-audit#698). Instead the repository ships the advisories, in OSV form, for
every package named in ``requirements/*.lock``: ``requirements/vulndb/advisories.json``.

    scripts/vulndb.py check                      # CI: exit 1 if a pinned version is affected
    scripts/vulndb.py refresh                    # online: the OSV API (api.osv.dev)
    scripts/vulndb.py refresh --advisory-db DIR  # offline: a checkout of pypa/advisory-database

An advisory can be accepted, with a reason, in ``requirements/vulndb/accepted.txt``
(``ID  reason``, one a line); ``check`` reports it and does not fail on it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCKS = [ROOT / "requirements" / "runtime.lock", ROOT / "requirements" / "dev.lock"]
DATABASE = ROOT / "requirements" / "vulndb" / "advisories.json"
ACCEPTED = ROOT / "requirements" / "vulndb" / "accepted.txt"
OSV_API = "https://api.osv.dev/v1"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalize(name: str) -> str:
    """PEP 503 name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(paths: Iterable[Path]) -> dict[str, str]:
    """``{normalized name: version}`` of every ``name==version`` line of the locks."""
    pins: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = PIN.match(line.strip())
            if match:
                pins[normalize(match.group(1))] = match.group(2)
    return pins


# --- Matching -------------------------------------------------------------------------------


def _version(text: str) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text)
    except InvalidVersion:
        return None


def _in_range(version: Any, events: list[dict[str, str]]) -> bool:
    """OSV ECOSYSTEM range semantics: sorted events; introduced opens, fixed closes
    (exclusive), last_affected closes (inclusive)."""
    affected = False
    points: list[tuple[Any, int, str]] = []
    for event in events:
        for kind, value in event.items():
            parsed = _version("0") if value == "0" else _version(value)
            if parsed is not None:
                order = {"introduced": 0, "fixed": 1, "last_affected": 2, "limit": 1}.get(kind, 3)
                points.append((parsed, order, kind))
    for point, _order, kind in sorted(points):
        if kind == "introduced" and version >= point:
            affected = True
        elif (
            kind in {"fixed", "limit"}
            and version >= point
            or kind == "last_affected"
            and version > point
        ):
            affected = False
    return affected


def affects(advisory: dict[str, Any], name: str, version_text: str) -> bool:
    version = _version(version_text)
    for affected in advisory.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI" or normalize(package.get("name", "")) != name:
            continue
        if version_text in affected.get("versions", []):
            return True
        if version is None:
            continue
        for span in affected.get("ranges", []):
            if span.get("type") in {"ECOSYSTEM", "SEMVER"} and _in_range(
                version, span.get("events", [])
            ):
                return True
    return False


def read_accepted(path: Path) -> dict[str, str]:
    accepted: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                identifier, _, reason = line.strip().partition(" ")
                accepted[identifier] = reason.strip()
    return accepted


def findings(
    pins: dict[str, str], database: dict[str, Any]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for advisory in database.get("advisories", []):
        if advisory.get("withdrawn"):
            continue
        names = {
            normalize(a.get("package", {}).get("name", "")) for a in advisory.get("affected", [])
        }
        for name in sorted(names & set(pins)):
            if affects(advisory, name, pins[name]):
                yield name, pins[name], advisory


def check(
    locks: list[Path], database_path: Path, accepted_path: Path, *, max_age_days: int | None
) -> int:
    database = json.loads(database_path.read_text(encoding="utf-8"))
    pins = read_pins(locks)
    accepted = read_accepted(accepted_path)
    missing = sorted(set(pins) - set(database.get("packages", [])))
    failures = 0
    for name, version, advisory in findings(pins, database):
        ids = [advisory["id"], *advisory.get("aliases", [])]
        reason = next((accepted[i] for i in ids if i in accepted), None)
        label = f"{name}=={version}: {advisory['id']} ({', '.join(advisory.get('aliases', []))})"
        summary = advisory.get("summary") or advisory.get("details", "")[:120]
        if reason is not None:
            print(f"accepted  {label}: {reason}")
        else:
            failures += 1
            print(f"VULNERABLE {label}: {summary}")
    generated = database.get("generated_at", "?")
    print(
        f"{len(pins)} pinned packages checked against {len(database.get('advisories', []))} "
        f"advisories ({database.get('source', '?')}, generated {generated})"
    )
    if missing:
        print(f"not in the database (run `make vulndb`): {', '.join(missing)}")
        failures += len(missing)
    if max_age_days is not None and generated != "?":
        age = datetime.now(UTC) - datetime.fromisoformat(generated)
        if age.days > max_age_days:
            print(f"the database is {age.days} days old (limit {max_age_days}): run `make vulndb`")
            failures += 1
    return 1 if failures else 0


# --- Refresh --------------------------------------------------------------------------------


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(  # noqa: S310 (a fixed https URL)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.load(response)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
        return json.load(response)


def from_osv(names: list[str]) -> tuple[list[dict[str, Any]], str]:
    """Every OSV advisory naming one of ``names`` (all versions), from the OSV API."""
    queries = [{"package": {"name": name, "ecosystem": "PyPI"}} for name in names]
    ids: set[str] = set()
    for start in range(0, len(queries), 100):
        answer = _post(f"{OSV_API}/querybatch", {"queries": queries[start : start + 100]})
        for result in answer.get("results", []):
            ids |= {vuln["id"] for vuln in result.get("vulns", [])}
    advisories = [_get(f"{OSV_API}/vulns/{identifier}") for identifier in sorted(ids)]
    return advisories, "OSV API (api.osv.dev)"


def from_advisory_db(
    directory: Path, names: list[str], revision: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """The same from a local checkout of github.com/pypa/advisory-database."""
    import yaml  # PyYAML (dev dependency)

    advisories = []
    for name in names:
        folder = directory / "vulns" / name
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            advisories.append(yaml.safe_load(path.read_text(encoding="utf-8")))
    try:
        revision = (
            revision
            or subprocess.run(  # noqa: S603
                ["git", "-C", str(directory), "log", "-1", "--format=%H %cI"],  # noqa: S607
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        revision = "unknown revision"
    return advisories, f"pypa/advisory-database {revision}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def refresh(
    locks: list[Path], database_path: Path, advisory_db: Path | None, revision: str | None = None
) -> int:
    names = sorted(read_pins(locks))
    if advisory_db is not None:
        advisories, source = from_advisory_db(advisory_db, names, revision)
    else:
        advisories, source = from_osv(names)
    keep = ("id", "aliases", "summary", "details", "affected", "withdrawn", "modified")
    slim = [
        _jsonable({key: advisory[key] for key in keep if key in advisory})
        for advisory in advisories
    ]
    for advisory in slim:
        advisory["details"] = str(advisory.get("details", ""))[:300]
        advisory["affected"] = [
            a
            for a in advisory.get("affected", [])
            if normalize(a.get("package", {}).get("name", "")) in names
        ]
    database = {
        "source": source,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "packages": names,
        "advisories": sorted(slim, key=lambda a: a["id"]),
    }
    database_path.parent.mkdir(parents=True, exist_ok=True)
    database_path.write_text(
        json.dumps(database, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"{len(slim)} advisories for {len(names)} packages from {source} -> {database_path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "refresh"])
    parser.add_argument("--lock", type=Path, action="append", help="lock files (default: both)")
    parser.add_argument("--database", type=Path, default=DATABASE)
    parser.add_argument("--accepted", type=Path, default=ACCEPTED)
    parser.add_argument("--advisory-db", type=Path, help="a checkout of pypa/advisory-database")
    parser.add_argument("--advisory-db-revision", help="the checkout's commit, if not a git tree")
    parser.add_argument("--max-age-days", type=int, help="fail when the database is older")
    args = parser.parse_args(argv)
    locks = args.lock or LOCKS
    if args.command == "refresh":
        return refresh(locks, args.database, args.advisory_db, args.advisory_db_revision)
    return check(locks, args.database, args.accepted, max_age_days=args.max_age_days)


if __name__ == "__main__":
    sys.exit(main())

"""Backup and restore (SECURITY.md REL-03, issue 17): the database, the uploaded files,
the audit anchors and — in a directory of their own — the keys.

Layout of a backup directory::

    manifest.json          what was saved: time, database vendor, rows per table,
                           key fingerprints, whether the keys came from a file
    database.sqlite3       SQLite: a consistent copy by SQLite's online backup API
    database.dump          PostgreSQL: pg_dump --format=custom
    media/                 uploaded files (photos, attachments)
    anchors/               the audit chain's anchor files (the log host keeps the originals)
    keys/                  only with --keys-output inside it; see below

The keys are what make the data readable: without them a restored database is useless
(and the platform refuses to start with other keys, core.keycheck). They must be kept
**apart** from the data backups — ``--keys-output`` names their own directory (by
default none: keys are backed up once, when made or rotated, to the key custodian's
store). Keys configured in the environment are never written by this command.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, with fixed arguments)
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from homeward.core.keycheck import configured_fingerprints
from homeward.core.keys import keyring, reset_keyring_cache

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


def table_counts() -> dict[str, int]:
    """Rows per table of every model (the drill compares them after a restore)."""
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.using(connection.alias).count()
    return dict(sorted(counts.items()))


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    conf = connection.settings_dict
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _copy_tree(source: Path, target: Path) -> int:
    if not source.is_dir():
        return 0
    copied = 0
    for path in source.rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            copied += 1
    return copied


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _media_root() -> Path | None:
    backend = settings.STORAGES.get("default", {}).get("BACKEND", "")
    if backend.endswith("FileSystemStorage"):
        return Path(settings.MEDIA_ROOT)
    return None


@dataclass
class BackupResult:
    directory: Path
    manifest: dict[str, Any]
    seconds: float


def backup(*, output: Path, keys_output: Path | None = None) -> BackupResult:
    """Write a consistent backup of the database (and files) to ``output``."""
    started = time.perf_counter()
    from homeward.core.audit import anchor_dir, audit_checkpoint

    # Anchor the head first, so the backup's chain is covered by an anchor.
    audit_checkpoint(force=True)
    output = _private_dir(output)
    if any(output.iterdir()):
        raise BackupError(f"{output} is not empty")
    connection.ensure_connection()
    vendor = connection.vendor
    counts = table_counts()
    if vendor == "sqlite":
        target = sqlite3.connect(output / "database.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        env, args = _pg_env_and_args()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(output / "database.dump"),
                *args,
                str(connection.settings_dict["NAME"]),
            ],
            env,
        )
    else:
        raise BackupError(f"no backup method for {vendor}")
    media = _media_root()
    media_files = _copy_tree(media, output / "media") if media else 0
    anchors = _copy_tree(anchor_dir(), output / "anchors")
    key_file = Path(settings.HOMEWARD_FIELD_KEYS_FILE)
    keys_from_file = not settings.HOMEWARD_FIELD_KEYS
    if keys_output is not None:
        if not keys_from_file:
            raise BackupError(
                "the keys come from the environment (HOMEWARD_FIELD_KEYS): back them up "
                "from the secret store that provides them, not with this command"
            )
        keys_dir = _private_dir(keys_output)
        shutil.copy2(key_file, keys_dir / "field-keys.json")
        (keys_dir / "field-keys.json").chmod(0o600)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "counts": counts,
        "media_files": media_files,
        "anchor_files": anchors,
        "keys_from_file": keys_from_file,
        "keys_written_to": str(keys_output) if keys_output else "",
        "key_fingerprints": {
            f"{purpose}:{key_id}": fingerprint[:16]
            for (purpose, key_id), fingerprint in configured_fingerprints(keyring()).items()
        },
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupResult(output, manifest, time.perf_counter() - started)


@dataclass
class RestoreResult:
    seconds: float
    count_mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)
    audit_problems: list[str] = field(default_factory=list)
    key_problems: list[str] = field(default_factory=list)
    anchors_after_backup: int = 0

    @property
    def ok(self) -> bool:
        return not (self.count_mismatches or self.audit_problems or self.key_problems)


def restore(*, source: Path, keys: Path | None = None) -> RestoreResult:
    """Replace the database (and files) with the backup in ``source``, then check it:
    rows per table against the manifest, the keyring against the data, and the audit
    chain against its anchors."""
    started = time.perf_counter()
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}: not a Homeward backup")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}")
    connection.ensure_connection()
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"the backup is of {manifest['vendor']}, the database is {vendor}")
    if keys is not None:
        key_source = keys / "field-keys.json"
        if not key_source.is_file():
            raise BackupError(f"{key_source} does not exist")
        if settings.HOMEWARD_FIELD_KEYS:
            raise BackupError("the keys come from the environment; restore them there")
        key_file = Path(settings.HOMEWARD_FIELD_KEYS_FILE)
        _private_dir(key_file.parent)
        shutil.copy2(key_source, key_file)
        key_file.chmod(0o600)
        reset_keyring_cache()
    if vendor == "sqlite":
        backup_file = sqlite3.connect(source / "database.sqlite3")
        try:
            backup_file.backup(connection.connection)
        finally:
            backup_file.close()
    else:
        env, args = _pg_env_and_args()
        name = str(connection.settings_dict["NAME"])
        connections.close_all()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                name,
                *args,
                str(source / "database.dump"),
            ],
            env,
        )
    media = _media_root()
    if media is not None:
        _copy_tree(source / "media", media)
    from homeward.core.audit import anchor_dir, audit_verify, read_anchors
    from homeward.core.keycheck import keyring_problems

    target_anchors = anchor_dir()
    for path in (source / "anchors").glob("*") if (source / "anchors").is_dir() else []:
        # The log host's anchors win: only files missing here are put back.
        if not (target_anchors / path.name).exists():
            _private_dir(target_anchors)
            shutil.copy2(path, target_anchors / path.name)
    result = RestoreResult(seconds=0.0)
    result.key_problems = keyring_problems()
    counts = table_counts()
    for table, expected in manifest["counts"].items():
        if counts.get(table) != expected:
            result.count_mismatches[table] = (expected, counts.get(table, -1))
    if not result.key_problems:
        # Anchors written after the backup record events this restore cannot bring
        # back: reported, but the restored chain is checked against the backup's time.
        backed_up_at = datetime.fromisoformat(manifest["created_at"])
        result.audit_problems = [
            f"#{problem.seq}: {problem.reason}"
            for problem in audit_verify(full=True, until=backed_up_at)
        ]
        newer = len(read_anchors()[0]) - len(read_anchors(until=backed_up_at)[0])
        result.anchors_after_backup = newer
    result.seconds = time.perf_counter() - started
    return result

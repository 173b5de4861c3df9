"""Small typed parsers for settings read from the environment.

Every parser fails loudly with :class:`EnvError` naming the variable and the
value it could not understand, so that a typo in a deployment never silently
falls back to a default.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "EnvError",
    "database_from_url",
    "env_bool",
    "env_int",
    "env_list",
    "env_minutes",
    "env_path",
    "env_str",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    """A setting in the environment is missing or malformed."""


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    """Return a string variable; without a default a missing variable is an error."""
    value = _environ(environ).get(name)
    if value is None:
        if default is None:
            raise EnvError(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Parse 1/0, true/false, yes/no, on/off (any case)."""
    raw = _environ(environ).get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Parse a decimal integer, optionally bounded."""
    raw = _environ(environ).get(name)
    if raw is None:
        value = default
    else:
        try:
            value = int(raw.strip())
        except ValueError:
            raise EnvError(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise EnvError(f"{name}={value} is above the maximum {maximum}")
    return value


def env_minutes(
    name: str,
    default_minutes: int,
    *,
    minimum: int = 1,
    environ: Mapping[str, str] | None = None,
) -> timedelta:
    """Parse a whole number of minutes into a timedelta."""
    return timedelta(minutes=env_int(name, default_minutes, minimum=minimum, environ=environ))


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Parse a comma-separated list; blanks are dropped."""
    raw = _environ(environ).get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json_object(
    name: str, default: dict[str, Any], *, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Parse a JSON object; anything else is refused loudly."""
    raw = _environ(environ).get(name)
    if raw is None:
        return dict(default)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise EnvError(f"{name} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise EnvError(f"{name} must be a JSON object")
    return value


def env_path(name: str, default: Path, *, environ: Mapping[str, str] | None = None) -> Path:
    """Parse a filesystem path (not required to exist)."""
    raw = _environ(environ).get(name)
    if raw is None:
        return default
    if not raw.strip():
        raise EnvError(f"{name} is set but empty")
    return Path(raw).expanduser()


_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


SQLITE_SYNCHRONOUS = ("FULL", "EXTRA", "NORMAL")


def database_from_url(
    url: str | None, *, sqlite_path: Path, sqlite_synchronous: str = "FULL"
) -> dict[str, object]:
    """Choose the database: SQLite with WAL by default, PostgreSQL from a URL.

    This is the one place where the database is chosen. It is pure: it reads
    nothing but its arguments.

    Parameters
    ----------
    url:
        ``DATABASE_URL`` or None. ``postgresql://user:pass@host:port/name?sslmode=require``
        selects PostgreSQL; ``sqlite:///absolute/path.sqlite3`` selects a SQLite file.
    sqlite_path:
        The embedded default database file when no URL is given.
    sqlite_synchronous:
        SQLite's ``synchronous`` pragma (``HOMEWARD_SQLITE_SYNCHRONOUS``): ``FULL`` by
        default, so that a committed transaction survives a power cut of the district's
        single machine; ``NORMAL`` trades the last transactions before a power cut for
        speed (WAL keeps the file consistent either way).

    Examples
    --------
    >>> database_from_url(None, sqlite_path=Path("/tmp/x.sqlite3"))["ENGINE"]
    'django.db.backends.sqlite3'
    >>> database_from_url("postgresql://app@db:5433/hw", sqlite_path=Path("x"))["PORT"]
    5433
    """
    synchronous = sqlite_synchronous.strip().upper()
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise EnvError(
            f"HOMEWARD_SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)},"
            f" not {sqlite_synchronous!r}"
        )
    if url is None or not url.strip():
        return _sqlite(sqlite_path, synchronous)
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise EnvError("DATABASE_URL sqlite:// needs a file path, e.g. sqlite:////var/hw.db")
        return _sqlite(Path(path), synchronous)
    if scheme not in _POSTGRES_SCHEMES:
        raise EnvError(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported (use postgresql:// or sqlite://)"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise EnvError("DATABASE_URL must name a database, e.g. postgresql://user@host/homeward")
    try:
        port = parts.port
    except ValueError:
        raise EnvError("DATABASE_URL has a port that is not a number") from None
    options: dict[str, str] = {}
    for key, values in parse_qs(parts.query, strict_parsing=False).items():
        if key not in {"sslmode", "sslrootcert", "connect_timeout", "application_name"}:
            raise EnvError(f"DATABASE_URL option {key!r} is not supported")
        options[key] = values[-1]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": port if port is not None else "",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
        "ATOMIC_REQUESTS": False,
    }


def _sqlite(path: Path, synchronous: str) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # BEGIN IMMEDIATE: a write transaction takes the lock at its start, so two
            # writers queue instead of failing with "database is locked" on upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; "
                "PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }

"""Settings parsers and the database chooser (issue 2 §3)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from homeward.config.env import (
    EnvError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_minutes,
    env_str,
)


def test_missing_required_string_fails_loudly() -> None:
    with pytest.raises(EnvError, match="DJANGO_SECRET_KEY must be set"):
        env_str("DJANGO_SECRET_KEY", environ={})


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("YES", True), ("off", False), ("", False)]
)
def test_booleans_accept_the_usual_spellings(raw: str, expected: bool) -> None:
    assert env_bool("FLAG", not expected, environ={"FLAG": raw}) is expected


def test_a_boolean_typo_is_an_error_not_a_default() -> None:
    with pytest.raises(EnvError, match="FLAG='ture' is not a boolean"):
        env_bool("FLAG", False, environ={"FLAG": "ture"})


def test_integers_are_bounded() -> None:
    assert env_int("N", 5, environ={"N": " 7 "}) == 7
    with pytest.raises(EnvError, match="below the minimum 184"):
        env_int("N", 200, minimum=184, environ={"N": "30"})
    with pytest.raises(EnvError, match="not an integer"):
        env_int("N", 1, environ={"N": "3.5"})


def test_minutes_and_lists() -> None:
    assert env_minutes("M", 15, environ={}) == timedelta(minutes=15)
    assert env_list("L", ["a"], environ={"L": "x, y,,z "}) == ["x", "y", "z"]


def test_without_a_url_the_database_is_sqlite_with_wal() -> None:
    config = database_from_url(None, sqlite_path=Path("/srv/hw.sqlite3"))
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/hw.sqlite3"
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_a_postgresql_url_selects_postgresql() -> None:
    config = database_from_url(
        "postgresql://app:s%40cret@db.internal:5433/homeward?sslmode=require",
        sqlite_path=Path("unused"),
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "app",
        "s@cret",
        "db.internal",
        5433,
    )
    assert config["NAME"] == "homeward"
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/x", "scheme 'mysql' is not supported"),
        ("postgresql://app@db/", "must name a database"),
        ("postgresql://app@db:port/x", "port that is not a number"),
        ("postgresql://app@db/x?weird=1", "option 'weird' is not supported"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_bad_database_urls_are_rejected_with_a_reason(url: str, message: str) -> None:
    with pytest.raises(EnvError, match=message):
        database_from_url(url, sqlite_path=Path("unused"))


def test_sqlite_is_synchronous_full_unless_the_operator_chooses(tmp_path: Path) -> None:
    import sqlite3

    # given the defaults: FULL, so a committed clue survives a power cut
    config = database_from_url(None, sqlite_path=tmp_path / "hw.sqlite3")
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert "PRAGMA synchronous=FULL;" in options["init_command"]
    # and SQLite applies it (2 = FULL)
    db = sqlite3.connect(tmp_path / "hw.sqlite3")
    db.executescript(options["init_command"])
    assert db.execute("PRAGMA synchronous").fetchone() == (2,)
    db.close()
    # when the operator chooses NORMAL
    chosen = database_from_url(None, sqlite_path=Path("x"), sqlite_synchronous="normal")
    assert "PRAGMA synchronous=NORMAL;" in chosen["OPTIONS"]["init_command"]  # type: ignore[index]
    # a bad value fails at start, naming the setting
    with pytest.raises(EnvError, match="HOMEWARD_SQLITE_SYNCHRONOUS"):
        database_from_url(None, sqlite_path=Path("x"), sqlite_synchronous="OFF")


def test_the_running_embedded_database_is_synchronous_full(db: None) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone() == (2,)

"""Issue 13: production runs without the demo, and every command a message names
exists. The demo app is not installed in production settings; nothing in core imports
it; the deploy check's and the key loader's hints name commands that production has."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from tests.test_deploy_settings import ROOT, _production_env

HOMEWARD = ROOT / "homeward"
MANAGE_PY_MENTION = re.compile(r"manage\.py ([a-z_][a-z0-9_]+)")


def _production_commands(tmp_path: Path) -> set[str]:
    script = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.management import get_commands;"
        "print('homeward.demo' in settings.INSTALLED_APPS);"
        "print(' '.join(sorted(get_commands())))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    installed, commands = result.stdout.splitlines()
    assert installed == "False", "homeward.demo is installed in production settings"
    return set(commands.split())


def test_production_has_no_demo_and_has_every_command_its_messages_name(tmp_path: Path) -> None:
    commands = _production_commands(tmp_path)
    assert "seed_demo" not in commands and "demo_otp" not in commands
    # every command named by code that runs in production (core, settings, crypto)
    named: dict[str, str] = {}
    for folder in ("core", "config", "crypto", "settings"):
        for path in (HOMEWARD / folder).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for name in MANAGE_PY_MENTION.findall(path.read_text(encoding="utf-8")):
                named[name] = str(path.relative_to(ROOT))
    assert "deactivate_demo_accounts" in named
    missing = {name: where for name, where in named.items() if name not in commands}
    assert not missing, f"messages name commands production does not have: {missing}"


def test_every_command_named_anywhere_in_the_package_exists() -> None:
    commands = set(get_commands())
    missing = {}
    for path in list(HOMEWARD.rglob("*.py")) + list(HOMEWARD.rglob("*.html")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for name in MANAGE_PY_MENTION.findall(path.read_text(encoding="utf-8")):
            if name not in commands:
                missing[name] = str(path.relative_to(ROOT))
    assert not missing, missing


def _imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_core_does_not_import_the_demo() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (HOMEWARD / "core").rglob("*.py")
        if "tests" not in path.parts
        and any(name.startswith("homeward.demo") for name in _imports_of(path))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_deactivate_demo_accounts_disables_them(make_user) -> None:  # type: ignore[no-untyped-def]
    demo = make_user(roles=[], username="demo.someone", is_demo=True)
    real = make_user(roles=[], username="li.ming")
    out = io.StringIO()
    call_command("deactivate_demo_accounts", stdout=out)
    demo.refresh_from_db()
    real.refresh_from_db()
    assert not demo.is_active and real.is_active
    assert "1 demo account(s) disabled" in out.getvalue()


def test_the_key_file_command_the_error_names_creates_it_once(tmp_path: Path) -> None:
    # given production without keys: Django refuses to start and names the command
    env = _production_env(tmp_path)
    del env["HOMEWARD_FIELD_KEYS"]
    key_file = tmp_path / "keys" / "field-keys.json"
    env["HOMEWARD_FIELD_KEYS_FILE"] = str(key_file)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    refused = run("manage.py", "check")
    assert refused.returncode != 0
    named = re.search(r"`python (-m homeward\.crypto init) PATH`", refused.stderr)
    assert named is not None, refused.stderr
    # when the named command runs
    first = run(*named.group(1).split(), str(key_file))
    assert first.returncode == 0, first.stderr
    assert key_file.stat().st_mode & 0o777 == 0o600
    # then Django starts; and a second run never overwrites the keys
    assert run("manage.py", "check").returncode == 0
    before = key_file.read_bytes()
    second = run(*named.group(1).split(), str(key_file))
    assert second.returncode != 0 and "refusing to overwrite" in second.stderr
    assert key_file.read_bytes() == before

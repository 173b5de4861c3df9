"""Issue 13: the import-linter contracts hold on the tree, and would fail if an engine
imported an app or Ninja, if a lower app imported a higher one, or core the demo, or if
any code imported Splink (the linkage engine's reference, for tests only).

Each case copies the package's Python files to a temporary directory, adds one import,
and runs ``lint-imports`` there with the project's contracts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result.stdout = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    return result


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "homeward",
        tmp_path / "homeward",
        ignore=lambda folder, names: [
            n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
        ],
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_tree() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("kinship/__init__.py", "import homeward.dna.models", "Pure engines"),
        ("geotarget/__init__.py", "import ninja", "Pure engines"),
        ("linkage/__init__.py", "import homeward.people.models", "Pure engines"),
        ("people/models.py", "import homeward.victims.models", "Apps in layers"),
        ("tips/models.py", "import homeward.alerts.models", "Apps in layers"),
        ("core/scoping.py", "import homeward.demo.seed", "Core does not import the demo"),
        ("linkage/train.py", "import splink", "Splink"),
        ("people/services.py", "import duckdb", "Splink"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    tree = _copy(tmp_path)
    target = tree / "homeward" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout

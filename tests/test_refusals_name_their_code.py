"""Issue 13: every test that expects a service's refusal checks which refusal it is.

A raises-block for DomainError that does not look at ``.value.code`` passes for any
refusal, including the wrong one (a missing permission where the rule under test was a
transition). This test reads the test files and names every such block."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAISES = re.compile(r"pytest\.raises\(\s*DomainError\b[^)]*\)(?:\s+as\s+(\w+))?")
WINDOW = 25  # lines after the ``with`` in which the code must be checked


def test_every_expected_refusal_checks_its_code() -> None:
    unchecked = []
    for path in sorted([*ROOT.glob("homeward/**/tests/*.py"), *ROOT.glob("tests/*.py")]):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            match = RAISES.search(line)
            if match is None:
                continue
            name = match.group(1)
            after = "\n".join(lines[number : number + WINDOW])
            if name is None or not re.search(rf"\b{name}\.value\.code\b", after):
                unchecked.append(f"{path.relative_to(ROOT)}:{number}")
    assert unchecked == [], "refusals whose code no test checks:\n" + "\n".join(unchecked)

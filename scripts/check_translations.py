"""Fail if the zh-hans catalogue has an untranslated or fuzzy entry, if a
translation's placeholders differ from its source string, or if an ambiguous English
word is used without a context.

An English word with two Chinese meanings ("Due": 待提交 as a report's status, 期限 as a
date) must always be written with ``pgettext``/``{% translate … context … %}`` so each
use is translated for its meaning. The ambiguous words are those in ``AMBIGUOUS`` and
every msgid that some context translates differently from its bare use: once one use
of a word needed its own Chinese, a bare use of it is flagged too."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "homeward/locale/zh_Hans/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")

# English words known to need a context: each has several Chinese renderings in the UI.
AMBIGUOUS = frozenset(
    {
        "Title",  # 案件名称 (case), 会议名称 (meeting), 活动名称 (activity)
        "Due",  # 待提交 (report status), 报送期限, 完成期限 (dates)
        "Grade",  # 等次 (evaluation), 年级 (school)
        "Deadline",  # 完成时限 (plan task), 督办期限 (supervision), 整治期限 (key region)
        "Grounds",  # 依据 (verdict), 奖励依据 (reward)
        "Accept",  # 审核通过 (report), 接收 (placement, service), 受理 (legal aid)
        "Accepted",
    }
)

# Bare uses that are the generic word on purpose, beside a narrower context.
GENERIC_BARE = frozenset(
    {
        "Township",  # 乡镇街道 (any township-level place) beside "township type": 乡
        "District",  # 区县 (any district or county) beside "division type": 区
    }
)


def ambiguous_without_context(entries: list[polib.POEntry]) -> list[str]:
    """Bare uses of an English word that needs a context: a word in ``AMBIGUOUS``, or
    one that some context already translates differently from its bare use."""
    contexted: dict[str, set[str]] = {}
    for entry in entries:
        if entry.msgctxt:
            contexted.setdefault(entry.msgid, set()).add(entry.msgstr)
    return [
        f"ambiguous without context: {entry.msgid!r} (use pgettext)"
        for entry in entries
        if not entry.msgctxt
        and entry.msgid not in GENERIC_BARE
        and (
            entry.msgid in AMBIGUOUS
            or any(other != entry.msgstr for other in contexted.get(entry.msgid, ()))
        )
    ]


def problems(path: Path) -> list[str]:
    found = []
    entries = [entry for entry in polib.pofile(str(path)) if not entry.obsolete]
    found.extend(ambiguous_without_context(entries))
    for entry in entries:
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        for text in translations:
            if not text.strip():
                found.append(f"untranslated: {entry.msgid!r}")
            elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                found.append(f"placeholders differ: {entry.msgid!r}")
    return found


def main() -> int:
    found = problems(CATALOGUE)
    for line in found:
        print(line)
    print(f"{CATALOGUE.name}: {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

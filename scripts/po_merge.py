"""A git merge driver for gettext catalogues: a three-way merge entry by entry.

Two branches that each add strings to ``django.po`` conflict line by line in git's own
merge although their entries never touch. This driver merges by (msgctxt, msgid):

- an entry changed on one side only takes that side;
- an entry added on either side is kept (ours first, in our order, then theirs);
- an entry changed differently on both sides keeps ours and is reported, so that the
  person merging checks it (``scripts/check_translations.py`` runs in CI anyway).

Configure it once per clone (``.gitattributes`` names it for ``*.po``)::

    git config merge.po.driver "python3 scripts/po_merge.py %O %A %B"

It needs ``polib`` in the Python that runs it. It is a developer tool: nothing at run
time or in CI depends on it.
"""

from __future__ import annotations

import sys

import polib

Key = tuple[str | None, str]


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def _state(entry: polib.POEntry | None) -> tuple[object, ...] | None:
    if entry is None:
        return None
    return (
        entry.obsolete,
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())),
        tuple(entry.flags),
        entry.msgid_plural,
    )


def merge(base_path: str, ours_path: str, theirs_path: str) -> int:
    base = {_key(e): e for e in polib.pofile(base_path)}
    ours_file = polib.pofile(ours_path, wrapwidth=78)
    ours = {_key(e): e for e in ours_file}
    theirs_file = polib.pofile(theirs_path)
    theirs = {_key(e): e for e in theirs_file}
    clashes = 0

    result = polib.POFile(wrapwidth=78)
    result.header = ours_file.header
    result.metadata = ours_file.metadata
    for key, our_entry in ours.items():
        their_entry = theirs.get(key)
        base_entry = base.get(key)
        chosen = our_entry
        if their_entry is not None and _state(their_entry) != _state(our_entry):
            if _state(our_entry) == _state(base_entry):
                chosen = their_entry
            elif _state(their_entry) != _state(base_entry):
                clashes += 1
                print(f"po_merge: both sides changed {key!r}; kept ours", file=sys.stderr)
        elif (
            their_entry is None
            and base_entry is not None
            and _state(our_entry) == _state(base_entry)
        ):
            # Theirs deleted an entry that ours left alone.
            continue
        result.append(chosen)
    for key, their_entry in theirs.items():
        if key not in ours and key not in base:
            result.append(their_entry)
    result.save(ours_path)
    return 0


if __name__ == "__main__":
    sys.exit(merge(sys.argv[1], sys.argv[2], sys.argv[3]))

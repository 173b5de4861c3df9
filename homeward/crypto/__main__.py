"""``python -m homeward.crypto init PATH``: create a field-encryption key file (0600, one
fresh key and a fresh blind-index key) for HOMEWARD_FIELD_KEYS_FILE.

A plain module, not a ``manage.py`` command: Django refuses to start without keys (fail
closed), so the keys must exist before any command can run. An existing file is never
overwritten: losing the old keys would make every encrypted field unreadable."""

from __future__ import annotations

import sys
from pathlib import Path

from homeward.crypto.aead import KeyConfigError, generate_keyring_file

USAGE = "usage: python -m homeward.crypto init PATH"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "init":
        print(USAGE, file=sys.stderr)  # noqa: T201
        return 2
    path = Path(argv[1])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        generate_keyring_file(path)
    except (KeyConfigError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"key file created: {path} (keep an offline copy)")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``python -m homeward.screening``: the screening engine's command line (no Django).

See :mod:`homeward.screening_engine.cli` for the commands (classify, train, evaluate,
generate).
"""

from __future__ import annotations

import sys

from homeward.screening_engine.cli import main

if __name__ == "__main__":
    sys.exit(main())

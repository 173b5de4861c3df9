"""Log formatting that cannot be used to forge log lines (AUD-05)."""

from __future__ import annotations

import logging


class SafeFormatter(logging.Formatter):
    """Escapes CR and LF in every message so user-supplied text cannot start a new line."""

    def format(self, record: logging.LogRecord) -> str:
        formatted = super().format(record)
        return formatted.replace("\r", "\\r").replace("\n", "\\n")

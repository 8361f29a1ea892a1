"""Logging to stdout for a terminal or for systemd/journald (which timestamps lines and reads « <N> » levels)."""

from __future__ import annotations

import logging
import os
import sys

_SYSLOG_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


class JournalFormatter(logging.Formatter):
    """Prefixes each line with its syslog priority, so `journalctl -p warning` filters by level."""

    def format(self, record: logging.LogRecord) -> str:
        priority = _SYSLOG_PRIORITY.get(record.levelno, 6 if record.levelno < logging.WARNING else 3)
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


def configure_logging(level: int = logging.INFO) -> None:
    """Under systemd (JOURNAL_STREAM set) no timestamp and a priority prefix; in a terminal, the time."""
    if logging.getLogger().handlers:
        return  # the host application already configured logging
    handler = logging.StreamHandler(sys.stdout)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(JournalFormatter("%(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])

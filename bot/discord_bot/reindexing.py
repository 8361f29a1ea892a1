"""/reindexer's desk: one re-index at a time, in a worker thread, its progress shown in the private reply."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.discord_bot.protocols import Progress, Reindex

#: Discord allows a few edits a second of an interaction reply; a re-index shows its progress far less often.
PROGRESS_EDIT_SECONDS = 2.0

BUSY = "Une réindexation est déjà en cours ; le résumé sera envoyé à qui l'a lancée."
DONE = "Réindexation terminée : le résumé suit."


class ReindexBusy(Exception):
    """A re-index is already running; the message says so in French."""

    def __init__(self) -> None:
        super().__init__(BUSY)


class ReindexDesk:
    def __init__(self, reindex: Reindex) -> None:
        self._reindex = reindex
        self._lock = asyncio.Lock()

    async def run(self, started: Callable[[], Awaitable[object]], progress: Progress | None = None) -> str:
        """The French summary of a re-index run in a worker thread. ``started`` (acknowledging Discord) is
        awaited once this re-index has the desk; raises ReindexBusy when another one has it, PvdError when the
        re-index fails."""
        if self._lock.locked():
            raise ReindexBusy()
        async with self._lock:
            await started()
            return await asyncio.to_thread(self._reindex, progress)


def progress_text(done: int, total: int) -> str:
    """What the staff member sees while passages are embedded."""
    share = f" ({100 * done // total} %)" if total else ""
    return f"Réindexation en cours : {done} / {total} passages calculés{share}…"

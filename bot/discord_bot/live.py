"""A reply that follows work done in a worker thread: a written answer as it is generated, a re-index as it
embeds. The thread hands over the latest text through ``push``; the event loop shows it at most once per
``interval`` seconds, always the latest, through ``show`` (which edits the reply within Discord's limits).
The final message then replaces it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import discord

log = logging.getLogger(__name__)

EDIT_INTERVAL_SECONDS = 1.0


class LiveEdits:
    """Use inside the running loop: ``push`` from any thread, then ``await finish()``. ``show`` puts the
    latest text on screen (edits the deferred reply, or sends then edits a reply); ``edits`` counts the texts
    shown."""

    def __init__(self, show: Callable[[str], Awaitable[Any]], *, interval: float = EDIT_INTERVAL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._show = show
        self._interval = interval
        self._clock = clock
        self._loop = asyncio.get_running_loop()
        self._latest: str | None = None
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="pvd-live-edits")
        self.edits = 0

    def push(self, text: str) -> None:
        """The text to show now (thread-safe)."""
        self._loop.call_soon_threadsafe(self._update, text)

    def _update(self, text: str) -> None:
        self._latest = text
        self._changed.set()

    async def finish(self) -> None:
        """Stop editing; an edit under way is completed first, so it cannot land after the final message."""
        self._closing.set()
        self._changed.set()
        await self._task

    async def _run(self) -> None:
        last = -self._interval
        while True:
            await self._changed.wait()
            wait = last + self._interval - self._clock()
            if wait > 0 and not self._closing.is_set():
                with suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), wait)
            if self._closing.is_set() or self._latest is None:
                return
            self._changed.clear()
            try:
                await self._show(self._latest)
            except discord.HTTPException as error:
                log.warning("Affichage progressif interrompu (%s %s) ; le message final suivra.",
                            error.status, error.text)
                return
            self.edits += 1
            last = self._clock()

"""A written answer arriving in Discord as it is generated: the reply is edited with the text so far.

The engine runs in a worker thread and hands over the text (sentences the guard kept) through ``push``; the
event loop shows it at most once per ``interval`` seconds, always the latest text, each time within Discord's
limits (render.render_partial). The final card then replaces it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from contextlib import suppress

import discord

from bot.discord_bot.render import render_partial

log = logging.getLogger(__name__)

EDIT_INTERVAL_SECONDS = 1.0


class LiveEdits:
    """Use inside the running loop: ``push`` from any thread, then ``await finish()``. ``show`` puts an embed
    on screen (edits the deferred reply, or sends then edits a reply); ``edits`` counts the embeds shown."""

    def __init__(self, question: str, show: Callable[[discord.Embed], Awaitable[Any]], *,
                 interval: float = EDIT_INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._show = show
        self._question = question
        self._interval = interval
        self._clock = clock
        self._loop = asyncio.get_running_loop()
        self._latest: str | None = None
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="pvd-live-edits")
        self.edits = 0

    def push(self, text: str) -> None:
        """The text written so far (thread-safe)."""
        self._loop.call_soon_threadsafe(self._update, text)

    def _update(self, text: str) -> None:
        self._latest = text
        self._changed.set()

    async def finish(self) -> None:
        """Stop editing; an edit under way is completed first, so it cannot land after the final card."""
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
                await self._show(render_partial(self._question, self._latest))
            except discord.HTTPException as error:
                log.warning("Affichage progressif interrompu (%s %s) ; la réponse complète suivra.",
                            error.status, error.text)
                return
            self.edits += 1
            last = self._clock()

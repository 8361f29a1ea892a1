"""What the Discord adapter needs from the rest of pvd-assistant (given to it, never imported from it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.answer import Answer
from ingest.models import Cycle

#: ``progress(done, total)``: passages embedded so far, out of those to embed; called from the worker thread.
Progress = Callable[[int, int], None]


class AnswerEngine(Protocol):
    """bot.engine.Engine as the bot sees it. ``answer`` blocks (embedding + search) and is thread-safe."""

    def answer(self, question: str, k: int = 3) -> Answer: ...

    @property
    def cycle(self) -> Cycle: ...


class Reindex(Protocol):
    """Re-indexes the corpus (blocking) and returns a French summary; raises PvdError on failure
    (bot.ingestion.reindex_corpus)."""

    def __call__(self, progress: Progress | None = None) -> str: ...

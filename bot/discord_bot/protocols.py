"""What the Discord adapter needs from the rest of pvd-assistant (given to it, never imported from it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.answer import Answer
from ingest.models import Cycle


class AnswerEngine(Protocol):
    """bot.engine.Engine as the bot sees it. ``answer`` blocks (embedding + search) and is thread-safe."""

    def answer(self, question: str, k: int = 3) -> Answer: ...

    @property
    def cycle(self) -> Cycle: ...


#: Re-indexes the corpus (blocking) and returns a French summary; raises PvdError on failure.
Reindex = Callable[[], str]

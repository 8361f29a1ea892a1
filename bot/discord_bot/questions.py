"""From a typed question to an answer: checks first (instant, before Discord is answered), then the blocking
engine call in a worker thread, then the answer logged for the staff report."""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from bot.answer import Answer
from bot.discord_bot.protocols import AnswerEngine
from bot.discord_bot.ratelimit import RateLimiter
from bot.discord_bot.render import HELP_TEXT
from bot.discord_bot.votes import VoteButton, recorded_in
from bot.feedback import FeedbackStore
from ingest.errors import PvdError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    """Why a question is not sent to the engine, in French; shown only to the person who asked."""

    text: str


def wait_message(seconds: float, limit: int) -> str:
    wait = max(1, math.ceil(seconds))
    unit = "seconde" if wait == 1 else "secondes"
    return (f"Vous avez déjà posé {limit} questions en moins d'une minute. "
            f"Réessayez dans {wait} {unit}, s'il vous plaît.")


def too_long_message(length: int, limit: int) -> str:
    return (f"Votre question fait {length} caractères ; la limite est de {limit}. "
            "Pouvez-vous la reformuler en une ou deux phrases ?")


class QuestionDesk:
    def __init__(self, engine: AnswerEngine, feedback: FeedbackStore | None, limiter: RateLimiter,
                 max_chars: int) -> None:
        self.engine = engine
        self.feedback = feedback
        self.votes = recorded_in(feedback) if feedback is not None else VoteButton  # under the answers logged
        self.limiter = limiter
        self.max_chars = max_chars

    @property
    def writes(self) -> bool:
        """Whether answers are written by a language model (then shown as they are generated)."""
        return getattr(self.engine, "writer", None) is not None

    def screen(self, raw: str, user_id: int) -> str | Refusal:
        """The question ready for the engine, or why not. Only questions that pass count against the rate."""
        question = " ".join(raw.split())
        if not question:
            return Refusal(HELP_TEXT)
        if len(question) > self.max_chars:
            return Refusal(too_long_message(len(question), self.max_chars))
        wait = self.limiter.check(user_id)
        if wait > 0:
            return Refusal(wait_message(wait, self.limiter.limit))
        return question

    async def answer(self, question: str, user_id: int | None, channel: str, *,
                     on_text: Callable[[str], None] | None = None) -> tuple[Answer, int | None]:
        """The engine's answer and its id in the feedback store (None when it could not be logged).

        ``on_text``: called from the worker thread with a written answer's text as it grows."""
        try:
            return await asyncio.to_thread(self._answer_and_log, question, user_id, channel, on_text)
        except PvdError as error:
            log.warning("Question sans réponse à cause d'une erreur : %s", error.cause)
            raise

    def _answer_and_log(self, question: str, user_id: int | None, channel: str,
                        on_text: Callable[[str], None] | None = None) -> tuple[Answer, int | None]:
        answer = self.engine.answer(question) if on_text is None else self.engine.answer(question, on_text=on_text)
        log.info("Question %s, %d source(s), salon %s", "répondue" if answer.answered else "sans réponse",
                 len(answer.sources), channel)
        if self.feedback is None:
            return answer, None
        try:
            return answer, self.feedback.log_answer(answer, user_id, channel)
        except (PvdError, sqlite3.Error, OSError):
            # The answer matters more than its statistics: send it without vote buttons.
            log.warning("Réponse non enregistrée dans la base des avis", exc_info=True)
            return answer, None

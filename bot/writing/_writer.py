"""A written answer from the retrieved passages: the prompt, the endpoint, the guard, the fallback.

The extractive answer stays the reference: the writer is only asked once the engine has decided to answer,
and anything short of a grounded written text (endpoint error, time-out, every sentence dropped) gives the
extractive answer back unchanged. Kept sentences are handed to ``on_text`` as they are checked, so a
sentence the guard drops is never shown, not even for a moment.
"""

from __future__ import annotations

import logging
from contextlib import closing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from bot.answer import Answer, Source
from bot.compose import AnswerConfig, Passage, compose, french_date, link_cue
from bot.errors import WritingError
from bot.writing._client import completion_text, make_client, within_deadline
from bot.writing._config import LlmConfig
from bot.writing._guard import Dropped, SentenceSplitter, check_sentence, citations
from bot.writing._prompt import NumberedPassage, build_messages, context_of, says_no_answer, trimmed
from ingest.models import Cycle
from ingest.youtube_url import timestamp_label

log = logging.getLogger(__name__)

MAX_SENTENCES = 4
CAVEAT = "Je ne suis pas sûr que le cycle réponde exactement à cette question ; voici ce qu'en disent ses sessions."

#: Called with the text written so far (kept sentences only), each time it grows.
OnText = Callable[[str], None]


class Found(Protocol):
    """What the writer needs of the engine's retrieval (bot.engine.Retrieval)."""

    question: str
    cycle: Cycle
    passages: list[Passage]
    sure: bool


@dataclass(frozen=True)
class WritingOutcome:
    """What happened to one question sent to the endpoint, for the log and `pvd rapport`."""

    question: str
    outcome: Literal["rédigée", "repli", "abstention"]
    kept: int  # sentences shown
    dropped: tuple[Dropped, ...]  # sentences the guard removed
    failure: str | None = None  # French cause when the endpoint failed


Record = Callable[[WritingOutcome], None]


class Writer:
    """Writes the lead of an answer with an OpenAI-compatible endpoint. Thread-safe.

    ``record`` receives every outcome (the feedback store counts them for `pvd rapport`); ``client`` is an
    ``openai.OpenAI``-like object (built from ``config`` when not given)."""

    def __init__(self, config: LlmConfig, *, record: Record | None = None, client: Any = None) -> None:
        self.config = config
        self._record = record
        self._client = client if client is not None else make_client(config)
        url = urlsplit(config.url)
        host = f"{url.hostname}:{url.port}" if url.port else url.hostname or ""
        address = url._replace(netloc=host).geturl()  # without a login that the URL might carry
        log.info("Réponses rédigées par le modèle %s via %s (délai %g s) ; réponse par extraits en cas d'échec.",
                 config.model, address, config.timeout)

    def write(self, found: Found, extractive: Answer, config: AnswerConfig = AnswerConfig(), *,
              on_text: OnText | None = None) -> Answer:
        """The written answer, an abstention, or ``extractive`` itself, within ``self.config.timeout`` seconds.
        ``on_text`` set: the endpoint streams and the text is handed over sentence by sentence."""
        numbered = numbered_passages(found.passages, extractive.sources, found.cycle)
        by_number = {p.number: f"{p.where} {p.text}" for p in numbered}
        context = context_of(found.cycle)
        lead = "" if found.sure else CAVEAT
        kept: list[str] = []
        dropped: list[Dropped] = []
        no_answer = False
        messages = build_messages(found.question, found.cycle, numbered)

        def produce() -> Any:
            return completion_text(self._client, self.config, messages, stream=on_text is not None)

        def take(sentence: str) -> None:
            nonlocal no_answer
            if not citations(sentence) and says_no_answer(sentence):
                no_answer = True
                return
            reason = check_sentence(sentence, by_number, context)
            if reason is not None:
                dropped.append(Dropped(sentence, reason))
                log.info("Garde-fou : phrase retirée (%s) : « %s »", reason, sentence)
                return
            kept.append(sentence)
            if on_text is not None:
                on_text(written(lead, kept))

        splitter = SentenceSplitter()
        try:
            with closing(within_deadline(produce, self.config.timeout, secret=self.config.api_key)) as pieces:
                for piece in pieces:
                    for sentence in splitter.feed(piece):
                        take(sentence)
                    if no_answer or len(kept) >= MAX_SENTENCES:
                        break
                else:
                    for sentence in splitter.close():
                        take(sentence)
        except WritingError as error:
            log.warning("Réponse rédigée impossible, réponse par extraits à la place : %s", error.cause)
            self._note(WritingOutcome(found.question, "repli", 0, tuple(dropped), error.cause))
            return extractive
        if no_answer:
            log.info("Le modèle de langage indique que les passages ne répondent pas : abstention.")
            self._note(WritingOutcome(found.question, "abstention", 0, tuple(dropped)))
            return compose(found.question, found.offered, found.cycle, False, config)
        if not kept:
            log.warning("Garde-fou : aucune phrase rédigée n'est fidèle aux passages (%d retirée(s)) ; réponse par "
                        "extraits à la place.", len(dropped))
            self._note(WritingOutcome(found.question, "repli", 0, tuple(dropped)))
            return extractive
        self._note(WritingOutcome(found.question, "rédigée", len(kept), tuple(dropped)))
        text = written(lead, kept)
        return replace(extractive, text=text, lead=text, generated=True)

    def _note(self, outcome: WritingOutcome) -> None:
        if self._record is None:
            return
        try:
            self._record(outcome)
        except Exception:  # the answer matters more than its statistics
            log.warning("Compte rendu du garde-fou non enregistré", exc_info=True)


def written(lead: str, sentences: Sequence[str]) -> str:
    return " ".join([lead, *sentences] if lead else sentences)


def numbered_passages(passages: Sequence[Passage], sources: Sequence[Source], cycle: Cycle) -> list[NumberedPassage]:
    """The passages as the model reads them, numbered like the sources shown under the answer."""
    numbered = []
    for passage, source in zip(passages, sources):
        chunk = passage.chunk
        session = cycle.session(chunk.session_id) if chunk.session_id else None
        if chunk.kind == "fiche":
            where = f"Fiche « {chunk.document.rsplit('/', 1)[-1]} »"
            if chunk.heading:
                where += f", section « {chunk.heading} »"
            if session:
                where += f", séance {session.id} « {session.title} » du {french_date(session.date)}"
        elif session:
            where = f"Séance {session.id} « {session.title} » ({session.kind} du {french_date(session.date)})"
            if source.start is not None:
                where += f", à {timestamp_label(source.start)}"
        else:
            where = f"Document « {chunk.document} »"
        # From where the link opens: what a sentence says can be checked by playing the replay from there.
        text = " ".join(c.text for c in chunk.cues[link_cue(chunk, passage.focus):]) if chunk.cues else chunk.text
        numbered.append(NumberedPassage(source.rank, where, trimmed(text)))
    return numbered

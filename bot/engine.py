"""The answer engine: question in, grounded Answer out. Independent of Discord and of the terminal.

Thread-safe; it serves the live index generation and switches to a newer one as soon as a re-index publishes
it (no restart). A question being answered during the switch finishes on the generation it started with.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from bot.answer import Answer
from bot.compose import AnswerConfig, Passage, compose
from bot.errors import QuestionError
from index.encoders import Encoder, load_encoder
from index.search import HybridIndex, Query
from index.ranking import Moment, RankingConfig, evidence, off_topic_closeness, ranking_for_model, select_moments
from index.store import check_model, open_generation, require_generation
from index.text import reading
from ingest.models import Cycle
from ingest.off_topic import BUNDLED_OFF_TOPIC

if TYPE_CHECKING:
    from bot.writing import OnText, Writer


class Candidates(NamedTuple):
    """A question's candidate moments, scored, with the index they come from and the question's closeness to the
    nearest known off-topic question (index.ranking.off_topic_closeness)."""

    index: HybridIndex
    moments: list[Moment]
    off_topic: float


class Engine:
    def __init__(self, index_dir: Path, encoder: Encoder | None = None, model: str | None = None, *,
                 ranking: RankingConfig | None = None, config: AnswerConfig = AnswerConfig(),
                 writer: Writer | None = None) -> None:
        """``writer``: writes the lead with a language model (bot.writing) once the engine has decided to answer."""
        if encoder is None and model is None:
            raise ValueError("an encoder or a model name is required")
        self.index_dir = index_dir
        self._encoder = encoder
        self._model = model or (encoder.name if encoder else "")
        self.ranking = ranking or ranking_for_model(self._model)
        self.config = config
        self.writer = writer
        self._index: HybridIndex | None = None
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        with self._lock:
            return self._encoder_locked()

    def _encoder_locked(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder(self._model)
        return self._encoder

    def index(self) -> HybridIndex:
        """The live generation, reopened when a re-index has published a newer one."""
        generation = require_generation(self.index_dir)
        current = self._index
        if current is not None and current.path == generation:
            return current
        with self._lock:
            if self._index is None or self._index.path != generation:
                served = open_generation(generation)
                check_model(served.manifest, self._model)
                if served.off_topic is None or not len(served.off_topic):
                    # an index written by an older version (until its next re-index), or from a cycle that was not
                    # read by ingest (bench, tests): the decision needs the questions the product ships
                    served = replace(served, off_topic=bundled_off_topic(self._encoder_locked()))
                self._index = HybridIndex(served)  # the old one is left to readers still using it
            return self._index

    @property
    def cycle(self) -> Cycle:
        return self.index().cycle

    def query(self, question: str, index: HybridIndex) -> Query:
        typed, everyday = reading(question)
        terms = index.vocabulary.analyze(typed)
        if everyday != typed:  # the lexical list looks for the familiar word and the everyday one
            known = set(terms)
            terms += [term for term in index.vocabulary.analyze(everyday) if term not in known]
        vector = self.encoder.encode_queries([index.vocabulary.named(everyday, terms)])[0]
        return Query(question, vector, terms)

    def moments(self, question: str) -> Candidates:
        """Every candidate moment for a question, scored: the ranking before any decision."""
        question = " ".join(question.split())
        if not question:
            raise QuestionError("La question est vide.", "Posez une question en français, par exemple : "
                                "« Comment lutter contre la vacance commerciale ? »")
        index = self.index()
        query = self.query(question, index)
        r = self.ranking
        hits = index.search(query, k=r.candidates, dense_weight=r.dense_list, lexical_weight=r.lexical_list)
        return Candidates(index, index.moments(query, hits, r), off_topic_closeness(index.served.off_topic, query.vector))

    def retrieve(self, question: str, k: int | None = None, *, rank_only: bool = False) -> Retrieval:
        """The best moments for a question, at most ``per_session`` per session, and whether they answer it.

        ``rank_only``: give the full list even below the threshold (evaluation of the ranking).
        """
        question = " ".join(question.split())
        index, moments, off_topic = self.moments(question)
        r = self.ranking
        confidence = r.probability(*evidence(moments, index.served.manifest.noise, off_topic)) if moments else 0.0
        answered = confidence >= r.decline_below
        offered = as_passages(index, select_moments(moments, self.config.suggestions, 1, r.min_gap_seconds))
        passages = offered
        if answered or rank_only:
            passages = as_passages(index, select_moments(moments, k or self.config.max_sources, r.per_session,
                                                         r.min_gap_seconds))
        return Retrieval(question, index.cycle, passages, confidence, answered, offered,
                         sure=confidence >= r.sure_above)

    def answer(self, question: str, k: int | None = None, *, on_text: OnText | None = None) -> Answer:
        """``on_text``: receives the written text as it grows (only with a writer; streams from the endpoint)."""
        found = self.retrieve(question, k)
        answer = compose(found.question, found.passages, found.cycle, found.answered, self.config, sure=found.sure)
        if self.writer is None or not found.answered:
            return answer
        return self.writer.write(found, answer, self.config, on_text=on_text)


@lru_cache(maxsize=4)
def bundled_off_topic(encoder: Encoder) -> np.ndarray:
    """The bundled off-topic questions (ingest.off_topic), encoded once per encoder: a second or so."""
    return encoder.encode_queries(list(BUNDLED_OFF_TOPIC))


def as_passages(index: HybridIndex, moments: list[Moment]) -> list[Passage]:
    """What compose quotes: each moment's window, with the cues where the link opens."""
    return [Passage(c, m.score, m.cues, c.start, c.end) for m in moments for c in [index.chunk(m.row)]]


@dataclass(frozen=True)
class Retrieval:
    question: str
    cycle: Cycle
    passages: list[Passage]
    confidence: float  # probability that the best passage answers the question
    answered: bool
    offered: list[Passage]  # what a decline offers: the nearest sessions (or fiche sections), one moment each
    sure: bool = True  # False: answered with a caveat

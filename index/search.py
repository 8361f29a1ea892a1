"""Hybrid retrieval over one generation: dense (FAISS) and lexical (FTS5) lists fused by reciprocal rank."""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex
from index.store import CHUNK_COLUMNS, ServedGeneration, chunk_from_row, open_generation, require_generation
from index.ranking import Moment, MomentFeatures, RankingConfig, joined_with_next, share_found, topic_closeness
from index.text import Vocabulary
from index.vectors import FaissVectorStore, VectorStore
from index.errors import IndexCorruptError
from ingest.models import Chunk, Cycle

RRF_K = 60  # the usual constant: ranks beyond ~60 barely count
POOL = 50  # candidates taken from each list before fusion


@dataclass(frozen=True)
class Query:
    text: str
    vector: np.ndarray  # normalised
    terms: list[str]  # analysed, lexicon notions included (index.text.Vocabulary.analyze)


@dataclass(frozen=True)
class Hit:
    row: int
    chunk: Chunk
    score: float  # fused (reciprocal rank)
    dense: float  # cosine between the question and the passage
    coverage: float  # share of the question's lexical weight found in the passage


class HybridIndex:
    """A published generation, opened for search. Immutable: a re-index publishes another one.

    Opening is cheap at any size: vectors are memory-mapped and passages are read from SQLite when retrieved.
    """

    def __init__(self, served: ServedGeneration, vectors: VectorStore | None = None) -> None:
        self.served = served
        self.vectors = vectors or FaissVectorStore(np.asarray(served.vectors))
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(f"file:{served.meta_db}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise IndexCorruptError(f"L'index {served.path} est illisible ({exc}).") from exc
        self.lexical = LexicalIndex(self._db, self._lock)
        rows = served.segment_rows[:, 0]
        order = np.argsort(rows, kind="stable")
        bounds = np.searchsorted(rows[order], np.arange(len(served.vectors) + 1))
        self._segment_order, self._segment_bounds = order, bounds
        self.chunk = lru_cache(maxsize=4096)(self._read_chunk)
        self.segment_terms = lru_cache(maxsize=65536)(self._segment_terms)
        self.vocabulary = Vocabulary(served.cycle.lexicon)
        self._sessions = [s.id for s in served.cycle.sessions]

    @classmethod
    def open(cls, index_dir: Path) -> HybridIndex:
        return cls(open_generation(require_generation(index_dir)))

    @property
    def path(self) -> Path:
        return self.served.path

    @property
    def cycle(self) -> Cycle:
        return self.served.cycle

    def _read_chunk(self, row: int) -> Chunk:
        try:
            with self._lock:
                found = self._db.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE row = ?", (row,)).fetchone()
        except sqlite3.Error as exc:
            raise IndexCorruptError(f"L'index {self.served.path} est endommagé ({exc}).") from exc
        if found is None:
            raise IndexCorruptError(f"L'index {self.served.path} ne contient pas le passage n° {row}.")
        return chunk_from_row(found)

    def segments_of(self, row: int) -> np.ndarray:
        """Indices of the segments of one passage (none for a fiche)."""
        return self._segment_order[self._segment_bounds[row]:self._segment_bounds[row + 1]]

    def search(self, query: Query, k: int = 20, dense_weight: float = 1.0, lexical_weight: float = 1.0) -> list[Hit]:
        """The ``k`` best windows by reciprocal-rank fusion of the dense and lexical lists."""
        dense = self.vectors.search(query.vector, POOL)
        lexical = self.lexical.search(query.terms, POOL)
        fused: dict[int, float] = defaultdict(float)
        for rank, (row, _) in enumerate(dense):
            fused[row] += dense_weight / (RRF_K + rank + 1)
        for rank, (row, _) in enumerate(lexical):
            fused[row] += lexical_weight / (RRF_K + rank + 1)
        best = sorted(fused.items(), key=lambda item: -item[1])[:k]
        cosine = dict(dense)
        coverage = self.lexical.coverage(query.terms, [row for row, _ in best])
        return [Hit(row, self.chunk(row), score,
                    cosine[row] if row in cosine else self._cosine(query.vector, row), coverage[row])
                for row, score in best]

    def moments(self, query: Query, hits: list[Hit], config: RankingConfig) -> list[Moment]:
        """Every moment of the retrieved windows, with its evidence and score (index.ranking).

        A transcript window gives one moment per ~15 s segment; a fiche chunk is one moment of its own.
        """
        topic = self.topics(query)
        whole: list[Hit] = []
        timed: list[tuple[Hit, np.ndarray]] = []
        for hit in hits:
            segments = self.segments_of(hit.row)
            if hit.chunk.kind == "fiche" or not len(segments):
                whole.append(hit)
            else:
                timed.append((hit, segments))
        return ([self._whole_moment(hit, config, topic.get(hit.chunk.session_id or "", 0.0)) for hit in whole]
                + self._segment_moments(query, timed, config, topic))

    def topics(self, query: Query) -> dict[str, float]:
        """The question's ``topic`` evidence for each session (index.ranking.topic_closeness); none in an index
        written before session topics were stored."""
        if self.served.topics is None:
            return {}
        return dict(zip(self._sessions, topic_closeness(self.served.topics, query.vector)[0].tolist()))

    @staticmethod
    def _whole_moment(hit: Hit, config: RankingConfig, topic: float) -> Moment:
        f = MomentFeatures(hit.dense, hit.dense, hit.dense, hit.coverage, hit.score * RRF_K, topic)
        return Moment(hit.row, hit.chunk.session_id, hit.chunk.document, hit.chunk.heading, None, None, f,
                      config.score(f))

    def _segment_moments(self, query: Query, timed: list[tuple[Hit, np.ndarray]], config: RankingConfig,
                         topic: dict[str, float]) -> list[Moment]:
        if not timed:
            return []
        # Every segment of every window at once: one read of the vectors, one product with the question.
        segments = np.concatenate([segments for _, segments in timed])
        window = np.repeat(np.arange(len(timed)), [len(segments) for _, segments in timed])
        vectors = np.asarray(self.served.segment_vectors[segments])
        own = vectors @ query.vector
        pair = joined_with_next(vectors, window) @ query.vector
        cues = np.asarray(self.served.segment_rows[segments])[:, 1:]
        found = [self.segment_terms(int(s)) for s in segments]
        weights = {t: self.lexical.idf(t) for t in dict.fromkeys(query.terms)}
        moments = []
        for i, (first, last) in enumerate(cues.tolist()):
            hit = timed[window[i]][0]
            neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(found) and window[j] == window[i]]
            nearby = found[i].union(*(found[j] for j in neighbours))
            f = MomentFeatures(hit.dense, float(pair[i]), float(own[i]), share_found(weights, nearby),
                               hit.score * RRF_K, topic.get(hit.chunk.session_id or "", 0.0))
            moments.append(Moment(hit.row, hit.chunk.session_id, hit.chunk.document, None,
                                  hit.chunk.cues[first].start, (first, last), f, config.score(f)))
        return moments

    def _segment_terms(self, segment: int) -> frozenset[str]:
        row, first, last = (int(v) for v in self.served.segment_rows[segment])
        return frozenset(self.vocabulary.analyze(self.chunk(row).cue_text(first, last)))

    def _cosine(self, vector: np.ndarray, row: int) -> float:
        return float(np.asarray(self.served.vectors[row]) @ vector)

    def close(self) -> None:
        self._db.close()

"""Hybrid retrieval over one generation: dense (FAISS) and lexical (FTS5) lists fused by reciprocal rank."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex
from index.store import StoredGeneration, read_generation, require_generation
from index.text import analyze
from index.vectors import FaissVectorStore, VectorStore
from ingest.models import Chunk, Cycle

RRF_K = 60  # the usual constant: ranks beyond ~60 barely count
POOL = 50  # candidates taken from each list before fusion


@dataclass(frozen=True)
class Query:
    text: str
    vector: np.ndarray  # normalised
    terms: list[str]  # analysed (index.text.analyze)


@dataclass(frozen=True)
class Hit:
    row: int
    chunk: Chunk
    score: float  # fused (reciprocal rank)
    dense: float  # cosine between the question and the passage
    coverage: float  # share of the question's lexical weight found in the passage


class HybridIndex:
    """A published generation, opened for search. Immutable: a re-index publishes another one."""

    def __init__(self, stored: StoredGeneration, vectors: VectorStore | None = None) -> None:
        self.stored = stored
        self.vectors = vectors or FaissVectorStore(np.asarray(stored.vectors))
        self.lexical = LexicalIndex(stored.path / "meta.sqlite")
        self._segments_of: dict[int, list[int]] = defaultdict(list)
        for i, segment in enumerate(stored.segments):
            self._segments_of[segment.chunk_row].append(i)

    @classmethod
    def open(cls, index_dir: Path) -> HybridIndex:
        return cls(read_generation(require_generation(index_dir)))

    @property
    def cycle(self) -> Cycle:
        return self.stored.cycle

    @property
    def generation(self) -> str:
        return self.stored.path.name

    @property
    def model(self) -> str:
        return self.stored.manifest.model

    def search(self, query: Query, k: int = 10, dense_weight: float = 1.0, lexical_weight: float = 1.0) -> list[Hit]:
        dense = self.vectors.search(query.vector, POOL)
        lexical = self.lexical.search(query.terms, POOL)
        fused: dict[int, float] = defaultdict(float)
        for rank, (row, _) in enumerate(dense):
            fused[row] += dense_weight / (RRF_K + rank + 1)
        for rank, (row, _) in enumerate(lexical):
            fused[row] += lexical_weight / (RRF_K + rank + 1)
        best = sorted(fused.items(), key=lambda item: -item[1])[:k]
        cosine = dict(dense)
        return [Hit(row, self.stored.chunks[row], score,
                    cosine.get(row, self._cosine(query.vector, row)), self.lexical.coverage(query.terms, row))
                for row, score in best]

    def locate(self, query: Query, rows: list[int], lexical_weight: float = 0.15
               ) -> tuple[int, tuple[int, int]] | None:
        """Where, among transcript passages ``rows``, the question is answered: (row, cue range).

        Scores each ~15 s segment by meaning (its own embedding) plus the share of the question's rare words
        it contains, so the link lands on the sentence that answers rather than on the window's start.
        """
        candidates = [i for row in rows for i in self._segments_of.get(row, ())]
        if not candidates:
            return None
        weights = {t: self.lexical.idf(t) for t in dict.fromkeys(query.terms)}
        total = sum(weights.values()) or 1.0
        dense = np.asarray(self.stored.segment_vectors[candidates]) @ query.vector

        def score(i: int) -> float:
            segment = self.stored.segments[candidates[i]]
            cues = self.stored.chunks[segment.chunk_row].cues[segment.cue_from:segment.cue_to + 1]
            found = set(analyze(" ".join(c.text for c in cues)))
            return float(dense[i]) + lexical_weight * sum(w for t, w in weights.items() if t in found) / total

        segment = self.stored.segments[candidates[max(range(len(candidates)), key=score)]]
        return segment.chunk_row, (segment.cue_from, segment.cue_to)

    def _cosine(self, vector: np.ndarray, row: int) -> float:
        return float(np.asarray(self.stored.vectors[row]) @ vector)

    def close(self) -> None:
        self.lexical.close()

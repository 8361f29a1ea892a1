"""Dense vector search behind a small interface, so a larger deployment can swap FAISS for a server
(Qdrant, pgvector) without touching ranking code."""

from __future__ import annotations

from typing import Protocol

import faiss
import numpy as np


class VectorStore(Protocol):
    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` rows nearest to ``query`` (a normalised vector) as (row, cosine), best first."""
        ...


class FaissVectorStore:
    """Exact inner-product search: at a few hundred hours of replays (tens of thousands of passages) an
    exhaustive scan takes milliseconds and loses nothing to approximation."""

    def __init__(self, vectors: np.ndarray) -> None:
        # One question is one row: FAISS's threads cost more to start than they save (7 ms instead of 9.5 ms
        # over 40,000 vectors on 2 cores); concurrent questions run on threads of their own anyway.
        faiss.omp_set_num_threads(1)
        self._index = faiss.IndexFlatIP(int(vectors.shape[1]))
        if len(vectors):
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, len(self))
        if k <= 0:
            return []
        scores, rows = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

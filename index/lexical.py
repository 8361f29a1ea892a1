"""French lexical search: SQLite FTS5's BM25 over pre-analysed terms (see index.text)."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from pathlib import Path

from ingest.errors import IndexCorruptError


class LexicalIndex:
    def __init__(self, meta_db: Path) -> None:
        try:
            self._db = sqlite3.connect(f"file:{meta_db}?mode=ro", uri=True, check_same_thread=False)
            rows = self._db.execute("SELECT terms FROM lexical ORDER BY rowid").fetchall()
        except sqlite3.Error as exc:
            raise IndexCorruptError(f"L'index lexical {meta_db} est illisible ({exc}).") from exc
        self._lock = threading.Lock()  # one connection shared by the engine's worker threads
        self.size = len(rows)
        self.terms: list[frozenset[str]] = [frozenset(t.split()) for (t,) in rows]
        df = Counter(term for terms in self.terms for term in terms)
        self._idf = {t: math.log(1 + (self.size - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        self._max_idf = math.log(1 + (self.size + 0.5) / 0.5)

    def idf(self, term: str) -> float:
        """Rarity of a term; a term the corpus never uses weighs the most."""
        return self._idf.get(term, self._max_idf)

    def search(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """Rows matching any of ``terms``, best BM25 first, as (row, score) with higher = better."""
        unique = [t for t in dict.fromkeys(terms) if t in self._idf]
        if not unique:
            return []
        match = " OR ".join(f'"{t}"' for t in unique)
        try:
            with self._lock:
                rows = self._db.execute(
                    "SELECT rowid, bm25(lexical) FROM lexical WHERE lexical MATCH ? ORDER BY bm25(lexical) LIMIT ?",
                    (match, k)).fetchall()
        except sqlite3.Error as exc:
            raise IndexCorruptError(f"L'index lexical est endommagé ({exc}).") from exc
        return [(int(row), -float(score)) for row, score in rows]

    def coverage(self, terms: list[str], row: int) -> float:
        """Share of the query's weight (IDF) found in a passage: 1.0 when every term is there."""
        unique = list(dict.fromkeys(terms))
        total = sum(self.idf(t) for t in unique)
        if not total:
            return 0.0
        return sum(self.idf(t) for t in unique if t in self.terms[row]) / total

    def close(self) -> None:
        self._db.close()

"""French lexical search: SQLite FTS5's BM25 over pre-analysed terms (see index.text)."""

from __future__ import annotations

import math
import sqlite3
import threading

from index.errors import IndexCorruptError
from index.ranking import share_found

# On a large index a word found in a tenth of the passages (« commune », « centre ») weighs little in BM25 but
# makes FTS5 score thousands of rows: such words are left out of the lexical list (the coverage feature still
# counts them). Both conditions must hold, so a small corpus keeps every word.
COMMON_SHARE = 0.10
COMMON_ROWS = 1000
RAREST_KEPT = 2  # a question made only of common words still searches by its rarest ones


class LexicalIndex:
    """Reads the `lexical` FTS5 table of a generation; document frequencies come from its fts5vocab view."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db = db
        self._lock = lock  # the connection is shared by the engine's worker threads
        try:
            with lock:
                (self.size,) = db.execute("SELECT count(*) FROM lexical").fetchone()
                db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_vocab USING fts5vocab(main, lexical, row)")
                df = db.execute("SELECT term, doc FROM temp.lexical_vocab").fetchall()
        except sqlite3.Error as exc:
            raise IndexCorruptError(f"L'index lexical est illisible ({exc}).") from exc
        self._df: dict[str, int] = dict(df)
        self._idf = {t: math.log(1 + (self.size - n + 0.5) / (n + 0.5)) for t, n in df}
        self._common = max(COMMON_ROWS, COMMON_SHARE * self.size)
        self._max_idf = math.log(1 + (self.size + 0.5) / 0.5)

    def idf(self, term: str) -> float:
        """Rarity of a term; a term the corpus never uses weighs the most."""
        return self._idf.get(term, self._max_idf)

    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise IndexCorruptError(f"L'index lexical est endommagé ({exc}).") from exc

    def search(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """Rows matching any of ``terms`` (but the common ones, see COMMON_SHARE), best BM25 first, as (row, score)
        with higher = better."""
        known = sorted((t for t in dict.fromkeys(terms) if t in self._df), key=self._df.__getitem__)
        unique = [t for t in known if self._df[t] <= self._common] or known[:RAREST_KEPT]
        if not unique:
            return []
        match = " OR ".join(f'"{t}"' for t in unique)
        rows = self._query("SELECT rowid, bm25(lexical) FROM lexical WHERE lexical MATCH ? "
                           "ORDER BY bm25(lexical) LIMIT ?", (match, k))
        return [(int(row), -float(score)) for row, score in rows]  # type: ignore[arg-type]

    def coverage(self, terms: list[str], rows: list[int]) -> dict[int, float]:
        """Per row, the share of the question's weight (IDF) found in it: 1.0 when every term is there."""
        if not rows:
            return {}
        weights = {t: self.idf(t) for t in dict.fromkeys(terms)}
        found = self._query(f"SELECT rowid, terms FROM lexical WHERE rowid IN ({','.join('?' * len(rows))})",
                            tuple(rows))
        result = dict.fromkeys(rows, 0.0)
        for row, text in found:
            result[int(row)] = share_found(weights, set(str(text).split()))  # type: ignore[arg-type]
        return result

"""The index on disk: a directory of generations, one of which is live.

```
<index>/CURRENT              name of the live generation, replaced atomically (os.replace)
<index>/gen-<time>-<pid>/    manifest.json, vectors.npy, segments.npy, segment_rows.npy, topics.npy,
                              off_topic.npy, meta.sqlite
<index>/.tmp-*               a generation being written (a crash leaves it behind; the next ingest removes it)
```
A generation is never modified once published: readers keep the one they opened, a re-index writes a new one
and flips CURRENT. A crash or Ctrl-C at any moment leaves CURRENT naming a complete generation.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import math
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexCorruptError, IndexMissingError, ModelMismatchError
from ingest.errors import FileAccessError
from ingest.files import fsync_path, write_atomically
from ingest.models import Chunk, Cycle, Module, Session

FORMAT_VERSION = 1
CURRENT = "CURRENT"
_SCHEMA = """
CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, session_id TEXT,
                     document TEXT NOT NULL, start REAL, "end" REAL, heading TEXT, text TEXT NOT NULL,
                     embed_key TEXT NOT NULL, cues TEXT NOT NULL);
CREATE TABLE segments (row INTEGER PRIMARY KEY, chunk_row INTEGER NOT NULL, cue_from INTEGER NOT NULL,
                       cue_to INTEGER NOT NULL, embed_key TEXT NOT NULL);
CREATE TABLE catalogue (json TEXT NOT NULL);
CREATE VIRTUAL TABLE lexical USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2');
"""


@dataclass(frozen=True)
class Segment:
    """A few consecutive cues of one transcript chunk (~15 s): where a link can point."""

    chunk_row: int
    cue_from: int  # index into the chunk's cues
    cue_to: int  # inclusive
    embed_key: str


@dataclass(frozen=True)
class Manifest:
    format: int
    model: str
    dim: int
    created: str
    chunks: int
    segments: int
    corpus: str
    noise: float  # best cosine of off-topic questions on this index (index.calibration)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorruptError(f"Le manifeste de l'index ({path}) est illisible ou incomplet "
                                    f"({FileAccessError.describe(exc)}).") from exc
        wrong = manifest.invalid_field()
        if wrong is not None:
            raise IndexCorruptError(f"Le manifeste de l'index ({path}) est endommagé : "
                                    f"la valeur de « {wrong} » n'est pas valable.")
        return manifest

    def invalid_field(self) -> str | None:
        """The first field whose value cannot be trusted (JSON accepts NaN, strings where numbers belong...)."""
        def count(value: Any) -> bool:
            return isinstance(value, int) and not isinstance(value, bool) and value >= 0

        checks = {"format": count(self.format), "model": isinstance(self.model, str) and bool(self.model),
                  "dim": count(self.dim) and self.dim > 0, "created": isinstance(self.created, str),
                  "chunks": count(self.chunks), "segments": count(self.segments), "corpus": isinstance(self.corpus, str),
                  # a NaN noise would silently decline every question (index.calibration)
                  "noise": isinstance(self.noise, (int, float)) and not isinstance(self.noise, bool)
                  and math.isfinite(self.noise)}
        return next((name for name, ok in checks.items() if not ok), None)


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's directory, or None when no index was ever published."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (NotADirectoryError, PermissionError) as exc:  # the path or its rights are wrong, not the index
        raise FileAccessError.from_exception(exc) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"Le fichier {index_dir / CURRENT} est illisible ({FileAccessError.describe(exc)}).") from exc
    generation = index_dir / name
    if not name.startswith("gen-") or not generation.is_dir():
        raise IndexCorruptError(f"L'index {index_dir} désigne une génération absente ({name!r}).")
    return generation


def require_generation(index_dir: Path) -> Path:
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissingError(f"Aucun index trouvé dans {index_dir}.")
    return generation


def check_model(manifest: Manifest, model: str, dim: int | None = None) -> None:
    if manifest.model != model or (dim is not None and manifest.dim != dim):
        raise ModelMismatchError(
            f"L'index a été construit avec le modèle « {manifest.model} » (dimension {manifest.dim}), "
            f"mais le modèle configuré est « {model} ».",
            "Lancez « pvd ingest » : il reconstruit tout l'index avec le modèle configuré (comme "
            f"« pvd ingest --rebuild », quelques minutes). Ou remettez PVD_EMBEDDING_MODEL={manifest.model}.",
        )


# --- writing -------------------------------------------------------------------------------------------------

def write_generation(index_dir: Path, *, model: str, dim: int, cycle: Cycle, chunks: list[Chunk],
                     embed_keys: list[str], vectors: np.ndarray, segments: list[Segment],
                     segment_vectors: np.ndarray, topics: np.ndarray, off_topic: np.ndarray,
                     lexical_terms: list[str], noise: float) -> Path:
    """Write a complete generation in a temporary directory, then publish it atomically. ``topics``: one vector
    per session of ``cycle``, in its order (index.build.session_topic); ``off_topic``: one per question of
    ``cycle.off_topic``."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    name = f"gen-{stamp}-{os.getpid()}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir()
    _save_npy(tmp / "vectors.npy", vectors.astype(np.float32).reshape(len(chunks), dim))
    _save_npy(tmp / "segments.npy", segment_vectors.astype(np.float32).reshape(len(segments), dim))
    _save_npy(tmp / "segment_rows.npy",
              np.array([(s.chunk_row, s.cue_from, s.cue_to) for s in segments], dtype=np.int32).reshape(-1, 3))
    _save_npy(tmp / "topics.npy", topics.astype(np.float32).reshape(len(cycle.sessions), dim))
    _save_npy(tmp / "off_topic.npy", off_topic.astype(np.float32).reshape(len(cycle.off_topic), dim))
    _write_meta(tmp / "meta.sqlite", cycle, chunks, embed_keys, segments, lexical_terms)
    manifest = Manifest(FORMAT_VERSION, model, dim, dt.datetime.now().isoformat(timespec="seconds"),
                        len(chunks), len(segments), str(cycle.root), noise)
    _write_synced(tmp / "manifest.json", json.dumps(manifest.__dict__, ensure_ascii=False, indent=2))
    fsync_path(tmp)
    final = index_dir / name
    os.rename(tmp, final)
    write_atomically(index_dir / CURRENT, name)
    return final


def remove_stale(index_dir: Path, keep: int = 2) -> int:
    """Drop crash leftovers and all but the newest ``keep`` generations (the live one is always kept).

    The previous generation stays so that a reader that opened it just before the flip can finish.
    Returns how many directories were removed.
    """
    live = current_generation(index_dir)
    generations = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.name, reverse=True)
    stale = list(index_dir.glob(".tmp-*")) + [old for old in generations[keep:] if old != live]
    for directory in stale:
        shutil.rmtree(directory, ignore_errors=True)
    return sum(not directory.exists() for directory in stale)  # a read-only index keeps them: not said


def tidy_index(index_dir: Path) -> list[str]:
    """Repair what killed runs leave behind, and say it in French (one line per repair).

    A missing CURRENT, or one naming an absent generation, is pointed at the newest complete generation
    (instead of re-embedding everything); ``.tmp-*`` and old generations are removed. Done only when no ingest
    is running (it would be writing its ``.tmp-*``) and the directory is writable; otherwise nothing is done.
    """
    if not index_dir.is_dir():
        return []
    notes: list[str] = []
    try:
        with open(index_dir / ".lock", "a") as handle:  # the lock file of index.build.ingest_lock
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return []
            if _current_is_lost(index_dir):
                survivor = _newest_complete_generation(index_dir)
                if survivor is not None:
                    write_atomically(index_dir / CURRENT, survivor.name)
                    notes.append(f"Le fichier {CURRENT} de l'index manquait : l'index en service est de nouveau "
                                 f"la génération complète la plus récente ({survivor.name}), sans rien recalculer.")
            if current_generation(index_dir) is not None:
                removed = remove_stale(index_dir)
                if removed:
                    notes.append(f"Nettoyage de l'index : {removed} dossier(s) laissé(s) par des indexations "
                                 "interrompues ou anciennes supprimé(s).")
    except (OSError, IndexCorruptError):
        return notes  # read-only or damaged: serving (or the French error of serving) goes on without repair
    return notes


def _current_is_lost(index_dir: Path) -> bool:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return True
    except (OSError, UnicodeDecodeError):
        return False  # unreadable, not lost: current_generation reports it
    return name.startswith("gen-") and not (index_dir / name).is_dir()


def _newest_complete_generation(index_dir: Path) -> Path | None:
    for generation in sorted(index_dir.glob("gen-*"), key=lambda p: p.name, reverse=True):
        try:
            open_generation(generation)
        except IndexCorruptError:
            continue
        return generation
    return None


def indexed_chunks(index_dir: Path) -> list[Chunk]:
    """The chunks last indexed, read from meta.sqlite alone so that damaged vectors or a damaged manifest do not
    lose them: the live generation first, else the newest generation whose metadata can be read."""
    try:
        live = current_generation(index_dir)
    except IndexCorruptError:
        live = None
    others = sorted((p for p in index_dir.glob("gen-*") if p != live), key=lambda p: p.name, reverse=True)
    for generation in ([live] if live else []) + others:
        try:
            db = sqlite3.connect(f"file:{generation / 'meta.sqlite'}?mode=ro", uri=True)
            try:
                return _read_chunks(db)[0]
            finally:
                db.close()
        except (sqlite3.Error, ValueError, TypeError, KeyError):
            continue
    return []


def _write_meta(path: Path, cycle: Cycle, chunks: list[Chunk], embed_keys: list[str], segments: list[Segment],
                lexical_terms: list[str]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.executemany(
            'INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?)',
            [(row, c.id, c.kind, c.session_id, c.document, c.start, c.end, c.heading, c.text, key,
              json.dumps([[q.start, q.end, q.text] for q in c.cues], ensure_ascii=False))
             for row, (c, key) in enumerate(zip(chunks, embed_keys, strict=True))],
        )
        db.executemany("INSERT INTO segments VALUES (?,?,?,?,?)",
                       [(row, s.chunk_row, s.cue_from, s.cue_to, s.embed_key) for row, s in enumerate(segments)])
        db.executemany("INSERT INTO lexical (rowid, terms) VALUES (?,?)", list(enumerate(lexical_terms)))
        db.execute("INSERT INTO catalogue VALUES (?)", (json.dumps(cycle_to_dict(cycle), ensure_ascii=False),))
        db.commit()
    finally:
        db.close()
    fsync_path(path)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, array)
        f.flush()
        os.fsync(f.fileno())


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


# --- reading -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredGeneration:
    """Everything a generation holds, loaded in memory (vectors memory-mapped)."""

    path: Path
    manifest: Manifest
    cycle: Cycle
    chunks: list[Chunk]
    embed_keys: list[str]
    vectors: np.ndarray
    segments: list[Segment]
    segment_vectors: np.ndarray
    topics: np.ndarray | None  # None: written before session topics were stored
    off_topic: np.ndarray | None  # None: written before known off-topic questions were stored


def read_generation(generation: Path) -> StoredGeneration:
    """Load a whole generation (re-indexing reuses its vectors); damage is an IndexCorruptError."""
    served = open_generation(generation)
    try:
        db = sqlite3.connect(f"file:{served.meta_db}?mode=ro", uri=True)
        try:
            chunks, keys = _read_chunks(db)
            segments = [Segment(*row) for row in db.execute(
                "SELECT chunk_row, cue_from, cue_to, embed_key FROM segments ORDER BY row")]
        finally:
            db.close()
    except (ValueError, sqlite3.Error, TypeError) as exc:
        raise IndexCorruptError(f"L'index {generation} est endommagé ({FileAccessError.describe(exc)}).") from exc
    if len(segments) != served.manifest.segments:
        raise IndexCorruptError(f"L'index {generation} est incohérent : le nombre de segments ne correspond pas.")
    return StoredGeneration(generation, served.manifest, served.cycle, chunks, keys, served.vectors, segments,
                            served.segment_vectors, served.topics, served.off_topic)


@dataclass(frozen=True)
class ServedGeneration:
    """What serving needs at open: small or memory-mapped. Chunks are read from meta.sqlite on demand."""

    path: Path
    manifest: Manifest
    cycle: Cycle
    vectors: np.ndarray  # (chunks, dim), memory-mapped
    segment_vectors: np.ndarray  # (segments, dim), memory-mapped
    segment_rows: np.ndarray  # (segments, 3) int32: chunk row, first cue, last cue
    topics: np.ndarray | None = None  # (sessions, dim); None in an index written before they were stored
    off_topic: np.ndarray | None = None  # (cycle.off_topic, dim); None in an older index

    @property
    def meta_db(self) -> Path:
        return self.path / "meta.sqlite"


def open_generation(generation: Path) -> ServedGeneration:
    """Open a generation for search, checking that its files agree; damage is an IndexCorruptError."""
    manifest = Manifest.read(generation / "manifest.json")
    if manifest.format != FORMAT_VERSION:
        raise IndexCorruptError(f"L'index {generation} est au format {manifest.format}, "
                                f"cette version de pvd-assistant lit le format {FORMAT_VERSION}.")
    try:
        vectors = np.load(generation / "vectors.npy", mmap_mode="r")
        segment_vectors = np.load(generation / "segments.npy", mmap_mode="r")
        segment_rows = np.load(generation / "segment_rows.npy")
        topics = np.load(generation / "topics.npy") if (generation / "topics.npy").exists() else None
        off_topic = np.load(generation / "off_topic.npy") if (generation / "off_topic.npy").exists() else None
        db = sqlite3.connect(f"file:{generation / 'meta.sqlite'}?mode=ro", uri=True)
        try:
            (count,) = db.execute("SELECT count(*) FROM chunks").fetchone()
            (catalogue,) = db.execute("SELECT json FROM catalogue").fetchone()
        finally:
            db.close()
        cycle = cycle_from_dict(json.loads(catalogue))
    except (OSError, EOFError, ValueError, sqlite3.Error, KeyError, TypeError) as exc:
        raise IndexCorruptError(f"Un fichier de l'index {generation} est endommagé ({FileAccessError.describe(exc)}).") from exc
    if vectors.shape != (manifest.chunks, manifest.dim) or count != manifest.chunks \
            or segment_vectors.shape != (manifest.segments, manifest.dim) \
            or segment_rows.shape != (manifest.segments, 3) \
            or topics is not None and topics.shape != (len(cycle.sessions), manifest.dim) \
            or off_topic is not None and off_topic.shape != (len(cycle.off_topic), manifest.dim):
        raise IndexCorruptError(f"L'index {generation} est incohérent : le nombre de vecteurs ne correspond pas.")
    return ServedGeneration(generation, manifest, cycle, vectors, segment_vectors, segment_rows, topics, off_topic)


def chunk_from_row(row: tuple[Any, ...]) -> Chunk:
    """A Chunk from `SELECT id, kind, session_id, document, start, "end", heading, text, cues FROM chunks`."""
    cid, kind, session_id, document, start, end, heading, text, cues = row
    return Chunk.from_dict({"id": cid, "kind": kind, "session_id": session_id, "document": document,
                            "start": start, "end": end, "heading": heading, "text": text, "cues": json.loads(cues)})


CHUNK_COLUMNS = 'id, kind, session_id, document, start, "end", heading, text, cues'


def _read_chunks(db: sqlite3.Connection) -> tuple[list[Chunk], list[str]]:
    chunks: list[Chunk] = []
    keys: list[str] = []
    for row in db.execute(f"SELECT {CHUNK_COLUMNS}, embed_key FROM chunks ORDER BY row"):
        chunks.append(chunk_from_row(row[:-1]))
        keys.append(row[-1])
    return chunks, keys


# --- the catalogue snapshot kept with each generation ---------------------------------------------------------

def cycle_to_dict(cycle: Cycle) -> dict[str, Any]:
    return {
        "title": cycle.title, "organiser": cycle.organiser, "partners": list(cycle.partners),
        "root": str(cycle.root),
        "modules": [{"id": m.id, "title": m.title} for m in cycle.modules],
        "sessions": [{"id": s.id, "module": s.module, "title": s.title, "date": s.date.isoformat(),
                      "kind": s.kind, "youtube_id": s.youtube_id, "speakers": list(s.speakers),
                      "fiches": list(s.fiches), "transcript": s.transcript} for s in cycle.sessions],
        "lexicon": [list(group) for group in cycle.lexicon],
        "off_topic": list(cycle.off_topic),
    }


def cycle_from_dict(data: dict[str, Any]) -> Cycle:
    return Cycle(
        title=data["title"], organiser=data["organiser"], partners=tuple(data["partners"]), root=Path(data["root"]),
        modules=tuple(Module(m["id"], m["title"]) for m in data["modules"]),
        sessions=tuple(Session(id=s["id"], module=s["module"], title=s["title"],
                               date=dt.date.fromisoformat(s["date"]), kind=s["kind"], youtube_id=s["youtube_id"],
                               speakers=tuple(s["speakers"]), fiches=tuple(s["fiches"]),
                               transcript=s["transcript"]) for s in data["sessions"]),
        lexicon=tuple(tuple(group) for group in data.get("lexicon", ())),
        off_topic=tuple(data.get("off_topic", ())),
    )

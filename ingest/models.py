"""Records that flow from the corpus to the index. Times are in seconds from the start of the replay."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ChunkKind = Literal["transcript", "fiche"]


@dataclass(frozen=True)
class Module:
    id: str
    title: str


@dataclass(frozen=True)
class Session:
    id: str
    module: str
    title: str
    date: dt.date
    kind: str
    youtube_id: str | None = None
    speakers: tuple[str, ...] = ()
    fiches: tuple[str, ...] = ()  # paths relative to the corpus root
    transcript: str | None = None  # local caption file, relative to the corpus root


@dataclass(frozen=True)
class Cycle:
    title: str
    organiser: str
    partners: tuple[str, ...]
    modules: tuple[Module, ...]
    sessions: tuple[Session, ...]
    root: Path  # the corpus directory
    lexicon: tuple[tuple[str, ...], ...] = ()  # ingest.lexicon: equivalent forms of the programme's notions
    off_topic: tuple[str, ...] = ()  # ingest.off_topic: questions a mairie asks that such a cycle does not treat

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)


@dataclass(frozen=True)
class Cue:
    """One caption line: ``text`` is spoken from ``start`` to ``end`` seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    session_id: str
    cues: tuple[Cue, ...]
    source: Literal["local", "cache", "youtube"]
    format: str  # "vtt", "srt", "sbv", "json", "text"
    document: str  # caption file, relative to the corpus root

    @property
    def duration(self) -> float:
        return self.cues[-1].end if self.cues else 0.0


@dataclass(frozen=True)
class FicheSection:
    heading: str
    text: str


@dataclass(frozen=True)
class Fiche:
    document: str  # relative to the corpus root
    title: str
    fields: dict[str, str] = field(default_factory=dict)  # CAUE fiche form: « Partenaires » -> « DDT »
    sections: tuple[FicheSection, ...] = ()
    session_id: str | None = None  # None: the fiche belongs to the whole cycle


@dataclass(frozen=True)
class Chunk:
    """A passage to index: a window of cues of one replay, or a section of a fiche."""

    id: str  # stable: same place in the same document gives the same id
    kind: ChunkKind
    text: str
    document: str
    session_id: str | None
    start: float | None = None  # transcript only: first cue start
    end: float | None = None  # transcript only: last cue end
    heading: str | None = None  # fiche only
    cues: tuple[Cue, ...] = ()  # transcript only: the cues the text is made of, for precise links

    def cue_text(self, first: int, last: int) -> str:
        """The text of cues ``first`` to ``last`` (inclusive): a segment, as it is embedded and searched."""
        return " ".join(c.text for c in self.cues[first:last + 1])

    @property
    def hash(self) -> str:
        """Content hash: a chunk is re-embedded only when this changes."""
        return content_hash(self.text, self.heading or "")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        cues = tuple(Cue(float(s), float(e), t) for s, e, t in data.get("cues") or ())
        return cls(**{**data, "cues": cues})


def content_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]

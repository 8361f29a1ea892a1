"""Read a whole corpus directory into chunks, recording per session and per fiche what happened.

One broken caption file, one blocked video or one scanned PDF never stops the others: it is reported, and the
caller keeps what was indexed before for that session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.catalogue import load_cycle
from ingest.errors import PvdError
from ingest.fiche_chunks import chunk_fiche
from ingest.fiches import discover_fiches, read_fiche
from ingest.models import Chunk, Cycle, Fiche, Session, Transcript
from ingest.transcript_chunks import chunk_transcript
from ingest.transcripts import TranscriptFetcher, load_transcript


@dataclass
class SessionScan:
    session: Session
    transcript: Transcript | None = None
    chunks: list[Chunk] = field(default_factory=list)
    problem: str | None = None  # French: why the transcript could not be read


@dataclass
class FicheScan:
    document: str
    session_id: str | None
    fiche: Fiche | None = None
    chunks: list[Chunk] = field(default_factory=list)
    problem: str | None = None


@dataclass
class CorpusScan:
    cycle: Cycle
    sessions: list[SessionScan]
    fiches: list[FicheScan]

    @property
    def chunks(self) -> list[Chunk]:
        return [c for s in self.sessions for c in s.chunks] + [c for f in self.fiches for c in f.chunks]

    @property
    def failed_sessions(self) -> frozenset[str]:
        return frozenset(s.session.id for s in self.sessions if s.problem)


def scan_corpus(root: Path, fetcher: TranscriptFetcher | None,
                on_session: Callable[[SessionScan], None] | None = None) -> CorpusScan:
    """Catalogue, transcripts and fiches of ``root``. A catalogue error raises (nothing is half-read)."""
    cycle = load_cycle(root)
    sessions = []
    for session in cycle.sessions:
        scan = SessionScan(session)
        try:
            scan.transcript = load_transcript(root, session, fetcher)
            if scan.transcript is not None:
                scan.chunks = chunk_transcript(scan.transcript)
        except PvdError as error:
            scan.problem = str(error)
        sessions.append(scan)
        if on_session:
            on_session(scan)
    fiches = []
    for document, session_id in discover_fiches(cycle):
        fiche_scan = FicheScan(document, session_id)
        try:
            fiche_scan.fiche = read_fiche(root, document, session_id)
            fiche_scan.chunks = chunk_fiche(fiche_scan.fiche)
        except PvdError as error:
            fiche_scan.problem = str(error)
        fiches.append(fiche_scan)
    return CorpusScan(cycle, sessions, fiches)

"""One re-index, as staff run it from the terminal or from Discord: scan the corpus, update the index,
say what changed in French."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.settings import Settings
from index.build import BuildResult, build_index
from index.encoders import Encoder
from index.store import tidy_index
from ingest.lexicon import read_lexicon
from ingest.off_topic import read_off_topic
from ingest.corpus import CorpusScan, SessionScan, scan_corpus
from ingest.errors import FileAccessError
from ingest.transcripts import TranscriptFetcher

#: ``progress(done, total)``: passages embedded so far, out of those to embed (called from the working thread).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IngestOutcome:
    scan: CorpusScan
    build: BuildResult
    notes: list[str] = field(default_factory=list)  # French: repairs made to the index before the build
    youtube: bool = True  # False: YouTube was not consulted (--no-youtube)
    staff_notes: list[str] = field(default_factory=list)  # French: what lexique.txt and hors-sujet.txt brought

    def summary(self) -> str:
        """French lines: what was added/changed/removed per session, then every problem and what was kept."""
        lines = list(self.notes)
        if self.build.not_reused:
            lines.append(self.build.not_reused)
        for key, c in self.build.changes.items():
            if c.any:
                session = self.scan.cycle.session(key)
                label = f"{key} « {session.title} »" if session else key
                lines.append(f"{label} : {c.added} ajouté(s), {c.changed} modifié(s), {c.removed} retiré(s), "
                             f"{c.unchanged} inchangé(s)")
        total = sum(c.added + c.changed + c.unchanged for c in self.build.changes.values())
        if not self.build.published:
            lines.append(f"Aucun changement : l'index en service ({total} passages) est à jour.")
        else:
            lines.append(f"Index publié : {total} passages, dont {self.build.embedded} vecteurs calculés.")
        for s in self.scan.sessions:
            if s.session.id not in unread_sessions(self.scan, self.youtube):
                continue
            if s.problem or s.transcript is not None:
                problem = s.problem or "la transcription n'a donné aucun passage"
                lines.append(f"⚠ {s.session.id} : {self._kept(s.session.id)} — {problem}")
            elif self.build.kept.get(s.session.id):
                lines.append(f"{s.session.id} : {self._kept(s.session.id)} (YouTube non consulté, --no-youtube)")
        for f in self.scan.fiches:
            if f.document in unread_documents(self.scan):
                problem = f.problem or "la fiche n'a donné aucun passage"
                lines.append(f"⚠ {f.document} : {self._kept(f.document)} — {problem}")
        return "\n".join(lines + self.staff_notes)

    def _kept(self, source: str) -> str:
        count = self.build.kept.get(source, 0)
        if count == 1:
            return "1 passage déjà indexé conservé"
        if count:
            return f"{count} passages déjà indexés conservés"
        return "aucun passage déjà indexé à conserver"


def unread_sessions(scan: CorpusScan, youtube: bool = True) -> frozenset[str]:
    """Sessions whose transcript failed, was read empty, or was not fetched because YouTube was not consulted:
    what was indexed from them is kept."""
    skipped = {s.session.id for s in scan.sessions if not youtube and s.transcript is None and s.session.youtube_id}
    return scan.failed_sessions | skipped | {s.session.id for s in scan.sessions
                                             if s.transcript is not None and not s.chunks}


def unread_documents(scan: CorpusScan) -> frozenset[str]:
    """Fiches still in the corpus that failed to read or gave no passage: what was indexed from them is kept."""
    return frozenset(f.document for f in scan.fiches if f.problem or not f.chunks)


def run_ingest(corpus: Path, index_dir: Path, encoder: Encoder, fetcher: TranscriptFetcher | None, *,
               rebuild: bool = False, on_session: Callable[[SessionScan], None] | None = None,
               progress: Progress | None = None) -> IngestOutcome:
    scan = scan_corpus(corpus, fetcher, on_session)
    lexicon, lexicon_notes = read_lexicon(corpus)
    off_topic, off_topic_notes = read_off_topic(corpus)
    scan = replace(scan, cycle=replace(scan.cycle, lexicon=lexicon, off_topic=off_topic))
    notes = tidy_index(index_dir)
    youtube = fetcher is not None
    build = build_index(scan.cycle, scan.chunks, index_dir, encoder, keep_sessions=unread_sessions(scan, youtube),
                        keep_documents=unread_documents(scan), rebuild=rebuild, progress=progress)
    return IngestOutcome(scan, build, notes, youtube, lexicon_notes + off_topic_notes)


def reindex_corpus(settings: Settings, encoder: Encoder, *, corpus: Path | None = None, index_dir: Path | None = None,
                   rebuild: bool = False, youtube: bool = True, progress: Progress | None = None) -> str:
    """The re-index staff run (``pvd ingest``, the Discord /reindexer): its French summary. ``encoder`` is the
    one the engine already holds, so a running bot does not load a second model; ``progress`` is how the caller
    shows the embedding (a terminal bar, an edited Discord reply)."""
    corpus = corpus or settings.corpus
    index_dir = index_dir or settings.index_dir
    require_writable(index_dir)
    outcome = run_ingest(corpus, index_dir, encoder, youtube_fetcher(settings) if youtube else None,
                         rebuild=rebuild, progress=progress)
    return outcome.summary()


def youtube_fetcher(settings: Settings) -> TranscriptFetcher:
    from ingest.youtube import YouTubeFetcher, proxy_from_env

    return YouTubeFetcher(proxy_url=settings.youtube_proxy or proxy_from_env(os.environ))


def require_writable(index_dir: Path) -> None:
    """Fail in French before minutes of embedding when the index cannot be written (rights, read-only disk, a
    file where the folder should be)."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=index_dir).close()
    except OSError as exc:
        raise FileAccessError.from_exception(exc, index_dir) from exc

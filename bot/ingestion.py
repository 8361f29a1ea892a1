"""One re-index, as staff run it from the terminal or from Discord: scan the corpus, update the index,
say what changed in French."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.build import BuildResult, build_index
from index.encoders import Encoder
from ingest.corpus import CorpusScan, SessionScan, scan_corpus
from ingest.transcripts import TranscriptFetcher


@dataclass(frozen=True)
class IngestOutcome:
    scan: CorpusScan
    build: BuildResult

    def summary(self) -> str:
        """French lines: what was added/changed/removed per session, then every problem."""
        lines = []
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
            if s.problem:
                lines.append(f"⚠ {s.session.id} : {s.problem} (les passages déjà indexés de cette session sont conservés)")
        for f in self.scan.fiches:
            if f.problem:
                lines.append(f"⚠ {f.document} : {f.problem}")
        return "\n".join(lines)


def run_ingest(corpus: Path, index_dir: Path, encoder: Encoder, fetcher: TranscriptFetcher | None, *,
               rebuild: bool = False, on_session: Callable[[SessionScan], None] | None = None,
               progress: Callable[[int, int], None] | None = None) -> IngestOutcome:
    scan = scan_corpus(corpus, fetcher, on_session)
    build = build_index(scan.cycle, scan.chunks, index_dir, encoder, keep_sessions=scan.failed_sessions,
                        rebuild=rebuild, progress=progress)
    return IngestOutcome(scan, build)

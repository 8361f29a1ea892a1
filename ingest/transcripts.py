"""Where a session's transcript comes from: its local caption file, else the cache, else YouTube (once)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from ingest.captions import dump_json, read_caption_file, tidy_cues
from ingest.corpus_paths import OutsideCorpus, inside
from ingest.errors import EmptyTranscriptError, OutsideCorpusTranscriptError
from ingest.files import write_atomically
from ingest.models import Cue, Session, Transcript

CACHE_DIR = Path("transcripts") / "youtube"  # relative to the corpus root


class TranscriptFetcher(Protocol):
    """Gets the captions of a YouTube video; raises a TranscriptFetchError subclass when it cannot."""

    def fetch(self, video_id: str) -> list[Cue]: ...


def _inside(corpus_root: Path, session: Session, document: str) -> Path:
    try:
        return inside(corpus_root, document)
    except OutsideCorpus as refused:
        raise OutsideCorpusTranscriptError(session, document, refused.reason) from None


def cache_path(video_id: str) -> Path:
    """Where the fetched captions of a video are kept, relative to the corpus root."""
    return CACHE_DIR / f"{video_id}.json"


def load_transcript(
    corpus_root: Path, session: Session, fetcher: TranscriptFetcher | None
) -> Transcript | None:
    """The session's transcript, or None when it has no local file, no cache and nothing to fetch.

    Raises CaptionError (unreadable file) or TranscriptFetchError (YouTube refused); the caller records
    the error against the session and carries on with the others.
    """
    if session.transcript:
        cues, fmt = read_caption_file(_inside(corpus_root, session, session.transcript))
        return _transcript(session, cues, "local", fmt, session.transcript)
    if not session.youtube_id:
        return None
    relative = cache_path(session.youtube_id)
    cached = _inside(corpus_root, session, relative.as_posix())
    if cached.is_file():
        cues, _ = read_caption_file(cached)
        return _transcript(session, cues, "cache", "json", relative.as_posix())
    if fetcher is None:
        return None
    cues = tidy_cues(fetcher.fetch(session.youtube_id))
    if not cues:
        raise EmptyTranscriptError(
            f"La vidéo {session.youtube_id} de la session {session.id} "
            "n'a renvoyé aucun sous-titre avec du texte."
        )
    write_atomically(cached, dump_json(cues))  # a truncated cache would be trusted next time
    # Read back what was cached, so this run and the next ones index exactly the same cues.
    cues, _ = read_caption_file(cached)
    return _transcript(session, cues, "youtube", "json", relative.as_posix())


def _transcript(
    session: Session, cues: list[Cue], source: Literal["local", "cache", "youtube"], fmt: str, document: str
) -> Transcript:
    return Transcript(session_id=session.id, cues=tuple(cues), source=source, format=fmt, document=document)


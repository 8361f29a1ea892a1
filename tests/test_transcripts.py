"""Where a session's transcript comes from: local file, then the cache, then YouTube — fetched only once."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from ingest.errors import CaptionError, EmptyTranscriptError, TranscriptFetchError
from ingest.models import Cue, Session
from ingest.transcript_chunks import chunk_transcript
from ingest.transcripts import load_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "captions"
VIDEO = "Xk3pQ7aB9cD"
FETCHED = [  # as youtube-transcript-api gives auto captions: raw text, noise, line breaks
    Cue(0.0, 2.5, "[Musique]"),
    Cue(2.5, 6.1, "bonjour à tous et bienvenue\nà Vervins"),
    Cue(6.1, 9.8, "on parle aujourd'hui de la &amp; vacance"),
    Cue(9.8, 13.0, "des logements en centre-bourg"),
]


class FakeFetcher:
    """Stands in for the YouTube fetcher: returns given cues or raises, and records each call."""

    def __init__(self, cues: list[Cue] | None = None, error: Exception | None = None) -> None:
        self.cues = cues or []
        self.error = error
        self.calls: list[str] = []

    def fetch(self, video_id: str) -> list[Cue]:
        self.calls.append(video_id)
        if self.error is not None:
            raise self.error
        return list(self.cues)


BLOCKED = TranscriptFetchError("YouTube bloque les requêtes venant de l'adresse IP de ce serveur.")


def session(transcript: str | None = None, youtube_id: str | None = VIDEO) -> Session:
    return Session(
        id="S06",
        module="M2",
        title="Le commerce en centre-bourg",
        date=dt.date(2022, 3, 17),
        kind="table ronde",
        youtube_id=youtube_id,
        transcript=transcript,
    )


def put(corpus: Path, fixture: str, relative: str) -> None:
    target = corpus / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / fixture, target)


def cache_file(corpus: Path) -> Path:
    return corpus / "transcripts" / "youtube" / f"{VIDEO}.json"


def test_local_file__beats_cache_and_youtube(tmp_path):
    put(tmp_path, "studio.srt", "transcripts/S06 atelier.srt")
    put(tmp_path, "youtube-transcript-api.json", f"transcripts/youtube/{VIDEO}.json")
    fetcher = FakeFetcher(FETCHED)

    transcript = load_transcript(tmp_path, session("transcripts/S06 atelier.srt"), fetcher)

    assert transcript is not None
    assert (transcript.source, transcript.format) == ("local", "srt")
    assert transcript.document == "transcripts/S06 atelier.srt"
    assert transcript.session_id == "S06"
    assert transcript.cues[0].text == "Bienvenue à Chauny pour cet atelier sur les espaces publics."
    assert fetcher.calls == []


def test_cache__beats_youtube(tmp_path):
    put(tmp_path, "youtube-transcript-api.json", f"transcripts/youtube/{VIDEO}.json")
    fetcher = FakeFetcher(error=BLOCKED)

    transcript = load_transcript(tmp_path, session(), fetcher)

    assert transcript is not None
    assert (transcript.source, transcript.format) == ("cache", "json")
    assert transcript.document == f"transcripts/youtube/{VIDEO}.json"
    assert len(transcript.cues) == 27
    assert fetcher.calls == []


def test_youtube_fetch__cached_once_then_reused_without_calling_youtube(tmp_path):
    fetched = load_transcript(tmp_path, session(), FakeFetcher(FETCHED))

    assert fetched is not None and fetched.source == "youtube"
    assert [c.text for c in fetched.cues] == [
        "bonjour à tous et bienvenue à Vervins",
        "on parle aujourd'hui de la & vacance",
        "des logements en centre-bourg",
    ]
    saved = json.loads(cache_file(tmp_path).read_text(encoding="utf-8"))
    assert saved[0] == {"text": "bonjour à tous et bienvenue à Vervins", "start": 2.5, "duration": 3.6}
    assert sorted(p.name for p in cache_file(tmp_path).parent.iterdir()) == [f"{VIDEO}.json"]  # no temp file left

    refuses = FakeFetcher(error=BLOCKED)
    again = load_transcript(tmp_path, session(), refuses)

    assert again is not None and again.source == "cache"
    assert refuses.calls == []
    assert again.cues == fetched.cues and again.document == fetched.document
    assert [c.id for c in chunk_transcript(again)] == [c.id for c in chunk_transcript(fetched)]


def test_youtube_fetch_error__propagates_and_writes_no_cache(tmp_path):
    fetcher = FakeFetcher(error=BLOCKED)

    with pytest.raises(TranscriptFetchError, match="bloque"):
        load_transcript(tmp_path, session(), fetcher)

    assert fetcher.calls == [VIDEO]
    assert not cache_file(tmp_path).exists()
    assert not (tmp_path / "transcripts").exists() or not any((tmp_path / "transcripts").rglob("*"))


def test_youtube_answers_only_music__error_and_no_cache(tmp_path):
    with pytest.raises(EmptyTranscriptError) as caught:
        load_transcript(tmp_path, session(), FakeFetcher([Cue(0.0, 30.0, "[Musique]")]))

    assert isinstance(caught.value, TranscriptFetchError)
    assert VIDEO in caught.value.cause and "S06" in caught.value.cause
    assert "YouTube Studio" in caught.value.fix
    assert not cache_file(tmp_path).exists()


def test_session_without_local_file_nor_video__no_transcript(tmp_path):
    fetcher = FakeFetcher(FETCHED)

    assert load_transcript(tmp_path, session(youtube_id=None), fetcher) is None
    assert fetcher.calls == []


def test_video_not_cached_and_no_fetcher__no_transcript(tmp_path):
    assert load_transcript(tmp_path, session(), None) is None


def test_unreadable_local_file__caption_error_even_if_youtube_could_answer(tmp_path):
    put(tmp_path, "tronque.vtt", "transcripts/S06.vtt")
    fetcher = FakeFetcher(FETCHED)

    with pytest.raises(CaptionError) as caught:
        load_transcript(tmp_path, session("transcripts/S06.vtt"), fetcher)

    assert "S06.vtt" in caught.value.cause
    assert fetcher.calls == []


def test_damaged_cache__caption_error_says_to_delete_it(tmp_path):
    put(tmp_path, "pas-une-liste.json", f"transcripts/youtube/{VIDEO}.json")

    with pytest.raises(CaptionError) as caught:
        load_transcript(tmp_path, session(), FakeFetcher(FETCHED))

    assert f"{VIDEO}.json" in caught.value.cause
    assert "supprimez-le" in caught.value.fix

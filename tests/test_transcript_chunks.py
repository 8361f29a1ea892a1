"""Invariants of transcript chunks, on every fixture transcript and on generated ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.captions import read_caption_file
from ingest.models import Cue, Transcript
from ingest.transcript_chunks import chunk_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "captions"
READABLE = [
    "auto-youtube.vtt",
    "manuel.vtt",
    "bom.vtt",
    "studio.srt",
    "windows-1252.srt",
    "studio.sbv",
    "youtube-transcript-api.json",
    "panneau-lignes.txt",
    "panneau-en-ligne.txt",
]
PUNCTUATED = ["manuel.vtt", "studio.srt"]
SENTENCE_END = re.compile(r"[.?!…][\"'»”)\]]*$")


def transcript_of(name: str, session_id: str = "S05") -> Transcript:
    cues, fmt = read_caption_file(FIXTURES / name)
    return Transcript(session_id, tuple(cues), "local", fmt, f"transcripts/{name}")


def span(transcript: Transcript) -> float:
    return transcript.cues[-1].end - transcript.cues[0].start


def first_index(transcript: Transcript, chunk) -> int:  # type: ignore[no-untyped-def]
    """Where the chunk's cues sit in the transcript: they must be a run of consecutive cues."""
    cues = transcript.cues
    for index in range(len(cues)):
        if cues[index : index + len(chunk.cues)] == chunk.cues:
            return index
    raise AssertionError(f"chunk {chunk.id} is not a run of consecutive cues")


def assert_chunk_invariants(transcript: Transcript, chunks) -> None:  # type: ignore[no-untyped-def]
    assert chunks
    covered: set[int] = set()
    for chunk in chunks:
        assert chunk.kind == "transcript"
        assert chunk.session_id == transcript.session_id and chunk.document == transcript.document
        assert chunk.cues, "a chunk without cues"
        assert chunk.start == chunk.cues[0].start and chunk.end == chunk.cues[-1].end
        assert chunk.text == " ".join(c.text for c in chunk.cues)
        assert chunk.id == f"{transcript.session_id}:{chunk.start:.2f}"
        first = first_index(transcript, chunk)
        covered.update(range(first, first + len(chunk.cues)))
    assert covered == set(range(len(transcript.cues))), "every cue belongs to a chunk"
    assert len({c.id for c in chunks}) == len(chunks), "chunk ids are unique"
    for previous, following in zip(chunks, chunks[1:]):
        assert previous.start < following.start


@pytest.mark.parametrize("name", READABLE)
def test_fixture_transcript__chunks_are_exact_runs_of_cues_covering_everything(name):
    transcript = transcript_of(name)

    assert_chunk_invariants(transcript, chunk_transcript(transcript))


@pytest.mark.parametrize("name", READABLE)
def test_fixture_transcript__windows_last_45_to_90_seconds_unless_the_replay_is_shorter(name):
    transcript = transcript_of(name)
    chunks = chunk_transcript(transcript)

    if span(transcript) < 45:
        assert len(chunks) == 1 and chunks[0].cues == transcript.cues
    else:
        for chunk in chunks:
            assert 45 <= chunk.end - chunk.start <= 90, chunk.id


@pytest.mark.parametrize("name", READABLE)
def test_fixture_transcript__consecutive_windows_share_about_twenty_seconds(name):
    chunks = chunk_transcript(transcript_of(name))

    for previous, following in zip(chunks, chunks[1:]):
        assert set(previous.cues) & set(following.cues), "consecutive windows share cues"
        assert 5 <= previous.end - following.start <= 45


@pytest.mark.parametrize("name", ["auto-youtube.vtt", "manuel.vtt", "studio.srt", "panneau-en-ligne.txt"])
def test_long_replay__several_windows(name):
    assert len(chunk_transcript(transcript_of(name))) >= 2


@pytest.mark.parametrize("name", READABLE)
def test_fixture_transcript__ids_stable_when_the_file_is_read_again(name):
    first = chunk_transcript(transcript_of(name))
    again = chunk_transcript(transcript_of(name))

    assert [(c.id, c.hash) for c in first] == [(c.id, c.hash) for c in again]


@pytest.mark.parametrize("name", PUNCTUATED)
def test_punctuated_captions__windows_end_at_a_sentence_end_when_one_is_in_range(name):
    transcript = transcript_of(name)
    chunks = chunk_transcript(transcript)

    for chunk in chunks[:-1]:  # the last window ends with the replay
        index = first_index(transcript, chunk)
        reachable = [
            cue
            for cue in transcript.cues[index:-1]
            if 45 <= cue.end - chunk.start <= 90
        ]
        if any(SENTENCE_END.search(c.text) for c in reachable):
            assert SENTENCE_END.search(chunk.cues[-1].text), f"{chunk.id} ends mid-sentence"


def test_punctuated_captions__windows_start_at_a_sentence_start():
    chunks = chunk_transcript(transcript_of("manuel.vtt"))

    assert all(chunk.text[0].isupper() for chunk in chunks), [c.text[:30] for c in chunks]


# --- generated transcripts --------------------------------------------------------------------------------


def steady_speech(seconds: float, cue_seconds: float = 3.0, text: str = "et on continue") -> Transcript:
    """Auto-caption-like cues: back to back, no punctuation, no pause."""
    count = round(seconds / cue_seconds)
    cues = tuple(Cue(i * cue_seconds, (i + 1) * cue_seconds, f"{text} {i}") for i in range(count))
    return Transcript("S02", cues, "youtube", "json", "transcripts/youtube/abcdefghijk.json")


def test_short_replay__one_chunk_with_every_cue():
    transcript = steady_speech(30)

    chunks = chunk_transcript(transcript)

    assert len(chunks) == 1
    assert chunks[0].cues == transcript.cues and (chunks[0].start, chunks[0].end) == (0.0, 30.0)


def test_unpunctuated_speech_without_pauses__windows_cut_near_one_minute():
    chunks = chunk_transcript(steady_speech(600))

    for chunk in chunks[:-1]:
        assert abs(chunk.end - chunk.start - 60) <= 3


def test_speech_with_a_pause__window_ends_at_the_pause():
    before = [Cue(i * 3.0, i * 3.0 + 3.0, f"avant {i}") for i in range(17)]  # 0 – 51 s
    after = [Cue(53.5 + i * 3.0, 56.5 + i * 3.0, f"après {i}") for i in range(60)]  # a 2.5 s silence
    transcript = Transcript("S03", tuple(before + after), "local", "srt", "transcripts/S03.srt")

    first = chunk_transcript(transcript)[0]

    assert first.end == 51.0 and first.cues[-1].text == "avant 16"


def test_sentence_ending_late_in_a_window__last_window_is_not_a_short_tail():
    cues = [Cue(i * 3.0, i * 3.0 + 3.0, f"mot {i}") for i in range(31)]  # 0 – 93 s
    cues[28] = Cue(84.0, 87.0, "fin de la phrase.")
    transcript = Transcript("S03", tuple(cues), "local", "srt", "transcripts/S03.srt")

    chunks = chunk_transcript(transcript)

    assert chunks[0].end == 87.0  # cut at the sentence end, 6 s before the replay ends
    assert chunks[-1].end == 93.0 and chunks[-1].end - chunks[-1].start >= 45


def test_no_cues__no_chunks():
    assert chunk_transcript(Transcript("S04", (), "local", "vtt", "transcripts/S04.vtt")) == []


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    """Cues with random lengths, silences, overlaps and equal starts, as real files have."""
    cues, start = [], draw(st.floats(0, 100))
    for i in range(draw(st.integers(1, 120))):
        length = draw(st.floats(0, 12))
        text = draw(st.sampled_from(["bonjour", "la vacance commerciale.", "et puis", "vraiment ?"]))
        cues.append(Cue(round(start, 3), round(start + length, 3), f"{text} {i}"))
        start += draw(st.sampled_from([0.0, 0.5, 2.0, 3.0, 4.0, 30.0]))
    return Transcript("S09", tuple(cues), "local", "srt", "transcripts/S09.srt")


@pytest.mark.slow  # property-based: hundreds of generated transcripts
@settings(max_examples=200, derandomize=True, deadline=None)
@given(transcript=transcripts())
def test_any_transcript__chunks_cover_every_cue_with_unique_increasing_ids(transcript):
    assert_chunk_invariants(transcript, chunk_transcript(transcript))

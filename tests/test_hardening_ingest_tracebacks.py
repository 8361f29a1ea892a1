"""No traceback on the ingest side, whatever the input: a malformed replay URL is a French catalogue error,
and cues whose start times round to the same hundredth still give unique passage ids."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from ingest.captions import read_caption_file
from ingest.catalogue import load_cycle
from ingest.errors import CatalogueError
from ingest.models import Cue, Transcript
from ingest.transcript_chunks import chunk_transcript
from ingest.youtube_url import parse_video_id

FIXTURES = Path(__file__).parent / "fixtures" / "hardening"
BAD_URLS = ["https://[youtube.com/watch?v=dQw4w9WgXcQ", "https://youtube.com]/watch?v=dQw4w9WgXcQ",
            "http://[::1/watch?v=dQw4w9WgXcQ", "https://youtube.com\uff03/watch?v=dQw4w9WgXcQ", "[dQw4w9WgXcQ"]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
       | st.builds(lambda a, b: f"https://{a}youtube.com{b}/watch?v=dQw4w9WgXcQ",
                   st.sampled_from(["", "[", "]", "[::", "user@", "\uff03"]),
                   st.sampled_from(["", "]", ":abc", ":99999", "\uff0f", "[x]"])))
def test_parse_video_id__any_text_gives_an_id_or_none_never_an_exception(value):
    result = parse_video_id(value)
    assert result is None or len(result) == 11


def _corpus(tmp_path: Path, youtube: str, second_transcript: str | None = None) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "transcripts").mkdir(parents=True)
    sessions = [("S01", youtube, None), ("S02", "dQw4w9WgXcQ", second_transcript)]
    text = '[cycle]\ntitle = "Cycle"\n\n[[module]]\nid = "M1"\ntitle = "Comprendre"\n'
    for number, (sid, url, transcript) in enumerate(sessions, start=1):
        text += (f'\n[[session]]\nid = "{sid}"\nmodule = "M1"\ntitle = "Séance {number}"\n'
                 f'date = 2021-06-2{number}\nkind = "atelier"\nyoutube = "{url}"\n')
        if transcript:
            shutil.copy(FIXTURES / transcript, corpus / "transcripts" / transcript)
            text += f'transcript = "transcripts/{transcript}"\n'
    (corpus / "cycle.toml").write_text(text, encoding="utf-8")
    return corpus


@pytest.mark.parametrize("url", BAD_URLS)
def test_catalogue_with_a_malformed_url__french_error_naming_session_and_line(tmp_path, url):
    with pytest.raises(CatalogueError) as caught:
        load_cycle(_corpus(tmp_path, url))
    message = str(caught.value)
    assert "Session S01, ligne 14" in message and "n'est pas reconnu" in message
    assert "https://youtu.be/" in message  # the fix: what a good link looks like


@pytest.mark.parametrize("command", [["sessions"], ["ingest", "--dry-run", "--no-youtube"], ["ingest", "--no-youtube"]])
def test_cli_with_a_malformed_url__french_catalogue_error_not_a_traceback(tmp_path, command):
    if command == ["ingest", "--no-youtube"]:
        command = [*command, "--index", str(tmp_path / "index")]
    result = CliRunner().invoke(main, [*command, "--corpus", str(_corpus(tmp_path, BAD_URLS[0]))])
    output = result.output + result.stderr
    assert result.exit_code != 0 and not isinstance(result.exception, ValueError)
    assert "n'est pas reconnu" in output and "Traceback" not in output and "IPv6" not in output


def test_cues_starting_within_the_same_hundredth__unique_ids_and_every_cue_kept():
    cues, _ = read_caption_file(FIXTURES / "meme-centieme.srt")
    transcript = Transcript("S01", tuple(cues), "local", "srt", "transcripts/meme-centieme.srt")
    chunks = chunk_transcript(transcript)
    assert len({c.id for c in chunks}) == len(chunks) > 1
    assert {c.id for c in chunks} >= {"S01:0.00", "S01:0.00~1"}
    assert {cue for c in chunks for cue in c.cues} == set(cues)


@st.composite
def crowded_transcripts(draw: st.DrawFn) -> Transcript:
    """Cues a few milliseconds apart, long ones and short ones: starts often round to the same hundredth."""
    cues, start = [], 0.0
    for i in range(draw(st.integers(1, 150))):
        text = f"mot{i} " + "bla " * draw(st.integers(0, 60))
        cues.append(Cue(round(start, 3), round(start + draw(st.sampled_from([0.0, 0.002, 1.0, 95.0])), 3),
                        text.strip()))
        start += draw(st.sampled_from([0.0, 0.001, 0.004, 0.02, 3.0, 40.0]))
    cues.sort(key=lambda c: (c.start, c.end))
    return Transcript("S07", tuple(cues), "local", "srt", "transcripts/S07.srt")


@pytest.mark.slow  # property-based: hundreds of crowded transcripts
@settings(max_examples=150, derandomize=True, deadline=None)
@given(transcript=crowded_transcripts(), max_chars=st.sampled_from([300, 1000, 3000]))
def test_crowded_transcript__ids_unique_every_cue_kept_windows_bounded(transcript, max_chars):
    chunks = chunk_transcript(transcript, max_chars=max_chars)
    assert len({c.id for c in chunks}) == len(chunks)
    assert {cue for c in chunks for cue in c.cues} == set(transcript.cues)
    for chunk in chunks:
        assert chunk.id.startswith(f"S07:{chunk.start:.2f}")
        assert len(chunk.text) <= max_chars or len(chunk.cues) == 1
        first = transcript.cues.index(chunk.cues[0])
        assert transcript.cues[first:first + len(chunk.cues)] == chunk.cues


def test_ingest_with_cues_in_the_same_hundredth__every_session_is_published(tmp_path, encoder):
    from bot.ingestion import run_ingest

    corpus = _corpus(tmp_path, "dQw4w9WgXcQ", second_transcript="meme-centieme.srt")
    (corpus / "transcripts" / "S01.srt").write_text(
        "1\n00:00:01,000 --> 00:00:05,000\nLa revitalisation du centre-bourg.\n", encoding="utf-8")
    toml = corpus / "cycle.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'youtube = "dQw4w9WgXcQ"\n', 'youtube = "dQw4w9WgXcQ"\ntranscript = "transcripts/S01.srt"\n', 1),
        encoding="utf-8")
    outcome = run_ingest(corpus, tmp_path / "index", encoder, fetcher=None)
    assert outcome.build.published
    assert outcome.build.changes["S01"].added == 1 and outcome.build.changes["S02"].added >= 2

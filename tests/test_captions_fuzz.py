"""Whatever a caption file contains, reading it gives well-formed cues or a CaptionError, never a crash."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.captions import FORMATS, parse_caption_bytes, parse_captions
from ingest.errors import CaptionError
from ingest.models import Cue

pytestmark = pytest.mark.slow  # property-based: hundreds of generated caption files

FIXTURES = Path(__file__).parent / "fixtures" / "captions"
SAMPLES = sorted((p.name, p.read_bytes()) for p in FIXTURES.iterdir() if p.is_file())
NAMES = ["S01.vtt", "S01.srt", "S01.sbv", "S01.json", "S01.txt", "S01"]

FUZZ = settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_read_or_refused(read) -> None:  # type: ignore[no-untyped-def]
    try:
        cues = read()
    except CaptionError as error:
        assert error.cause and error.fix
        return
    assert cues and all(isinstance(c, Cue) for c in cues)
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    for cue in cues:
        assert math.isfinite(cue.start) and math.isfinite(cue.end)
        assert 0 <= cue.start <= cue.end <= 100 * 3600  # no replay lasts longer
        assert cue.text.strip() == cue.text != ""


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(NAMES))
def test_arbitrary_bytes__cues_or_caption_error(data, name):
    assert_read_or_refused(lambda: parse_caption_bytes(data, name)[0])


@FUZZ
@given(text=st.text(max_size=1000), fmt=st.sampled_from(FORMATS))
def test_arbitrary_text__cues_or_caption_error(text, fmt):
    assert_read_or_refused(lambda: parse_captions(text, fmt))


# Lines that look like caption syntax, so random files get past the first checks of every parser.
CAPTION_LINES = st.sampled_from(
    [
        "WEBVTT", "", " ", "1", "42", "NOTE une note", "STYLE", "Kind: captions",
        "00:00:01.000 --> 00:00:04.000", "00:00:04.000 --> 00:00:01.000 align:start position:0%",
        "00:00:01,000 --> 00:00:04,000", "99:59:59.999 --> 99:59:59.999", "00:61:00.000 --> 00:62:00.000",
        "9999999999:00:00,000 --> 9999999999:00:01,000", "00:00:01.000 -->", "--> 00:00:01.000",
        "0:00:01.000,0:00:04.000", "0:00:01.000,0:99:04.000", "0:05", "12:34", "1:02:03", "1:75", "99:99:99",
        "12:34 bonjour", "bonjour<00:00:01.234><c> à</c><00:00:01.500><c> tous</c>", "<v Claire>Bonjour.</v>",
        "[Musique]", "&amp;&nbsp;&lt;", "♪", ">> oui", "5 secondes",
        '[{"text": "a", "start": 0, "duration": 1}]', '[{"text": "a", "start": 1e400, "duration": -1}]',
        '{"text": "a"}', "[", "]", "null", "réhabilitation du centre-bourg",
    ]
)


@FUZZ
@given(lines=st.lists(CAPTION_LINES | st.text(max_size=30), max_size=40), fmt=st.sampled_from(FORMATS))
def test_caption_like_lines__cues_or_caption_error(lines, fmt):
    assert_read_or_refused(lambda: parse_captions("\n".join(lines), fmt))


@st.composite
def mutated_fixture(draw: st.DrawFn) -> tuple[str, bytes]:
    """A fixture with a few edits: a cut, a deletion, a duplicated or overwritten span, inserted bytes."""
    name, data = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        size = len(data)
        at = draw(st.integers(0, size))
        span = draw(st.integers(0, 40))
        edit = draw(st.sampled_from(["cut", "delete", "duplicate", "overwrite", "insert"]))
        if edit == "cut":
            data = data[:at]
        elif edit == "delete":
            data = data[:at] + data[at + span :]
        elif edit == "duplicate":
            data = data[:at] + data[at : at + span] + data[at:]
        else:
            syntax = st.sampled_from([b"-->", b"\n\n", b":", b"<c>", b"9"])
            noise = draw(st.binary(min_size=1, max_size=12) | syntax)
            data = data[:at] + noise + data[at + (len(noise) if edit == "overwrite" else 0) :]
    return name, data


@FUZZ
@given(sample=mutated_fixture())
def test_near_valid_fixture__cues_or_caption_error(sample):
    name, data = sample
    assert_read_or_refused(lambda: parse_caption_bytes(data, name)[0])

"""WebVTT, including YouTube's auto-caption VTT whose rolling cues repeat each line."""

from __future__ import annotations

import io
import re
from collections import deque
from dataclasses import dataclass

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Timestamp

from ingest.models import Cue

from ._common import Malformed, excerpt, finish, strip_tags

# A word timing inside a cue (<00:00:01.234>): only YouTube's auto captions carry them.
_WORD_TIMING = re.compile(r"<(?:\d+:)?\d{1,2}:\d{2}\.\d{1,3}>")
_TIMINGS_LINE = re.compile(r"^\s*(\S+?)\s*-->\s*(\S+)")


def parse_vtt(text: str) -> list[Cue]:
    _check_timings(text)
    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except MalformedFileError:
        raise Malformed("la première ligne n'est pas « WEBVTT »") from None
    except (MalformedCaptionError, ValueError):  # defensive: non-strict parsing rarely raises
        raise Malformed("un bloc de sous-titre est invalide") from None
    timed = [
        (c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000, c.lines) for c in captions
    ]
    if any(_WORD_TIMING.search(line) for _, _, lines in timed for line in lines):
        return finish(_unroll(timed))
    return finish((start, end, " ".join(lines)) for start, end, lines in timed)


def _check_timings(text: str) -> None:
    """webvtt-py skips cues with bad timings; a typo must not silently lose a passage, so reject them."""
    for number, line in enumerate(text.splitlines(), start=1):
        if "-->" not in line:
            continue
        match = _TIMINGS_LINE.match(line)
        try:
            if not match:
                raise MalformedCaptionError(line)
            Timestamp.from_string(match.group(1))
            Timestamp.from_string(match.group(2))
        except MalformedCaptionError:
            raise Malformed(f"ligne {number}, horodatage invalide « {excerpt(line)} »") from None


@dataclass
class _Line:
    start: float
    end: float
    text: str


def _unroll(timed: list[tuple[float, float, list[str]]]) -> list[tuple[float, float, str]]:
    """Each spoken line once, from when it appears to when the next line appears.

    YouTube's auto captions roll: a cue shows the previous line again above the new one (which carries
    <c> word timings), and a 10 ms "transition" cue shows the finished line alone. A line without word
    timings that is still on screen is a repeat.
    """
    spoken: list[_Line] = []
    on_screen: deque[str] = deque(maxlen=2)  # YouTube shows at most two lines
    for start, end, lines in timed:
        for raw in lines:
            shown = " ".join(strip_tags(raw).split())
            if not shown or (shown in on_screen and not _WORD_TIMING.search(raw)):
                continue
            spoken.append(_Line(start, end, shown))
            on_screen.append(shown)
        if spoken:  # the last line stays until its last cue ends
            spoken[-1].end = max(spoken[-1].end, end)
    for current, following in zip(spoken, spoken[1:]):
        current.end = following.start
    return [(line.start, line.end, line.text) for line in spoken]

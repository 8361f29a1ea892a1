"""SubRip (.srt) through the ``srt`` library, and YouTube Studio's SBV by hand (no library reads it well)."""

from __future__ import annotations

import re

import srt

from ingest.models import Cue

from ._common import Malformed, excerpt, finish, line_number, seconds


def parse_srt(text: str) -> list[Cue]:
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as error:
        number, line = _first_bad_line(text, error.expected_start, error.unmatched_content)
        detail = f"ligne {number}, bloc illisible « {excerpt(line)} » (numéro ou horodatage invalide)"
        raise Malformed(detail) from None
    except (ValueError, OverflowError):  # TimestampParseError is a ValueError; hours past timedelta's range
        raise Malformed("un horodatage est illisible ou démesuré") from None
    return finish(
        (s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subtitles
    )


def _first_bad_line(text: str, offset: int, unmatched: str) -> tuple[int, str]:
    """The line of a block srt could not read that looks like a broken timing, else its first line."""
    first = line_number(text, offset)
    lines = [(first + i, line) for i, line in enumerate(unmatched.splitlines()) if line.strip()]
    timing_like = [item for item in lines if "->" in item[1] or re.search(r"\d:\d", item[1])]
    return (timing_like or lines or [(first, unmatched)])[0]


_SBV_TIMINGS = re.compile(
    r"^\s*(\d+):(\d{1,2}):(\d{1,2})\.(\d{1,3})\s*,\s*(\d+):(\d{1,2}):(\d{1,2})\.(\d{1,3})\s*$"
)


def parse_sbv(text: str) -> list[Cue]:
    """Blocks separated by blank lines: a ``0:00:01.000,0:00:04.000`` line, then the text lines."""
    raw: list[tuple[float, float, str]] = []
    block: list[tuple[int, str]] = []
    for number, line in [*enumerate(text.splitlines(), start=1), (0, "")]:
        if line.strip():
            block.append((number, line))
            continue
        if block:
            raw.append(_sbv_block(block))
            block = []
    return finish(raw)


def _sbv_block(block: list[tuple[int, str]]) -> tuple[float, float, str]:
    number, first = block[0]
    match = _SBV_TIMINGS.match(first)
    try:
        if not match:
            raise ValueError(first)
        g = match.groups()
        start, end = seconds(*g[:4]), seconds(*g[4:])
    except ValueError:
        raise Malformed(f"ligne {number}, horodatage invalide « {excerpt(first)} »") from None
    return start, end, " ".join(line for _, line in block[1:])

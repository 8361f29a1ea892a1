"""Transcript chunks: overlapping windows of consecutive cues, about a minute of speech each.

A window ends, by preference, where a sentence ends (manual captions have punctuation), else where the
speaker pauses, else on the cue boundary nearest the target length: YouTube's auto captions have no
punctuation, so the last two are all there is to go on. A window is also bounded in characters, so a
damaged or absurd file (thousands of cues in a few seconds) gives many bounded passages, not one huge one.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.models import Chunk, Cue, Transcript

PAUSE_SECONDS = 1.0
#: Most characters in one window: well above a minute and a half of fast speech (about 1,500).
MAX_WINDOW_CHARS = 3000
_SENTENCE_END = re.compile(r"[.?!…][\"'»”)\]]*$")


def chunk_transcript(
    transcript: Transcript,
    *,
    target_seconds: float = 60.0,
    min_seconds: float = 45.0,
    max_seconds: float = 90.0,
    overlap_seconds: float = 20.0,
    max_chars: int = MAX_WINDOW_CHARS,
) -> list[Chunk]:
    """Windows of ``min_seconds``–``max_seconds`` of cues, each sharing about ``overlap_seconds`` with the last.

    Every cue is in at least one chunk; a transcript shorter than a window gives one chunk, and the last
    window is not a short tail unless avoiding it would pass the text bound. No window holds more than
    ``max_chars`` characters (unless one cue does: caption readers cut cues far shorter), and the text two
    windows share is at most a third of that.
    Ids are ``{session}:{start}``, with ``~1``, ``~2``… after the ones whose start rounds to the same
    hundredth of a second: unique by construction, and unchanged for ordinary transcripts.
    """
    cues = transcript.cues
    if not cues:
        return []
    limits = _Limits(target_seconds, min_seconds, max_seconds, overlap_seconds, max_chars,
                     tuple(itertools.accumulate((len(c.text) + 1 for c in cues), initial=0)))
    seen: Counter[str] = Counter()
    chunks = []
    for first, last in _windows(cues, limits):
        base = f"{transcript.session_id}:{cues[first].start:.2f}"
        chunk_id = f"{base}~{seen[base]}" if seen[base] else base
        seen[base] += 1
        chunks.append(_chunk(transcript, chunk_id, cues[first : last + 1]))
    return chunks


@dataclass(frozen=True)
class _Limits:
    target: float
    shortest: float
    longest: float
    overlap: float
    max_chars: int
    offsets: tuple[int, ...]  # offsets[i]: characters of the cues before cue i, a space after each

    def chars(self, first: int, last: int) -> int:
        """Characters of the text of cues ``first``..``last``."""
        return self.offsets[last + 1] - self.offsets[first] - 1


def _windows(cues: Sequence[Cue], limits: _Limits) -> list[tuple[int, int]]:
    """(first, last) cue indices of each window, inclusive."""
    windows: list[tuple[int, int]] = []
    end_of_speech = cues[-1].end
    final = len(cues) - 1
    first = 0
    while True:
        start = cues[first].start
        if end_of_speech - start <= limits.longest and limits.chars(first, final) <= limits.max_chars:
            windows.append((first, final))
            return windows
        last = _best_last(cues, first, limits)
        following = _next_first(cues, first, last, limits)
        if following is not None and end_of_speech - cues[following].start < limits.shortest:
            stretched = _stretch_tail(cues, first, following, limits)
            if stretched is not None:
                following = stretched
            elif limits.chars(first, final) <= limits.max_chars:
                following = None  # only merging can avoid a short tail, and the rest fits in one window
        if following is None:  # nothing can start a window after this one: it takes the rest
            windows.append((first, final))
            return windows
        windows.append((first, last))
        first = following


def _best_last(cues: Sequence[Cue], first: int, limits: _Limits) -> int:
    """The cue to end a window on: a sentence end, else a pause, else the boundary nearest the target."""
    start = cues[first].start
    in_range: list[int] = []
    fits: list[int] = []
    for index in range(first, len(cues) - 1):
        length = cues[index].end - start
        if length > limits.longest or limits.chars(first, index) > limits.max_chars:
            break
        fits.append(index)
        if length >= limits.shortest:
            in_range.append(index)
    if not in_range:  # a cue (or silence) longer than the whole range, or too much text: end as late as fits
        return fits[-1] if fits else first

    def preference(index: int) -> tuple[bool, bool, float]:
        closeness = -abs(cues[index].end - start - limits.target)
        return _ends_sentence(cues[index]), _pause_after(cues, index), closeness

    return max(in_range, key=preference)


def _next_first(cues: Sequence[Cue], first: int, last: int, limits: _Limits) -> int | None:
    """Where the next window starts: about ``overlap`` seconds before this one ends, on a boundary if any.

    The shared text is at most a third of ``max_chars``, so windows bounded by their text still move on
    quickly; with no cue to overlap on, the next window starts right after this one (no cue is skipped).
    """
    aim = cues[last].end - limits.overlap
    start = cues[first].start
    # a window starting at the same time as this one would read as the same place: prefer a later start
    choices = [k for k in range(first + 1, last + 1)
               if cues[k].start > start and limits.chars(k, last) <= limits.max_chars // 3]
    if not choices:
        return last + 1 if last + 1 < len(cues) else None
    near = [k for k in choices if aim - limits.overlap / 2 <= cues[k].start <= aim + limits.overlap / 2]
    if near:
        return max(near, key=lambda k: (_starts_sentence(cues, k), -abs(cues[k].start - aim)))
    return next((k for k in choices if cues[k].start >= aim), choices[-1])


def _stretch_tail(cues: Sequence[Cue], first: int, following: int, limits: _Limits) -> int | None:
    """Start the last window earlier so it is not a short tail; None if only merging can fix it."""
    end_of_speech = cues[-1].end
    start = cues[first].start
    for k in range(following, first, -1):
        if limits.chars(k, len(cues) - 1) > limits.max_chars:
            return None  # the last window would hold too much text: a short tail it is
        if cues[k].start > start and end_of_speech - cues[k].start >= limits.shortest:
            return k
    return None


def _ends_sentence(cue: Cue) -> bool:
    return bool(_SENTENCE_END.search(cue.text))


def _pause_after(cues: Sequence[Cue], index: int) -> bool:
    return index + 1 < len(cues) and cues[index + 1].start - cues[index].end >= PAUSE_SECONDS


def _starts_sentence(cues: Sequence[Cue], index: int) -> bool:
    return _ends_sentence(cues[index - 1]) or _pause_after(cues, index - 1)


def _chunk(transcript: Transcript, chunk_id: str, cues: Sequence[Cue]) -> Chunk:
    start = cues[0].start
    return Chunk(
        id=chunk_id,
        kind="transcript",
        text=" ".join(c.text for c in cues),
        document=transcript.document,
        session_id=transcript.session_id,
        start=start,
        end=cues[-1].end,
        cues=tuple(cues),
    )

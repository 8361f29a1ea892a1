"""Plain text copied from YouTube's « Afficher la transcription » panel.

Two layouts: a timestamp on its own line followed by the text line(s), or a timestamp at the start of
the line (``12:34 texte``). A cue ends where the next begins; the last one lasts as long as its words.
"""

from __future__ import annotations

import re

from ingest.models import Cue

from ._common import Malformed, excerpt, finish, seconds

_STAMP = r"(?:(\d{1,3}):)?(\d{1,3}):(\d{2})"
_OWN_LINE = re.compile(rf"^{_STAMP}$")
_INLINE = re.compile(rf"^{_STAMP}\s+(\S.*)$")
# The panel's accessibility label, copied with the text in some layouts: « 5 secondes », « 1 minute, 2 secondes ».
_SPOKEN_DURATION = re.compile(r"^\d+ (?:heures?|minutes?|secondes?)(?:,? \d+ (?:heures?|minutes?|secondes?))*$")
WORDS_PER_SECOND = 2.5


def parse_panel(text: str) -> list[Cue]:
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    own_line = any(_OWN_LINE.match(line) for _, line in lines)
    starts: list[tuple[float, list[str]]] = []
    for number, line in lines:
        if not line:
            continue
        match = (_OWN_LINE if own_line else _INLINE).match(line)
        if match:
            starts.append((_stamp(match, number, line), [match.group(4)] if not own_line else []))
        elif starts and not (own_line and not starts[-1][1] and _SPOKEN_DURATION.match(line)):
            starts[-1][1].append(line)
        # text before the first timestamp (a title, « Transcription ») is not spoken
    if not starts:
        raise Malformed("aucun horodatage (comme « 0:05 », « 12:34 » ou « 1:02:03 ») trouvé en début de ligne")
    starts.sort(key=lambda item: item[0])
    raw = []
    following: float | None = None  # the nearest start strictly after the current one
    previous: float | None = None
    for start, words in reversed(starts):
        if previous is not None and previous > start:
            following = previous
        previous = start
        spoken = " ".join(words)
        end = following if following is not None else start + max(1.0, len(spoken.split()) / WORDS_PER_SECOND)
        raw.append((start, end, spoken))
    return finish(raw)


def _stamp(match: re.Match[str], number: int, line: str) -> float:
    hours, minutes, secs = match.group(1), match.group(2), match.group(3)
    try:
        if hours is None:  # « 75:10 » is not how YouTube writes it, but the meaning is clear
            return int(minutes) * 60 + seconds(0, 0, secs)
        return seconds(hours, minutes, secs)
    except ValueError:
        raise Malformed(f"ligne {number}, horodatage invalide « {excerpt(line)} »") from None

"""What every caption format shares: text cleaning, timestamps, the final cue list, the French errors."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable

from ingest.errors import CaptionError
from ingest.models import Cue
from ingest.safe_text import strip_controls, visible
from ingest.text_split import split_text

#: Format names, as stored in ``Transcript.format``, and how a person calls them.
FORMAT_LABELS: dict[str, str] = {
    "vtt": "WebVTT (.vtt)",
    "srt": "SubRip (.srt)",
    "sbv": "YouTube Studio (.sbv)",
    "json": "JSON youtube-transcript-api (.json)",
    "text": "transcription YouTube copiée (.txt)",
}

STUDIO_EXPORT = "YouTube Studio (Sous-titres → ⋮ → Télécharger, format .vtt ou .srt)"

_FIXES: dict[str, str] = {
    "vtt": (
        "Vérifiez que le fichier commence par « WEBVTT » et que chaque ligne de temps a la forme "
        f"« 00:01:02.345 --> 00:01:05.000 », ou exportez-le à nouveau depuis {STUDIO_EXPORT}."
    ),
    "srt": (
        "Vérifiez que chaque sous-titre a un numéro puis une ligne de temps de la forme "
        f"« 00:01:02,345 --> 00:01:05,000 », ou exportez-le à nouveau depuis {STUDIO_EXPORT}."
    ),
    "sbv": (
        "Vérifiez que chaque bloc commence par une ligne de la forme « 0:01:02.345,0:01:05.000 », "
        f"ou exportez le fichier à nouveau depuis {STUDIO_EXPORT}."
    ),
    "json": (
        "Le fichier doit contenir la liste renvoyée par youtube-transcript-api "
        "([{\"text\": …, \"start\": …, \"duration\": …}, …]). S'il s'agit du cache "
        "transcripts/youtube/, supprimez-le pour qu'il soit récupéré à nouveau ; sinon exportez les "
        f"sous-titres depuis {STUDIO_EXPORT}."
    ),
    "text": (
        "Sur YouTube, ouvrez « … → Afficher la transcription » et copiez-la avec ses horodatages "
        f"(0:05, 12:34, 1:02:03), ou exportez les sous-titres depuis {STUDIO_EXPORT}."
    ),
}


class Malformed(Exception):
    """Raised by a format parser with a French detail; turned into a CaptionError in one place."""


REEXPORT = f"Exportez à nouveau les sous-titres depuis {STUDIO_EXPORT} et remplacez le fichier."


def caption_error(fmt: str, detail: str, origin: str | None = None, fix: str | None = None) -> CaptionError:
    """A CaptionError whose cause names the file (when known) and the format, and whose fix says what to do."""
    label = FORMAT_LABELS.get(fmt, fmt)
    where = f"le fichier de sous-titres {origin}" if origin else "ces sous-titres"
    cause = f"Impossible de lire {where} (format {label}) : {detail}."
    return CaptionError(cause, fix or _FIXES.get(fmt, REEXPORT))


# Tags: VTT/HTML elements (<c>, </c>, <v Nom>, <i>, <font color=…>) and inline word timings (<00:00:01.234>).
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<\d[\d:.]*>")
# Sound annotations of YouTube captions ([Musique], [Applaudissements], [Rires]) and music notes.
_NOISE = re.compile(r"\[[^\[\]]*\]|[♪♫♬]")
# YouTube marks a change of speaker with ">>".
_SPEAKER_CHANGE = re.compile(r"(?:^|\s)>>+(?=\s|$)")


def strip_tags(text: str) -> str:
    return _TAG.sub("", text)


def clean_text(text: str) -> str:
    """Spoken text only: no tags, entities decoded, sound annotations dropped, one space between words.

    Control characters and terminal escape sequences are removed too, including ones written as entities.
    """
    text = strip_controls(html.unescape(strip_tags(text)))
    text = _NOISE.sub(" ", text)
    text = _SPEAKER_CHANGE.sub(" ", text)
    return " ".join(text.split())


def seconds(hours: str | int, minutes: str | int, secs: str | int, fraction: str = "") -> float:
    """Seconds from clock fields; ``fraction`` is the digits after the decimal point ("5" is 0.5 s)."""
    h, m, s = int(hours or 0), int(minutes), int(secs)
    if m > 59 or s > 59:
        raise ValueError("minutes or seconds past 59")
    return h * 3600 + m * 60 + s + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


#: Longest cue text kept in one piece; a longer one (a paragraph pasted under one timestamp, a damaged
#: file) is cut into several cues sharing its time span, so every passage and segment stays bounded.
MAX_CUE_CHARS = 400

#: No replay lasts this long: a later time is a typo or a damaged file, and would make a useless link.
MAX_SECONDS = 100 * 3600


def is_time(value: float) -> bool:
    return math.isfinite(value) and 0 <= value <= MAX_SECONDS


def finish(raw: Iterable[tuple[float, float, str]], *, strict: bool = True) -> list[Cue]:
    """Clean texts, drop empty and noise cues, sort by start, and make sure no cue ends before it starts.

    Times are rounded to the millisecond, so cues read back from the JSON cache are identical. A time
    that is negative or past 100 hours is an error when ``strict``, else its cue is dropped.
    """
    cues = []
    for start, end, text in raw:
        if not (is_time(start) and is_time(end)):
            if strict:
                raise Malformed("un horodatage est hors limites (négatif ou au-delà de 100 heures)")
            continue
        text = clean_text(text)
        if text:
            start, end = round(start, 3), round(end, 3)
            cues.extend(_cut(Cue(start, max(start, end), text)))
    cues.sort(key=lambda c: (c.start, c.end))
    return cues


def _cut(cue: Cue, max_chars: int = MAX_CUE_CHARS) -> list[Cue]:
    """``cue`` itself, or pieces of it of at most ``max_chars``, its time shared in proportion to their text."""
    if len(cue.text) <= max_chars:
        return [cue]
    pieces = split_text(cue.text, max_chars)
    total = sum(len(piece) for piece in pieces)
    cut: list[Cue] = []
    done = 0
    for piece in pieces:
        start = round(cue.start + (cue.end - cue.start) * done / total, 3)
        done += len(piece)
        cut.append(Cue(start, round(cue.start + (cue.end - cue.start) * done / total, 3), piece))
    return cut


def tidy_cues(cues: Iterable[Cue]) -> list[Cue]:
    """Cues from elsewhere (e.g. fetched from YouTube) cleaned and sorted like the ones read from files."""
    return finish(((c.start, c.end, c.text) for c in cues), strict=False)


def line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def excerpt(line: str, width: int = 60) -> str:
    """A line as it can be quoted in a message: control characters of a damaged file shown as �."""
    line = visible(line.strip())
    return line if len(line) <= width else line[: width - 1] + "…"

"""Caption files: decoding, format detection, and the dispatch to one parser per format."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ingest.encodings import decode_text
from ingest.errors import CaptionError
from ingest.models import Cue

from ._common import FORMAT_LABELS, REEXPORT, STUDIO_EXPORT, Malformed, caption_error
from ._json import parse_json
from ._panel import parse_panel
from ._srt import parse_sbv, parse_srt
from ._vtt import parse_vtt

FORMATS: tuple[str, ...] = tuple(FORMAT_LABELS)
_PARSERS: dict[str, Callable[[str], list[Cue]]] = {
    "vtt": parse_vtt,
    "srt": parse_srt,
    "sbv": parse_sbv,
    "json": parse_json,
    "text": parse_panel,
}
#: Ten hours of dense captions weigh a few megabytes: far larger is not a caption file of a session.
MAX_CAPTION_BYTES = 64 << 20
_BY_EXTENSION = {".vtt": "vtt", ".webvtt": "vtt", ".srt": "srt", ".sbv": "sbv", ".json": "json"}
_SRT_TIMINGS = re.compile(r"^\s*\d+:\d{1,2}:\d{1,2}[,.]\d+\s*-->", re.MULTILINE)
_SBV_TIMINGS = re.compile(r"^\s*\d+:\d{1,2}:\d{1,2}\.\d+\s*,\s*\d+:\d{1,2}:\d{1,2}\.\d+\s*$", re.MULTILINE)


def parse_captions(text: str, fmt: str, *, origin: str | None = None) -> list[Cue]:
    """Cues of a caption text in format ``fmt`` (one of FORMATS): cleaned, sorted, never empty.

    ``origin`` names the file in error messages. Raises CaptionError, and nothing else, on unreadable input.
    """
    parser = _PARSERS.get(fmt)
    if parser is None:
        raise caption_error(fmt, f"format inconnu (formats lus : {', '.join(FORMATS)})", origin)
    if not text.strip():
        raise caption_error(fmt, "le fichier est vide", origin, REEXPORT)
    try:
        cues = parser(text)
    except Malformed as error:
        raise caption_error(fmt, str(error), origin) from None
    if not cues:
        raise caption_error(fmt, "aucun sous-titre avec du texte n'a été trouvé", origin)
    return cues


def parse_caption_bytes(data: bytes, filename: str) -> tuple[list[Cue], str]:
    """Cues and format name of a caption file's content; ``filename`` gives the extension and the messages."""
    text = decode_text(data)
    if text is None:
        raise CaptionError(
            f"Impossible de lire le fichier de sous-titres {filename} : "
            "son encodage n'est ni UTF-8 ni Windows-1252.",
            f"Ouvrez-le dans un éditeur de texte et enregistrez-le en UTF-8, ou exportez à nouveau les "
            f"sous-titres depuis {STUDIO_EXPORT}.",
        )
    fmt = detect_format(filename, text)
    return parse_captions(text, fmt, origin=filename), fmt


def read_caption_file(path: Path) -> tuple[list[Cue], str]:
    """Cues of a caption file and its format name ("vtt", "srt", "sbv", "json" or "text")."""
    try:
        if path.stat().st_size > MAX_CAPTION_BYTES:
            raise CaptionError(
                f"Le fichier de sous-titres {path} est refusé : il pèse {path.stat().st_size >> 20} Mo, bien plus "
                f"que les sous-titres d'une séance (au plus {MAX_CAPTION_BYTES >> 20} Mo sont lus).",
                f"Vérifiez qu'il s'agit bien des sous-titres de la séance, ou exportez-les à nouveau depuis "
                f"{STUDIO_EXPORT}.",
            )
        data = path.read_bytes()
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            reason = "il est introuvable"
        else:
            reason = f"il ne peut pas être ouvert ({error.strerror})"
        raise CaptionError(
            f"Impossible de lire le fichier de sous-titres {path} : {reason}.",
            "Vérifiez le chemin indiqué par « transcript = … » dans cycle.toml (relatif au dossier du corpus).",
        ) from None
    return parse_caption_bytes(data, str(path))


def detect_format(filename: str, text: str) -> str:
    """The extension decides; a .txt or unknown extension is sniffed (people save .srt exports as .txt)."""
    fmt = _BY_EXTENSION.get(Path(filename).suffix.lower())
    if fmt is not None:
        return fmt
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if head[:1] in ("[", "{"):
        return "json"
    if _SRT_TIMINGS.search(text):
        return "srt"
    if _SBV_TIMINGS.search(text):
        return "sbv"
    return "text"

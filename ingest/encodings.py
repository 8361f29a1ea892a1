"""Text files as French offices save them: UTF-8 (with or without BOM), UTF-16 with BOM (Notepad's
« Unicode »), or Windows-1252 (« ANSI »). One decoder for captions, fiches and the catalogue."""

from __future__ import annotations

import codecs

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes) -> str | None:
    """The text of ``data``, or None when it is none of the encodings above."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None

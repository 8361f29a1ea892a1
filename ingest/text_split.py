"""Cutting text into pieces of bounded length at the coarsest boundary that fits (pure functions).

Fiche sections and over-long caption cues are cut here: every passage the encoder reads has a bounded length,
and nothing is dropped.
"""

from __future__ import annotations

import re

#: A word longer than the limit is kept whole up to this length (a long URL stays clickable); beyond it,
#: it is no word but a run of junk, cut like the rest.
MAX_WORD_CHARS = 500

# From the coarsest boundary to the finest: paragraphs, lines, sentences, words. Never inside a word.
_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("\n\n", re.compile(r"\n\s*\n")),
    ("\n", re.compile(r"\n")),
    (" ", re.compile(r"(?<=[.!?…])\s+")),
    (" ", re.compile(r"\s+")),
)


def _pack(parts: list[str], separator: str, limit: int) -> list[str]:
    """Greedily join neighbouring parts while the result stays within ``limit`` characters."""
    pieces: list[str] = []
    for part in parts:
        if pieces and len(pieces[-1]) + len(separator) + len(part) <= limit:
            pieces[-1] = f"{pieces[-1]}{separator}{part}"
        else:
            pieces.append(part)
    return pieces


def _pack_evenly(parts: list[str], separator: str, max_chars: int) -> list[str]:
    """As few pieces as greedy packing gives, but of even sizes: no short leftover at the end."""
    pieces = _pack(parts, separator, max_chars)
    low, high = max(len(p) for p in parts), max_chars
    while low < high:  # the smallest limit that still gives as few pieces
        middle = (low + high) // 2
        if len(_pack(parts, separator, middle)) <= len(pieces):
            high = middle
        else:
            low = middle + 1
    return _pack(parts, separator, low)


def split_text(text: str, max_chars: int, level: int = 0) -> list[str]:
    """Pieces of at most ``max_chars`` characters, cut at the coarsest boundary that fits.

    Neighbouring pieces are packed together while they fit, evenly. A single word longer than
    ``max_chars`` is kept whole rather than cut, unless it is longer than ``MAX_WORD_CHARS`` too.
    """
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    if level >= len(_LEVELS):
        if len(text) <= MAX_WORD_CHARS:
            return [text]
        return [text[i:i + max_chars] for i in range(0, len(text), max_chars)]
    separator, boundary = _LEVELS[level]
    parts = [p.strip() for p in boundary.split(text) if p.strip()]
    pieces: list[str] = []
    run: list[str] = []  # consecutive parts that fit, packed together
    for part in parts:
        if len(part) <= max_chars:
            run.append(part)
            continue
        if run:
            pieces.extend(_pack_evenly(run, separator, max_chars))
            run = []
        pieces.extend(split_text(part, max_chars, level + 1))
    if run:
        pieces.extend(_pack_evenly(run, separator, max_chars))
    return pieces

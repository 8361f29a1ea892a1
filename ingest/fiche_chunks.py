"""Cutting a fiche into chunks: one per form field, one per section (long ones split between paragraphs).

Each short field of a CAUE fiche (« Partenaires : DDT ») is a chunk of its own, headed by its label: a question
such as « quels sont les partenaires du cycle ? » then meets a passage that says exactly that.
"""

from __future__ import annotations

import re

from ingest.fiche_form import TITLE_FIELD
from ingest.models import Chunk, Fiche

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
    ``max_chars`` is kept whole rather than cut.
    """
    text = text.strip()
    if len(text) <= max_chars or level >= len(_LEVELS):
        return [text] if text else []
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


def _short_fields(fiche: Fiche) -> list[tuple[str, str]]:
    """(label, « Label : value ») for the form fields that are not sections of their own."""
    section_headings = {section.heading for section in fiche.sections}
    return [(label, f"{label} : {value}") for label, value in fiche.fields.items()
            if label != TITLE_FIELD and label not in section_headings and value]


def chunk_fiche(fiche: Fiche, max_chars: int = 1200) -> list[Chunk]:
    """The fiche's passages to index, ids ``{document}#{n}`` in reading order (the form fields first)."""
    parts: list[tuple[str, str]] = []  # (section heading, text)
    parts.extend(_short_fields(fiche))
    parts.extend((section.heading, section.text) for section in fiche.sections)

    chunks: list[Chunk] = []
    for heading, text in parts:
        full_heading = fiche.title if heading in ("", fiche.title) else f"{fiche.title} — {heading}"
        for piece in split_text(text, max_chars):
            chunks.append(Chunk(
                id=f"{fiche.document}#{len(chunks)}",
                kind="fiche",
                text=piece,
                document=fiche.document,
                session_id=fiche.session_id,
                heading=full_heading,
            ))
    return chunks

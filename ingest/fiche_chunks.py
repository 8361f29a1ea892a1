"""Cutting a fiche into chunks: one per form field, one per section (long ones split between paragraphs).

Each short field of a CAUE fiche (« Partenaires : DDT ») is a chunk of its own, headed by its label: a question
such as « quels sont les partenaires du cycle ? » then meets a passage that says exactly that.
"""

from __future__ import annotations

from ingest.fiche_form import TITLE_FIELD
from ingest.models import Chunk, Fiche
from ingest.text_split import split_text

__all__ = ["chunk_fiche", "split_text"]


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

"""Structure of a fiche's text (pure functions): the CAUE fiche form, Markdown headings, plain documents.

Every function takes text already passed through ``normalise_chars`` and ``cut_internal``, and returns the
title and the sections (plus the form fields for a CAUE fiche). No text is dropped: a line that is not a
heading stays in the body of its section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.fiche_text import flatten, is_bullet, repair_lines
from ingest.models import FicheSection

TITLE_FIELD = "Titre"
#: Untitled text at the head of a document that has headings further down.
PREAMBLE_HEADING = "Introduction"

# Labels of the CAUE fiche form, as printed, with the spellings met in practice (spacing varies).
_FORM_LABELS: tuple[tuple[str, str], ...] = (
    (TITLE_FIELD, r"titre"),
    ("Thème(s) - Mots clés", r"th[eè]me(?:s|\s*\(s\))?(?:\s*[-–/]?\s*mots?[\s-]*cl[ée]s?)?|mots?[\s-]*cl[ée]s?"),
    ("Nature de l'action", r"nature\s+de\s+l'\s*action"),
    ("Date(s)", r"date(?:s|\s*\(s\))?"),
    ("Présentation", r"pr[ée]sentation"),
    ("Partenaires", r"partenaire(?:s|\s*\(s\))?"),
    ("Publics cibles", r"public(?:s|\s*\(s\))?\s+cible(?:s|\s*\(s\))?"),
    ("Diffusion", r"diffusion"),
    ("Développement", r"d[ée]veloppement(?:s)?"),
    ("Moyens CAUE mobilisés", r"moyens?\s+(?:du\s+)?caue\s+mobilis[ée]s?"),
    ("Moyens externes", r"moyens?\s+externes?"),
    ("Contact CAUE", r"contacts?(?:\s+(?:du\s+)?caue)?"),
)
# « Label : value » at a line start; optional bullet / bold marks, and a table cell separator (docx).
_LABEL_LINES = tuple(
    (name, re.compile(rf"^\s*(?:- )?(?:\*\*)?(?:{pattern})\s*(?:\*\*)?\s*:\s*(?:\*\*)?\s*\|?\s*(.*)$", re.IGNORECASE))
    for name, pattern in _FORM_LABELS
)
#: Fields that are always sections of their own, whatever their length.
SECTION_FIELDS = frozenset({"Présentation"})
#: A form field longer than this (characters) is a section rather than a short field chunk of its own.
LONG_FIELD_CHARS = 300
_MIN_FORM_LABELS = 2

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass
class Structure:
    title: str | None  # None: the caller falls back on the file name
    sections: list[FicheSection]
    fields: dict[str, str] = field(default_factory=dict)


def _match_label(line: str) -> tuple[str, str] | None:
    for name, pattern in _LABEL_LINES:
        match = pattern.match(line)
        if match:
            return name, match.group(1)
    return None


def parse_form(text: str) -> Structure | None:
    """Read a CAUE fiche form, or None when ``text`` is not one (fewer than two of its labels)."""
    preamble: list[str] = []
    entries: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        found = _match_label(line)
        if found:
            entries.append((found[0], [found[1]]))
        elif entries:
            entries[-1][1].append(line)
        else:
            preamble.append(line)
    if len({name for name, _ in entries}) < _MIN_FORM_LABELS:
        return None

    fields: dict[str, str] = {}
    long_fields: dict[str, str] = {}
    for name, lines in entries:
        value = repair_lines("\n".join(lines))
        if not value:
            continue
        if name in SECTION_FIELDS or name in long_fields or len(value) > LONG_FIELD_CHARS:
            long_fields[name] = f"{long_fields[name]}\n\n{value}" if name in long_fields else value
            fields[name] = long_fields[name]
        else:
            fields[name] = f"{fields[name]}, {flatten(value)}" if name in fields else flatten(value)

    sections: list[FicheSection] = []
    intro = repair_lines("\n".join(preamble))
    title = fields.get(TITLE_FIELD)
    if intro:
        if title is None:
            title = intro.split("\n", 1)[0]
        if intro != title:  # a preamble that is only the title line adds nothing
            sections.append(FicheSection(PREAMBLE_HEADING, intro))
    sections.extend(FicheSection(name, value) for name, value in long_fields.items())
    return Structure(title, sections, fields)


def _is_heading_like(line: str) -> bool:
    """A short line without final punctuation, not a bullet, starting with a capital or a number."""
    return (
        len(line) <= 80 and len(line.split()) <= 12 and not is_bullet(line)
        and not line.rstrip(":").endswith((".", "!", "?", ";", ",", "…"))
        and (line[0].isupper() or line[0].isdigit())
    )


def _sections(blocks: list[tuple[str | None, str]]) -> Structure:
    """Group (heading, body) blocks: a heading opens a section; a body before any heading is the preamble.

    The title is the document's first line when it reads like one, else its first heading. A preamble
    that is only that title line is dropped (the title heads every chunk anyway).
    """
    sections: list[FicheSection] = []
    heading: str | None = None
    body: list[str] = []

    def close() -> None:
        text = "\n\n".join(part for part in body if part)
        if text:
            sections.append(FicheSection(heading or "", text))

    for block_heading, block_body in blocks:
        if block_heading is not None:
            close()
            heading, body = block_heading, []
        elif block_body:
            body.append(block_body)
    close()

    first_heading = next((h for h, _ in blocks if h), None)
    first_line = next(((h or b).split("\n", 1)[0] for h, b in blocks if h or b), "")
    title_like = len(first_line) <= 120 and not first_line.endswith(".") and not is_bullet(first_line)
    title = first_line if title_like else first_heading
    if sections and not sections[0].heading and sections[0].text == title:
        sections.pop(0)
    preamble = PREAMBLE_HEADING if first_heading else (title or "")
    return Structure(title, [FicheSection(s.heading or preamble, s.text) for s in sections])


def parse_plain(text: str) -> Structure:
    """A plain document (text file, PDF): short title-like lines followed by body text are headings."""
    lines = repair_lines(text).split("\n")
    following: list[str | None] = [None] * len(lines)  # the next non-blank line after each line
    upcoming: str | None = None
    for i in range(len(lines) - 1, -1, -1):
        following[i] = upcoming
        upcoming = lines[i] or upcoming
    blocks: list[tuple[str | None, str]] = []
    body: list[str] = []
    for line, nxt in zip(lines, following):
        if line and _is_heading_like(line) and nxt is not None and not _is_heading_like(nxt):
            blocks.append((None, "\n".join(body).strip("\n")))
            blocks.append((line.rstrip(": ").strip(), ""))
            body = []
        else:
            body.append(line)
    blocks.append((None, "\n".join(body).strip("\n")))
    return _sections(blocks)


def parse_markdown(text: str) -> Structure:
    """Markdown: ``#`` headings open sections (outside code fences); the bodies are repaired."""
    blocks: list[tuple[str | None, str]] = []
    body: list[str] = []
    in_fence = False

    def flush() -> None:
        if body:
            blocks.append((None, repair_lines("\n".join(body))))
            body.clear()

    for line in text.split("\n"):
        if _MD_FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _MD_HEADING.match(line)
        if heading and heading.group(2).strip():
            flush()
            blocks.append((repair_lines(heading.group(2).strip("*_ ")), ""))
        else:
            body.append(line)
    flush()
    return _sections(blocks)


def parse_blocks(blocks: list[tuple[str | None, str]]) -> Structure:
    """Blocks already split by the reader (docx: heading styles and paragraphs)."""
    return _sections([(h, repair_lines(b)) if h is None else (repair_lines(h), "") for h, b in blocks])

"""Repairing text damaged by PDF extraction and office tools (pure functions).

PDF extraction breaks lines mid-sentence, doubles spaces, cuts words with end-of-line hyphens and mixes
apostrophes. Apostrophes are normalised to the ASCII ``'``: captions from YouTube and the catalogue use
it, so one form keeps the corpus uniform (the lexical index accepts both in questions anyway).
"""

from __future__ import annotations

import re
import unicodedata

from ingest.safe_text import strip_controls

APOSTROPHE = "'"

_CHAR_MAP = str.maketrans({
    "\u2019": APOSTROPHE, "\u2018": APOSTROPHE, "\u02bc": APOSTROPHE, "\u2032": APOSTROPHE, "\u00b4": APOSTROPHE,
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u3000": " ", "\t": " ",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
    "\f": "\n\n", "\v": "\n",
})
_SPACES = re.compile(r" {2,}")
_BULLET = re.compile(r"^[-•▪◦●■‣·–—*]\s+")
_TERMINAL = tuple(".!?:;…")
# The "internal to the CAUE network" part of a fiche and everything after it is never published.
_INTERNAL = re.compile(r"informations\s+compl[ée]mentaires\s+internes", re.IGNORECASE)
# A line ending with one of these words cannot end a sentence: the next line continues it.
_LINKING_WORDS = frozenset("""
de des du d' la le les l' à au aux et ou en un une pour par sur avec dans qui que qu' ce ces cet cette son sa
ses leur leurs notre nos votre vos entre sans sous vers chez dont mais donc car ni est sont ont a s' n' c'
""".split())


def normalise_chars(text: str) -> str:
    """Unicode NFC, ``\\n`` line ends, plain spaces, ASCII apostrophes, no ligatures or invisible characters.

    Control characters (PDF extractors and odd encodings leave them behind) and terminal escape sequences go.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return strip_controls(text.translate(_CHAR_MAP))


def cut_internal(text: str) -> str:
    """Drop the « Informations complémentaires internes au réseau des CAUE » section and all that follows."""
    match = _INTERNAL.search(text)
    return text[: match.start()].rstrip() if match else text


def is_bullet(line: str) -> bool:
    return line.startswith("- ")


def _clean_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    return _BULLET.sub("- ", line) if _BULLET.match(line) else line


def _continues(previous: str, line: str, blank_lines: int) -> bool:
    """Whether ``line`` is the rest of the sentence that ``previous`` left unfinished."""
    if is_bullet(line) or previous.endswith(_TERMINAL) or blank_lines > 1:
        return False
    if line[0].islower():
        return True
    if blank_lines:  # a page break inside a sentence: only trust a lower-case restart
        return False
    last_word = previous.rsplit(" ", 1)[-1].lower()
    return (previous.endswith(",") or last_word in _LINKING_WORDS) and (line[0].isalnum() or line[0] in "«(\"")


def repair_lines(text: str) -> str:
    """Join lines broken mid-sentence, undo end-of-line hyphenation, collapse spaces.

    Paragraph breaks (blank lines), sentence-final line breaks and bullet lines (« - … ») are kept.
    """
    out: list[str] = []  # lines, "" for a paragraph break
    blank = 0
    for raw in normalise_chars(text).split("\n"):
        line = _clean_line(raw)
        if not line:
            blank += 1
            continue
        previous = out[-1] if out else ""
        hyphenated = bool(previous) and not blank and re.search(r"[^\W\d_]-$", previous) is not None
        if hyphenated and line[0].islower():
            out[-1] = previous[:-1] + line  # « dévelop-\npement »
        elif hyphenated and line[0].isupper():
            out[-1] = previous + line  # a compound name: « Saint-\nQuentin »
        elif previous and _continues(previous, line, blank):
            out[-1] = f"{previous} {line}"
        else:
            if out and blank:
                out.append("")
            out.append(line)
        blank = 0
    return "\n".join(out)


def flatten(text: str) -> str:
    """One line for a short form value: lines joined with spaces, or commas where no punctuation ends them."""
    parts = [line[2:] if is_bullet(line) else line for line in text.split("\n") if line.strip()]
    result = ""
    for part in parts:
        if not result:
            result = part
        else:
            result += " " + part if result.endswith((*_TERMINAL, ",")) else ", " + part
    return result

"""The vocabulary of the programme, as data: groups of equivalent forms (acronym, full form, everyday words,
auto-caption mis-hearings). The bundled lexicon ships with the product; a corpus may add its own
``lexique.txt`` at its root, in the same plain format, which staff extend without a developer."""

from __future__ import annotations

from pathlib import Path

from ingest.encodings import decode_text

BUNDLED = Path(__file__).with_name("data") / "lexique.txt"
CORPUS_FILE = "lexique.txt"
MAX_BYTES = 1_000_000  # a lexicon is a page or two; anything larger is not one

Lexicon = tuple[tuple[str, ...], ...]  # groups of equivalent forms


def parse_lexicon(text: str) -> Lexicon:
    """One group per line, forms separated by « | »; « # » starts a comment; groups of one form are dropped."""
    groups = []
    for line in text.splitlines():
        forms = tuple(f for f in (part.strip() for part in line.split("#", 1)[0].split("|")) if f)
        if len(forms) > 1:
            groups.append(forms)
    return tuple(groups)


def read_lexicon(root: Path) -> Lexicon:
    """The bundled lexicon, followed by the corpus's own ``lexique.txt`` when it has one inside its root."""
    groups = parse_lexicon(BUNDLED.read_text(encoding="utf-8"))
    own = root / CORPUS_FILE
    try:
        inside = own.resolve().is_relative_to(root.resolve())
        if inside and own.is_file() and own.stat().st_size <= MAX_BYTES:
            groups += parse_lexicon(decode_text(own.read_bytes()) or "")
    except OSError:
        pass  # an unreadable extension must not stop indexing: the bundled lexicon still applies
    return groups

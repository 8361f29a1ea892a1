"""The vocabulary of the programme, as data: groups of equivalent forms (acronym, full form, everyday words,
auto-caption mis-hearings). The bundled lexicon ships with the product; a corpus may add its own
``lexique.txt`` at its root, in the same plain format, which staff extend without a developer."""

from __future__ import annotations

from pathlib import Path

from ingest.staff_files import read_staff_file, without_comment

BUNDLED = Path(__file__).with_name("data") / "lexique.txt"
CORPUS_FILE = "lexique.txt"

Lexicon = tuple[tuple[str, ...], ...]  # groups of equivalent forms


def _forms(line: str) -> tuple[str, ...]:
    return tuple(f for f in (part.strip() for part in without_comment(line).split("|")) if f)


def parse_lexicon(text: str) -> Lexicon:
    """One group per line, forms separated by « | »; « # » starts a comment; groups of one form are dropped."""
    return tuple(forms for forms in map(_forms, text.splitlines()) if len(forms) > 1)


def read_lexicon(root: Path) -> tuple[Lexicon, list[str]]:
    """The bundled lexicon followed by the corpus's own ``lexique.txt`` when it has one inside its root, and what
    staff should know of that file (French lines for the re-index summary: how many notions it adds, which
    lines were left out, why it was not read)."""
    own, notes = _corpus_lexicon(root)
    return parse_lexicon(BUNDLED.read_text(encoding="utf-8")) + own, notes


def _corpus_lexicon(root: Path) -> tuple[Lexicon, list[str]]:
    text, notes = read_staff_file(root, CORPUS_FILE, "un lexique", "seul le lexique livré s'applique")
    if text is None:
        return (), notes
    groups = parse_lexicon(text)
    notes = [f"Lexique du corpus ({CORPUS_FILE}) : {len(groups)} notion(s) ajoutée(s) au lexique livré."]
    lone = [number for number, line in enumerate(text.splitlines(), start=1) if len(_forms(line)) == 1]
    if lone:
        shown = ", ".join(map(str, lone[:10])) + (" …" if len(lone) > 10 else "")
        notes.append(f"⚠ {CORPUS_FILE}, ligne(s) {shown} : une seule forme, ligne ignorée (séparez les formes "
                     "équivalentes par « | », par exemple « PLH | programme local de l'habitat »).")
    return groups, notes

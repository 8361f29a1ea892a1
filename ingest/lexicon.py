"""The vocabulary of the programme, as data: groups of equivalent forms (acronym, full form, everyday words,
auto-caption mis-hearings). The bundled lexicon ships with the product; a corpus may add its own
``lexique.txt`` at its root, in the same plain format, which staff extend without a developer."""

from __future__ import annotations

from pathlib import Path

from ingest.corpus_paths import OutsideCorpus, inside
from ingest.encodings import decode_text
from ingest.errors import FileAccessError

BUNDLED = Path(__file__).with_name("data") / "lexique.txt"
CORPUS_FILE = "lexique.txt"
MAX_BYTES = 1_000_000  # a lexicon is a page or two; anything larger is not one

Lexicon = tuple[tuple[str, ...], ...]  # groups of equivalent forms


def _forms(line: str) -> tuple[str, ...]:
    return tuple(f for f in (part.strip() for part in line.split("#", 1)[0].split("|")) if f)


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
    """A file that cannot be taken never stops indexing: the bundled lexicon still applies."""
    if not (root / CORPUS_FILE).exists() and not (root / CORPUS_FILE).is_symlink():
        return (), []
    try:
        own = inside(root, CORPUS_FILE)
        if not own.is_file() or own.stat().st_size > MAX_BYTES:
            return (), [f"⚠ {CORPUS_FILE} n'est pas un lexique (un dossier, ou plus de 1 Mo) : il n'est pas lu."]
        text = decode_text(own.read_bytes())
    except OutsideCorpus as refused:
        why = ("il mène hors du dossier du corpus : remplacez le lien par une copie du fichier"
               if refused.target is not None else refused.reason.rstrip("."))
        return (), [f"⚠ {CORPUS_FILE} n'est pas lu : {why}."]
    except OSError as exc:
        return (), [f"⚠ {CORPUS_FILE} est illisible ({FileAccessError.describe(exc)}) : seul le lexique livré "
                    "s'applique."]
    if text is None:
        return (), [f"⚠ {CORPUS_FILE} n'est pas un texte lisible (enregistrez-le en UTF-8) : il n'est pas lu."]
    groups = parse_lexicon(text)
    notes = [f"Lexique du corpus ({CORPUS_FILE}) : {len(groups)} notion(s) ajoutée(s) au lexique livré."]
    lone = [number for number, line in enumerate(text.splitlines(), start=1) if len(_forms(line)) == 1]
    if lone:
        shown = ", ".join(map(str, lone[:10])) + (" …" if len(lone) > 10 else "")
        notes.append(f"⚠ {CORPUS_FILE}, ligne(s) {shown} : une seule forme, ligne ignorée (séparez les formes "
                     "équivalentes par « | », par exemple « PLH | programme local de l'habitat »).")
    return groups, notes

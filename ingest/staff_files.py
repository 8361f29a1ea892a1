"""Plain-text files that CAUE staff keep at the corpus root (``lexique.txt``, ``hors-sujet.txt``): each adds to
what the product ships, and one that cannot be taken never stops indexing: the bundled data still applies."""

from __future__ import annotations

from pathlib import Path

from ingest.corpus_paths import OutsideCorpus, inside
from ingest.encodings import decode_text
from ingest.errors import FileAccessError

MAX_BYTES = 1_000_000  # such a file is a page or two; anything larger is not one


def read_staff_file(root: Path, name: str, kind: str, fallback: str) -> tuple[str | None, list[str]]:
    """The text of ``root/name`` (None when the corpus has no such file, or it cannot be taken), and what staff
    should know when it was not read (French lines for the re-index summary). ``kind``: what the file should be
    (« un lexique »); ``fallback``: what applies without it (« seul le lexique livré s'applique »)."""
    if not (root / name).exists() and not (root / name).is_symlink():
        return None, []
    try:
        own = inside(root, name)
        if not own.is_file() or own.stat().st_size > MAX_BYTES:
            return None, [f"⚠ {name} n'est pas {kind} (un dossier, ou plus de 1 Mo) : il n'est pas lu."]
        text = decode_text(own.read_bytes())
    except OutsideCorpus as refused:
        why = ("il mène hors du dossier du corpus : remplacez le lien par une copie du fichier"
               if refused.target is not None else refused.reason.rstrip("."))
        return None, [f"⚠ {name} n'est pas lu : {why}."]
    except OSError as exc:
        return None, [f"⚠ {name} est illisible ({FileAccessError.describe(exc)}) : {fallback}."]
    if text is None:
        return None, [f"⚠ {name} n'est pas un texte lisible (enregistrez-le en UTF-8) : il n'est pas lu."]
    return text, []


def without_comment(line: str) -> str:
    """A line of a staff file without its « # » comment and surrounding spaces."""
    return line.split("#", 1)[0].strip()

"""Paths inside the corpus: nothing outside the corpus root is ever read, whatever the catalogue says.

A path from cycle.toml or a file found under ``fiches/`` or ``transcripts/`` is resolved (``..`` and symbolic
links) and must land inside the resolved corpus root; its canonical spelling, relative to that root, is what
the rest of the pipeline uses, so ``fiches/../fiches/x.pdf`` and ``fiches/x.pdf`` are one document.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ingest.safe_text import has_controls

CATALOGUE_FILE = "cycle.toml"
FICHES_DIR = "fiches"
TRANSCRIPTS_DIR = "transcripts"
#: The folders whose files are found without being named in the catalogue.
SCANNED_DIRS = (FICHES_DIR, TRANSCRIPTS_DIR)

_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:|\\\\)")


class OutsideCorpus(Exception):
    """A path that must not be read; ``reason`` is a French clause saying why and what to do."""

    def __init__(self, reason: str, target: Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.target = target  # where the path really leads, when it leads out of the corpus


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop (Python < 3.13)
        raise OutsideCorpus("le chemin ne peut pas être résolu (lien symbolique en boucle ?) : "
                            "remplacez le lien par le fichier lui-même.") from error


def canonical(root: Path, value: str) -> str:
    """The canonical spelling of ``value`` (relative to ``root``), or OutsideCorpus if it escapes the root.

    The file need not exist: callers say « introuvable » themselves.
    """
    if has_controls(value):
        raise OutsideCorpus("le nom contient des caractères de contrôle : renommez le fichier avec des "
                            "lettres, chiffres, tirets ou espaces.")
    if _ABSOLUTE.match(value):
        raise OutsideCorpus("le chemin est absolu : écrivez-le relativement au dossier du corpus, par exemple "
                            "fiches/programme.pdf.")
    real_root = _resolve(root)
    target = _resolve(real_root / PurePosixPath(value.replace("\\", "/")))
    try:
        relative = target.relative_to(real_root)
    except ValueError:
        raise OutsideCorpus(
            f"le chemin mène hors du dossier du corpus ({target}) : déposez le fichier dans le corpus "
            "(fiches/ ou transcripts/) et indiquez ce chemin-là ; les « .. » et les liens symboliques vers "
            "l'extérieur sont refusés.", target,
        ) from None
    if not relative.parts:
        raise OutsideCorpus("le chemin désigne le dossier du corpus lui-même : indiquez un fichier.")
    return relative.as_posix()


def inside(root: Path, value: str) -> Path:
    """The file ``value`` names, checked to be inside ``root`` (OutsideCorpus otherwise): the path to open."""
    return _resolve(root) / canonical(root, value)


@dataclass(frozen=True)
class Escape:
    """An entry under a scanned folder that must not be read."""

    path: str  # as found, relative to the corpus root
    reason: str


def _walk(root: Path, top: str) -> Iterator[str]:
    """Every entry under ``root/top`` (relative to ``root``), symbolic links listed but not followed."""
    for folder, dirs, files in os.walk(root / top, followlinks=False):
        for name in sorted(dirs) + sorted(files):
            yield (Path(folder) / name).relative_to(root).as_posix()


def scanned_files(root: Path) -> tuple[dict[str, str], list[Escape]]:
    """The files under ``fiches/`` and ``transcripts/`` (path as found → canonical path), and the entries refused.

    An entry is refused when it (or the folder itself) resolves outside the corpus or has control
    characters in its name; it is then never read.
    """
    files: dict[str, str] = {}
    escapes: list[Escape] = []
    for top in SCANNED_DIRS:
        if not (root / top).exists() and not (root / top).is_symlink():
            continue
        try:
            canonical(root, top)
        except OutsideCorpus as refused:
            escapes.append(_escape(root, top, refused))
            continue
        for found in _walk(root, top):
            try:
                path = canonical(root, found)
            except OutsideCorpus as refused:
                escapes.append(_escape(root, found, refused))
                continue
            if (root / path).is_file():
                files[found] = path
    return files, escapes


def _escape(root: Path, found: str, refused: OutsideCorpus) -> Escape:
    if refused.target is None or not (root / found).is_symlink():
        return Escape(found, refused.reason)
    return Escape(found, f"c'est un lien symbolique qui mène hors du dossier du corpus ({refused.target}) : "
                         "remplacez-le par une copie du fichier dans le corpus, ou supprimez-le.")

"""The cycle catalogue: ``<corpus>/cycle.toml`` read into a ``Cycle``.

Staff edit this file by hand, so every problem is collected before one ``CatalogueError`` is raised,
each naming the session (or module), the line and the fix, in French.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from ingest.corpus_paths import CATALOGUE_FILE, OutsideCorpus, canonical, scanned_files
from ingest.encodings import decode_text
from ingest.errors import CatalogueError, CatalogueMissingError
from ingest.fiches import SUPPORTED_EXTENSIONS
from ingest.models import Cycle, Module, Session
from ingest.safe_text import strip_controls, visible
from ingest.toml_errors import syntax_problem
from ingest.youtube_url import parse_video_id

_CYCLE_KEYS = ("title", "organiser", "partners")
_MODULE_KEYS = ("id", "title")
_SESSION_KEYS = ("id", "module", "title", "date", "kind", "youtube", "speakers", "fiches", "transcript")
_TOP_KEYS = ("cycle", "module", "session")
# Keys a French speaker may write instead of ours.
_FRENCH_KEYS = {
    "titre": "title", "organisateur": "organiser", "partenaires": "partners", "intervenants": "speakers",
    "type": "kind", "nature": "kind", "format": "kind", "video": "youtube", "vidéo": "youtube",
    "replay": "youtube", "transcription": "transcript", "sous-titres": "transcript", "documents": "fiches",
}
# Example lines for the fix of a missing or mistyped field, by (table, key).
_EXAMPLES = {
    ("cycle", "title"): 'title = "Accompagner les Petites villes de demain dans l\'Aisne"',
    ("cycle", "organiser"): 'organiser = "CAUE de l\'Aisne"',
    ("module", "id"): 'id = "M1"', ("module", "title"): 'title = "Comprendre son territoire"',
    ("session", "id"): 'id = "S01"', ("session", "module"): 'module = "M1"',
    ("session", "title"): 'title = "Lancement du cycle"',
    ("session", "kind"): 'kind = "atelier" (ou "table ronde", "visite", "rencontre"…)',
}
#: Longest title, kind, speaker… a catalogue may hold (a title is repeated in every passage of its session).
MAX_FIELD_CHARS = 500
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")


class _Lines:
    """Line numbers in the TOML text, found by scanning it: tomllib does not keep them."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_\-]+)\s*\]\]?\s*(?:#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str, bool]] = []  # (line number, table name, is array item)
        for number, line in enumerate(self.lines, start=1):
            match = self._HEADER.match(line)
            if match:
                self.headers.append((number, match.group(2), match.group(1) == "[["))
        self._header_lines = {number for number, _, _ in self.headers}

    def table(self, name: str, index: int | None = None) -> int | None:
        """The header line of ``[name]``, or of the ``index``-th ``[[name]]``."""
        found = [n for n, table, array in self.headers if table == name and array == (index is not None)]
        position = 0 if index is None else index
        return found[position] if position < len(found) else None

    def key(self, name: str, index: int | None, key: str) -> int | None:
        """The line of ``key = …`` inside that table (else the table's header line)."""
        start = self.table(name, index)
        if start is None:
            return None
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            if number in self._header_lines:
                break
            if pattern.match(self.lines[number - 1]):
                return number
        return start


def _at(line: int | None) -> str:
    return f", ligne {line}" if line else ""


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _typo(key: str, known: tuple[str, ...]) -> str | None:
    """The known key that ``key`` was probably meant to be."""
    if key.lower() in _FRENCH_KEYS and _FRENCH_KEYS[key.lower()] in known:
        return _FRENCH_KEYS[key.lower()]
    close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.75)
    return close[0] if close else None


def _date_fix(value: Any) -> str:
    if isinstance(value, str):
        for fmt in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
            return f"écrivez date = {parsed.isoformat()} (au format AAAA-MM-JJ, sans guillemets)."
        return (f"« {value} » n'est pas une date valide : écrivez-la au format AAAA-MM-JJ, sans guillemets, "
                "par exemple date = 2021-06-24.")
    return "écrivez la date au format AAAA-MM-JJ, sans guillemets, par exemple date = 2021-06-24."


class _Checker:
    """Collects the problems of one catalogue while building its records."""

    def __init__(self, root: Path, lines: _Lines) -> None:
        self.root = root
        self.lines = lines
        self.problems: list[str] = []

    def add(self, where: str, line: int | None, message: str) -> None:
        self.problems.append(f"{where}{_at(line)} : {message}")

    def unknown_keys(self, table: dict[str, Any], known: tuple[str, ...], where: str,
                     name: str, index: int | None) -> set[str]:
        """Report keys that look like a misspelt known key that is missing; return the keys they stand for.

        Other unknown keys (« lieu », « description »…) are the CAUE's own notes and are left alone.
        """
        meant: set[str] = set()
        for key in table:
            if key in known:
                continue
            guess = _typo(key, known)
            if guess and guess not in table:
                meant.add(guess)
                self.add(where, self.lines.key(name, index, key),
                         f"clé « {key} » inconnue : vouliez-vous écrire « {guess} » ? Renommez-la en {guess}.")
        return meant

    def text(self, table: dict[str, Any], key: str, where: str, name: str, index: int | None,
             required: bool = True) -> str | None:
        value = table.get(key)
        example = _EXAMPLES.get((name, key), f'{key} = "…"')
        if value is None:
            if required:
                self.add(where, self.lines.table(name, index),
                         f"le champ « {key} » manque : ajoutez une ligne {example}.")
            return None
        if not isinstance(value, str) or not strip_controls(value).strip():
            self.add(where, self.lines.key(name, index, key),
                     f"« {key} » doit être un texte non vide entre guillemets, par exemple {example}.")
            return None
        return self.bounded(strip_controls(value).strip(), key, where, self.lines.key(name, index, key))

    def bounded(self, value: str, key: str, where: str, line: int | None) -> str | None:
        """``value`` if it is of a sensible length: every passage carries its session's title."""
        if len(value) <= MAX_FIELD_CHARS:
            return value
        self.add(where, line, f"« {key} » fait {len(value)} caractères : raccourcissez-le à moins de "
                              f"{MAX_FIELD_CHARS} caractères.")
        return None

    def str_list(self, table: dict[str, Any], key: str, where: str, name: str, index: int | None,
                 example: str) -> tuple[str, ...] | None:
        value = table.get(key, [])
        if not _is_str_list(value):
            self.add(where, self.lines.key(name, index, key),
                     f"« {key} » doit être une liste de textes entre crochets, par exemple {key} = {example}.")
            return None
        line = self.lines.key(name, index, key)
        items = (self.bounded(strip_controls(item).strip(), key, where, line) for item in value)
        return tuple(item for item in items if item)

    def path(self, value: str, key: str, where: str, line: int | None) -> str | None:
        """A file of the corpus, in its canonical spelling: inside the corpus root and present on disk."""
        shown = visible(value)
        try:
            relative = canonical(self.root, value)
        except OutsideCorpus as refused:
            self.add(where, line, f"« {shown} » ({key}) : {refused.reason}")
            return None
        if not (self.root / relative).is_file():
            self.add(where, line, f"le fichier « {shown} » ({key}) est introuvable dans {self.root} : "
                                  "vérifiez le nom (majuscules, accents, extension) ou déposez le fichier.")
            return None
        return relative


def _read_text(path: Path) -> str:
    if not path.is_file():
        if path.exists():
            raise CatalogueError(str(path), [f"{path} est un dossier, pas un fichier : créez {CATALOGUE_FILE}."])
        raise CatalogueMissingError(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = f"le fichier ne peut pas être lu ({exc.strerror}) : vérifiez ses droits."
        raise CatalogueError(str(path), [problem]) from exc
    text = decode_text(data)
    if text is None:
        raise CatalogueError(str(path), [
            "le fichier n'est pas du texte UTF-8 : enregistrez-le en UTF-8 "
            "(Bloc-notes : Fichier → Enregistrer sous → Encodage UTF-8)."])
    return text


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(str(path), [syntax_problem(str(exc), text.splitlines())]) from exc
    except RecursionError as exc:  # absurdly nested arrays
        raise CatalogueError(str(path), ["imbrication de crochets trop profonde : simplifiez le fichier."]) from exc


def _array(data: dict[str, Any], name: str, check: _Checker) -> list[tuple[int, dict[str, Any]]]:
    """The ``[[name]]`` tables, with their position in the file."""
    value = data.get(name, [])
    if isinstance(value, dict):
        check.add(f"[{name}]", check.lines.table(name), f"écrivez [[{name}]] avec deux crochets de chaque côté.")
        return []
    if not isinstance(value, list):
        check.add(name, None, f"« {name} » doit être une suite de tables [[{name}]].")
        return []
    items = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            items.append((index, item))
        else:
            check.add(f"{name} n°{index + 1}", None, f"chaque {name} doit être une table [[{name}]].")
    return items


def _cycle_header(data: dict[str, Any], check: _Checker) -> tuple[str, str, tuple[str, ...]]:
    table = data.get("cycle")
    if not isinstance(table, dict):
        check.add("[cycle]", None, 'la table [cycle] manque : ajoutez en tête du fichier une ligne [cycle] '
                                  'suivie de title = "Accompagner les Petites villes de demain dans l\'Aisne".')
        return "", "", ()
    meant = check.unknown_keys(table, _CYCLE_KEYS, "[cycle]", "cycle", None)
    title = check.text(table, "title", "[cycle]", "cycle", None, required="title" not in meant) or ""
    organiser = check.text(table, "organiser", "[cycle]", "cycle", None, required=False) or ""
    partners = check.str_list(table, "partners", "[cycle]", "cycle", None, '["DDT de l\'Aisne"]') or ()
    return title, organiser, partners


def _modules(data: dict[str, Any], check: _Checker) -> list[Module]:
    modules: list[Module] = []
    seen: dict[str, int | None] = {}
    for index, table in _array(data, "module", check):
        module_id = table.get("id")
        where = f"Module {module_id}" if isinstance(module_id, str) and module_id else f"Module n°{index + 1}"
        meant = check.unknown_keys(table, _MODULE_KEYS, where, "module", index)
        module_id = check.text(table, "id", where, "module", index, required="id" not in meant)
        title = check.text(table, "title", where, "module", index, required="title" not in meant)
        if module_id is None or title is None:
            continue
        line = check.lines.key("module", index, "id")
        if module_id in seen:
            check.add(where, line, f"l'identifiant « {module_id} » est déjà utilisé par un autre module"
                                   f"{_at(seen[module_id])} : donnez-lui un identifiant unique (M1, M2…).")
            continue
        seen[module_id] = line
        modules.append(Module(module_id, title))
    return modules


def _session(index: int, table: dict[str, Any], module_ids: set[str], check: _Checker) -> Session | None:
    raw_id = table.get("id")
    where = f"Session {raw_id}" if isinstance(raw_id, str) and raw_id.strip() else f"Session n°{index + 1}"
    before = len(check.problems)
    meant = check.unknown_keys(table, _SESSION_KEYS, where, "session", index)
    values = {key: check.text(table, key, where, "session", index, required=key not in meant)
              for key in ("id", "module", "title", "kind")}

    def line(key: str) -> int | None:
        return check.lines.key("session", index, key)

    if values["module"] and values["module"] not in module_ids:
        declared = ", ".join(sorted(module_ids)) or "aucun"
        check.add(where, line("module"), f"le module « {values['module']} » n'existe pas (modules déclarés : "
                                         f"{declared}) : corrigez module = … ou ajoutez un [[module]] "
                                         f"avec id = \"{values['module']}\".")
    date = table.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    if date is None:
        if "date" not in meant:
            check.add(where, check.lines.table("session", index), "le champ « date » manque : ajoutez une ligne "
                                                                  "date = 2021-06-24 (AAAA-MM-JJ, sans guillemets).")
    elif not isinstance(date, dt.date):
        shown = f"« {date} »" if isinstance(date, str) else str(date)
        check.add(where, line("date"), f"la date {shown} n'est pas une date TOML : {_date_fix(date)}")
        date = None

    youtube_id = None
    youtube = table.get("youtube")
    if isinstance(youtube, str) and youtube.strip():
        youtube_id = parse_video_id(youtube)
        if youtube_id is None:
            check.add(where, line("youtube"),
                      f"le lien YouTube « {youtube} » n'est pas reconnu : copiez l'adresse de la vidéo "
                      "(https://www.youtube.com/watch?v=… ou https://youtu.be/…) "
                      "ou son identifiant de 11 caractères.")
    elif youtube is not None and not isinstance(youtube, str):
        check.add(where, line("youtube"), 'le lien YouTube doit être un texte entre guillemets : '
                                          'youtube = "https://youtu.be/…".')

    speakers = check.str_list(table, "speakers", where, "session", index, '["Nom Prénom", "Autre intervenant"]')
    fiches = check.str_list(table, "fiches", where, "session", index, '["fiches/programme.pdf"]')
    attached: list[str] = []
    for document in fiches or ():
        relative = check.path(document, "fiches", where, line("fiches"))
        if relative is None:
            continue
        if PurePosixPath(relative).suffix.lower() not in SUPPORTED_EXTENSIONS:
            check.add(where, line("fiches"), f"le format de « {relative} » n'est pas lu : enregistrez-le en "
                                             ".docx, .pdf, .txt ou .md.")
        if relative not in attached:  # one file, however it is spelt
            attached.append(relative)
    transcript = table.get("transcript")
    if transcript is not None:
        if isinstance(transcript, str) and transcript.strip():
            transcript = check.path(transcript.strip(), "transcript", where, line("transcript"))
        else:
            check.add(where, line("transcript"), 'le champ transcript doit être un chemin entre guillemets : '
                                                 'transcript = "transcripts/S01.vtt".')
            transcript = None

    if len(check.problems) > before or date is None or None in values.values():
        return None
    return Session(
        id=values["id"], module=values["module"], title=values["title"], date=date, kind=values["kind"],
        youtube_id=youtube_id, speakers=speakers or (), fiches=tuple(attached), transcript=transcript,
    )


def _check_scanned_folders(corpus_root: Path, check: _Checker) -> None:
    """Links under fiches/ and transcripts/ that lead out of the corpus are errors: they are never read."""
    for escape in scanned_files(corpus_root)[1]:
        check.add(f"Fichier {visible(escape.path)}", None, escape.reason)


def load_cycle(corpus_root: Path) -> Cycle:
    """Read and check ``<corpus_root>/cycle.toml``; sessions come sorted by date, then id.

    Raises ``CatalogueError`` listing every problem found (``CatalogueMissingError`` without the file).
    """
    path = corpus_root / CATALOGUE_FILE
    text = _read_text(path)
    data = _parse(path, text)
    check = _Checker(corpus_root, _Lines(text))
    for key in data:
        if key not in _TOP_KEYS and (guess := _typo(key, _TOP_KEYS)):
            check.add(f"[{key}]", check.lines.table(key) or check.lines.table(key, 0),
                      f"table « {key} » inconnue : vouliez-vous écrire [[{guess}]] ou [{guess}] ?")
    title, organiser, partners = _cycle_header(data, check)
    modules = _modules(data, check)
    module_ids = {module.id for module in modules}
    sessions: list[Session] = []
    first_line: dict[str, int | None] = {}
    for index, table in _array(data, "session", check):
        session = _session(index, table, module_ids, check)
        raw_id = table.get("id")
        if isinstance(raw_id, str) and raw_id.strip():
            session_id = raw_id.strip()
            line = check.lines.key("session", index, "id")
            if session_id in first_line:
                check.add(f"Session {session_id}", line,
                          f"l'identifiant « {session_id} » est déjà pris par une autre session"
                          f"{_at(first_line[session_id])} : chaque session a un id unique (S01, S02…).")
                continue
            first_line[session_id] = line
        if session is not None:
            sessions.append(session)
    _check_scanned_folders(corpus_root, check)
    if check.problems:
        raise CatalogueError(str(path), check.problems)
    sessions.sort(key=lambda s: (s.date, s.id))
    return Cycle(title=title, organiser=organiser, partners=partners, modules=tuple(modules),
                 sessions=tuple(sessions), root=corpus_root)

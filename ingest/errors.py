"""The project's one exception family.

Every error a person can meet says, in French, what went wrong (``cause``) and what to do about it
(``fix``). The CLI and the Discord bot print ``str(error)``; they never show a traceback.
"""

from __future__ import annotations

import errno

from ingest.safe_text import strip_controls


class PvdError(Exception):
    """Root of every error pvd-assistant raises on purpose."""

    cause: str = "Une erreur inattendue s'est produite."
    fix: str = ""

    def __init__(self, cause: str | None = None, fix: str | None = None) -> None:
        # Messages quote file contents and names: they must not carry terminal escape sequences.
        if cause is not None:
            self.cause = strip_controls(cause)
        if fix is not None:
            self.fix = strip_controls(fix)
        super().__init__(self.cause)

    def __str__(self) -> str:
        return f"{self.cause}\n→ {self.fix}" if self.fix else self.cause


class CatalogueError(PvdError):
    """cycle.toml is unreadable or inconsistent; ``problems`` lists every finding, not just the first."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"Le catalogue {path} contient {len(problems)} erreur(s) :\n{listing}",
            "Corrigez ces lignes dans cycle.toml puis relancez « pvd ingest ». "
            "L'index déjà construit reste en service en attendant.",
        )


class CaptionError(PvdError):
    """A caption file cannot be read."""


class FicheError(PvdError):
    """A fiche (document) cannot be read."""


class TranscriptFetchError(PvdError):
    """YouTube did not give a transcript for a session."""

    fix = (
        "Exportez les sous-titres depuis YouTube Studio (Sous-titres → ⋮ → Télécharger, format .vtt ou .srt), "
        "déposez le fichier dans transcripts/ et indiquez-le dans cycle.toml (transcript = \"transcripts/…\")."
    )


class IndexError_(PvdError):
    """Base for problems with the index directory (named to avoid shadowing the builtin)."""


class IndexMissingError(IndexError_):
    fix = "Construisez l'index avec « pvd ingest »."


class IndexCorruptError(IndexError_):
    fix = "Reconstruisez l'index avec « pvd ingest --rebuild »."


class ModelMismatchError(IndexError_):
    fix = (
        "Reconstruisez l'index avec le modèle voulu (« pvd ingest --rebuild »), "
        "ou remettez PVD_EMBEDDING_MODEL sur le modèle de l'index."
    )


class ConfigError(PvdError):
    """A setting from the environment or .env is invalid."""


class FileAccessError(PvdError):
    """A file or folder cannot be read or written: rights, a read-only disk, a file where a folder belongs...

    ``describe`` says in French what the system reported in English ("[Errno 21] Is a directory", "'utf-8' codec
    can't decode..."); the CLI turns any such exception it meets into this error rather than a traceback.
    """

    fix = "Vérifiez le chemin et les droits sur ce dossier, puis relancez la commande."

    _ERRNO = {
        errno.EACCES: "permission refusée", errno.EPERM: "opération non permise",
        errno.EROFS: "le disque est en lecture seule", errno.EISDIR: "c'est un dossier, pas un fichier",
        errno.ENOTDIR: "une partie du chemin est un fichier, pas un dossier",
        errno.ENOENT: "fichier ou dossier introuvable", errno.EEXIST: "un fichier de ce nom existe déjà",
        errno.ENOSPC: "le disque est plein", errno.EDQUOT: "le quota de disque est atteint",
        errno.ENAMETOOLONG: "le nom est trop long", errno.ELOOP: "trop de liens symboliques en boucle",
        errno.EMFILE: "trop de fichiers ouverts", errno.EIO: "erreur de lecture du disque",
    }
    _FIXES = {
        errno.EACCES: "Donnez à l'utilisateur qui lance pvd le droit d'écrire dans ce dossier, ou choisissez-en un "
                      "autre (option --index, ou PVD_DATA_DIR dans .env).",
        errno.ENOTDIR: "Ce chemin doit désigner un dossier : corrigez l'option --index ou PVD_DATA_DIR (dans .env).",
        errno.EISDIR: "Ce chemin doit désigner un fichier, pas un dossier : corrigez-le.",
        errno.ENOSPC: "Libérez de la place sur le disque, puis relancez la commande.",
    }

    @classmethod
    def describe(cls, exc: BaseException) -> str:
        """A short French phrase for a system or format exception (no path: the caller names the file)."""
        if isinstance(exc, UnicodeDecodeError):
            return f"le contenu n'est pas du texte UTF-8 valide (octet n° {exc.start + 1})"
        if isinstance(exc, OSError) and exc.errno is not None:
            return cls._ERRNO.get(exc.errno, f"erreur système n° {exc.errno}")
        if isinstance(exc, EOFError):
            return "fichier tronqué"
        if isinstance(exc, KeyError):
            return f"donnée manquante : {exc.args[0] if exc.args else '?'}"
        if exc.__class__.__module__ == "sqlite3" or exc.__class__.__name__.endswith("DatabaseError"):
            text = str(exc).lower()
            for english, french in (("locked", "base verrouillée par un autre programme"),
                                    ("not a database", "ce n'est pas une base SQLite"),
                                    ("unable to open", "impossible d'ouvrir la base"),
                                    ("readonly", "base en lecture seule"), ("malformed", "base endommagée")):
                if english in text:
                    return french
            return "base SQLite endommagée ou inaccessible"
        if isinstance(exc, ValueError) and exc.__class__.__name__ == "JSONDecodeError":
            return f"JSON invalide (ligne {getattr(exc, 'lineno', '?')})"
        if isinstance(exc, (ValueError, TypeError)):
            return "contenu d'un format inattendu"
        return "erreur inattendue"

    @classmethod
    def from_exception(cls, exc: BaseException, path: object = None) -> FileAccessError:
        """The French error for ``exc``, naming ``path`` (else the file the system named)."""
        where = path if path is not None else getattr(exc, "filename", None)
        detail = cls.describe(exc)
        cause = f"Impossible d'accéder à « {where} » : {detail}." if where else f"Erreur d'accès à un fichier : {detail}."
        if isinstance(exc, UnicodeDecodeError):
            cause = f"« {where} » n'est pas du texte UTF-8 valide (octet n° {exc.start + 1})." if where else cause
            return cls(cause, "Ré-enregistrez ce fichier en UTF-8 (dans le Bloc-notes : Enregistrer sous → Encodage "
                              "UTF-8), puis relancez la commande.")
        code = exc.errno if isinstance(exc, OSError) else None
        same_fix = {errno.EPERM: errno.EACCES, errno.EROFS: errno.EACCES, errno.EEXIST: errno.ENOTDIR}
        fix = cls._FIXES.get(same_fix.get(code, code))  # type: ignore[arg-type]
        return cls(cause, fix)


class QuestionTooLongError(PvdError):
    """A question over the length limit (PVD_MAX_QUESTION_CHARS): refused before any work is done."""

    fix = "Reformulez-la en une ou deux phrases (la limite se règle avec PVD_MAX_QUESTION_CHARS dans .env)."

    def __init__(self, length: int, limit: int, unit: str = "caractères") -> None:
        self.length = length
        self.limit = limit
        super().__init__(f"La question est trop longue : {length} {unit}, pour une limite de {limit} caractères.")

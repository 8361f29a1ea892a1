"""The project's one exception family.

Every error a person can meet says, in French, what went wrong (``cause``) and what to do about it
(``fix``). The CLI and the Discord bot print ``str(error)``; they never show a traceback.
"""

from __future__ import annotations

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

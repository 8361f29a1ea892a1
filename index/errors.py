"""The errors of the index layer: the index directory, and the settings this layer reads.

Each says in French what went wrong and what to do (see ``ingest.errors.PvdError``, the family's root).
"""

from __future__ import annotations

from ingest.errors import PvdError


class IndexStoreError(PvdError):
    """Base for problems with the index directory: missing, damaged, built with another model, busy."""


class IndexMissingError(IndexStoreError):
    fix = "Construisez l'index avec « pvd ingest »."


class IndexCorruptError(IndexStoreError):
    fix = "Reconstruisez l'index avec « pvd ingest --rebuild »."


class ModelMismatchError(IndexStoreError):
    fix = (
        "Reconstruisez l'index avec le modèle voulu (« pvd ingest --rebuild »), "
        "ou remettez PVD_EMBEDDING_MODEL sur le modèle de l'index."
    )


class IngestBusyError(IndexStoreError):
    cause = "Une autre indexation est déjà en cours sur cet index."
    fix = "Attendez qu'elle se termine, puis relancez « pvd ingest » si besoin."


class ConfigError(PvdError):
    """A setting from the environment or .env is invalid (here: the embedding model; the bot's own settings too)."""

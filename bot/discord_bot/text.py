"""Text helpers for Discord: limits, truncation, mention neutralising, French dates. Pure functions."""

from __future__ import annotations

from collections.abc import Iterator

from discord.utils import escape_mentions

from bot.compose import french_date  # noqa: F401  (re-exported for the renderers)
from index.text import fold  # noqa: F401  (re-exported: matching what people type)

# Discord's documented limits (characters unless stated).
MESSAGE_CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
EMBED_FIELDS = 25  # fields per embed
EMBED_TOTAL = 6000  # per embed, and per message across all its embeds
EMBEDS_PER_MESSAGE = 10
FOOTER_TEXT = 2048
BUTTON_LABEL = 80
BUTTON_URL = 512
CHOICES = 25  # autocomplete choices
CHOICE_NAME = 100
CHOICE_VALUE = 100

ELLIPSIS = "…"



def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, on a word boundary when one is near, ending with « … »."""
    limit = max(0, limit)
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; otherwise cut mid-word
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—\n") + ELLIPSIS


def neutralise(text: str) -> str:
    """Echoed text can never ping: @everyone, @here and <@id>/<@&id> mentions get a zero-width space."""
    return escape_mentions(text)


def split_message(text: str, limit: int = MESSAGE_CONTENT) -> Iterator[str]:
    """Pieces of ``text`` of at most ``limit`` characters, cut at line ends when possible."""
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = limit
        yield rest[:cut]
        rest = rest[cut:].lstrip("\n")
    if rest:
        yield rest


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count <= 1 else (plural_form or singular + 's')}"

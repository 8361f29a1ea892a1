"""pvd-assistant on Discord: slash commands in French, answers with replay links, 👍/👎 feedback.

``run_bot`` is what ``pvd bot`` calls; everything it needs is passed in (settings, engine, re-index).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import discord

from bot.discord_bot.client import create_bot
from bot.discord_bot.logs import configure_logging
from bot.discord_bot.protocols import AnswerEngine, Reindex
from bot.discord_bot.ratelimit import RateLimiter
from bot.discord_bot.render import answer_embed, render_session, render_sessions
from bot.errors import BotConfigError, BotConnectionError, BotLoginError
from bot.feedback import FeedbackStore
from bot.settings import Settings

__all__ = [
    "AnswerEngine", "BotConfigError", "BotConnectionError", "BotLoginError", "RateLimiter", "Reindex",
    "answer_embed", "configure_logging", "create_bot", "render_session", "render_sessions", "run_bot", "serve",
]

log = logging.getLogger(__name__)


def require_token(settings: Settings) -> str:
    if not settings.discord_token:
        raise BotConfigError(
            "Le jeton du bot Discord (DISCORD_TOKEN) n'est pas configuré.",
            "Ajoutez la ligne DISCORD_TOKEN=votre-jeton au fichier .env du dossier où vous lancez « pvd bot » "
            "(voir .env.example) ; le jeton se copie depuis le portail développeur Discord (Bot → Reset Token).",
        )
    return settings.discord_token


async def serve(settings: Settings, engine: AnswerEngine, reindex: Reindex, *, sync_global: bool = False,
                message_content: bool = False, feedback: FeedbackStore | None = None) -> None:
    """Connect and answer until the connection is closed. Discord's failures become French PvdErrors."""
    token = require_token(settings)
    store = feedback or FeedbackStore(settings.feedback_db)
    async with create_bot(settings, engine, reindex, store, sync_global=sync_global,
                          message_content=message_content) as bot:
        try:
            with _close_on_sigterm(bot):
                await bot.start(token)
        except discord.LoginFailure:
            raise BotLoginError() from None
        except discord.PrivilegedIntentsRequired:
            raise BotConfigError(
                "Discord refuse l'intent « Message Content » demandé par le bot.",
                "Activez « Message Content Intent » dans le portail développeur (Bot → Privileged Gateway "
                "Intents), ou lancez le bot sans cette option : les mentions et les commandes marchent sans.",
            ) from None
        except OSError as error:  # aiohttp's connection errors are OSErrors
            raise BotConnectionError(f"Impossible de joindre Discord ({error.__class__.__name__}).") from None


@contextmanager
def _close_on_sigterm(bot: discord.Client) -> Iterator[None]:
    """`systemctl stop` sends SIGTERM: close the connection cleanly instead of dying mid-reply."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def run_bot(settings: Settings, engine: AnswerEngine, reindex: Reindex, *, sync_global: bool = False,
            message_content: bool = False) -> None:
    """Run the bot until interrupted (Ctrl-C or the service stopping). Raises PvdError on a setup problem."""
    require_token(settings)  # before logging is set up or anything is opened
    configure_logging()
    try:
        asyncio.run(serve(settings, engine, reindex, sync_global=sync_global, message_content=message_content))
    except KeyboardInterrupt:
        log.info("Bot arrêté.")

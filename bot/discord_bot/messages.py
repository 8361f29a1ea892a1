"""Questions asked in the chat: a message that mentions the bot, or a reply to one of its messages.

Discord delivers the text of such messages even without the privileged message-content intent; when it
is empty anyway (intent off, or a bare mention), the bot answers with its help.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from contextlib import suppress

import discord

from bot.discord_bot import text as t
from bot.discord_bot.live import LiveEdits
from bot.discord_bot.questions import QuestionDesk, Refusal
from bot.discord_bot.render import answer_embed, render_partial
from bot.discord_bot.replies import APOLOGY, NO_PINGS, channel_label
from ingest.errors import PvdError

log = logging.getLogger(__name__)


def addressed_question(message: discord.Message, bot_id: int) -> str | None:
    """The question a message puts to the bot (possibly empty), or None when it is not addressed to it.

    @everyone / @here and role mentions do not count: only a mention of the bot itself or a reply to it.
    """
    if message.author.bot:
        return None
    mentioned = any(user.id == bot_id for user in message.mentions)
    reference = message.reference
    replied = (reference is not None and isinstance(reference.resolved, discord.Message)
               and reference.resolved.author.id == bot_id)
    if not (mentioned or replied):
        return None
    return re.sub(rf"<@!?{bot_id}>", " ", message.content)


def mention_handler(desk: QuestionDesk) -> Callable[[discord.Message, int], Awaitable[None]]:
    """What the client calls with every message it sees (and its own user id): questions addressed to the bot
    are answered through ``desk``, other messages are ignored."""

    async def on_message(message: discord.Message, bot_id: int) -> None:
        question = addressed_question(message, bot_id)
        if question is not None:
            await answer_message(desk, message, question)

    return on_message


async def answer_message(desk: QuestionDesk, message: discord.Message, raw: str) -> None:
    """Reply in the thread of the message; refusals and errors too (a chat message cannot be private)."""
    screened = desk.screen(raw, message.author.id)
    if isinstance(screened, Refusal):
        await _reply_text(message, screened.text)
        return
    with suppress(discord.HTTPException):
        await message.channel.typing()  # « Assistant PVD est en train d'écrire… » while the engine works
    reply: discord.Message | None = None  # the reply, once a written answer has started to show

    async def show(text: str) -> None:
        nonlocal reply
        embed = render_partial(screened, text)
        if reply is None:
            reply = await message.reply(embed=embed, allowed_mentions=NO_PINGS)
        else:
            await reply.edit(embed=embed, allowed_mentions=NO_PINGS)

    live = LiveEdits(show) if desk.writes else None
    try:
        answer, answer_id = await desk.answer(screened, message.author.id, channel_label(message.channel.id),
                                              on_text=live.push if live else None)
    except Exception as exc:
        if live is not None:
            await live.finish()
        if reply is not None:  # the text shown so far goes: the error takes its place
            with suppress(discord.HTTPException):
                await reply.delete()
        if isinstance(exc, PvdError):
            await _reply_text(message, str(exc))
        else:
            log.exception("Erreur inattendue en répondant au message %s", message.id)
            await _reply_text(message, APOLOGY)
        return
    if live is not None:
        await live.finish()
    embed, view = answer_embed(answer, answer_id, votes=desk.votes)
    try:
        if reply is not None:  # the written text is on screen: the card takes its place
            await reply.edit(embed=embed, view=view, allowed_mentions=NO_PINGS)
            return
        await message.reply(embed=embed, view=view, allowed_mentions=NO_PINGS)
    except discord.HTTPException as error:  # e.g. the bot may read this channel but not write in it
        log.warning("Réponse au message %s non envoyée (%s %s)", message.id, error.status, error.text)


async def _reply_text(message: discord.Message, text: str) -> None:
    try:
        await message.reply(t.truncate(t.neutralise(text), t.MESSAGE_CONTENT), allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        log.warning("Impossible de répondre au message %s", message.id, exc_info=True)

"""The slash commands, in French. Thin: checks, then the pure modules (questions, render, catalogue)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_bot import catalogue
from bot.discord_bot import text as t
from bot.discord_bot.access import staff_only
from bot.discord_bot.live import LiveEdits
from bot.discord_bot.questions import Refusal
from bot.discord_bot.render import HELP_TEXT, render_answer, render_session, render_sessions, sessions_header
from bot.discord_bot.replies import NO_PINGS, channel_label, send_private
from ingest.errors import PvdError

if TYPE_CHECKING:
    from bot.discord_bot.client import PvdBot

log = logging.getLogger(__name__)

MAX_SUMMARY_MESSAGES = 5


def register_commands(tree: app_commands.CommandTree[PvdBot]) -> None:
    """Adds /question, /sessions, /session, /aide and /reindexer to ``tree``."""

    @tree.command(name="question")
    @app_commands.describe(texte="Votre question, en une ou deux phrases")
    async def question(interaction: discord.Interaction[PvdBot], texte: str) -> None:
        """Posez une question sur le cycle : réponse avec le lien vers le passage du replay."""
        await ask(interaction, texte)

    @tree.command(name="sessions")
    async def sessions(interaction: discord.Interaction[PvdBot]) -> None:
        """Liste les séances du cycle par module, avec les liens vers les replays."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        cycle = await asyncio.to_thread(lambda: interaction.client.engine.cycle)
        messages = render_sessions(cycle)
        await interaction.followup.send(sessions_header(cycle), embeds=messages[0], ephemeral=True,
                                        allowed_mentions=NO_PINGS)
        for embeds in messages[1:]:
            await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS)

    @tree.command(name="session")
    @app_commands.rename(session_id="id")
    @app_commands.describe(session_id="Identifiant de la séance (S01…) ou mots de son titre")
    async def session(interaction: discord.Interaction[PvdBot], session_id: str) -> None:
        """Détail d'une séance : date, format, intervenants, fiches et replay."""
        await interaction.response.defer(thinking=True)
        cycle = await asyncio.to_thread(lambda: interaction.client.engine.cycle)
        found = catalogue.find_session(cycle, session_id)
        if found is None:
            await send_private(interaction, f"Aucune séance ne correspond à « {t.truncate(session_id, 100)} ». "
                                            "Tapez /sessions pour voir la liste des séances.")
            return
        embed, view = render_session(found, cycle)
        await interaction.followup.send(embed=embed, view=view, allowed_mentions=NO_PINGS)

    @session.autocomplete("session_id")
    async def session_autocomplete(interaction: discord.Interaction[PvdBot],
                                   current: str) -> list[app_commands.Choice[str]]:
        try:
            cycle = await asyncio.to_thread(lambda: interaction.client.engine.cycle)
        except PvdError:
            return []  # no index yet: the command itself will say so
        choices = [catalogue.session_choice(s) for s in catalogue.matching_sessions(cycle, current)]
        return [app_commands.Choice(name=name, value=value) for name, value in choices[: t.CHOICES]]

    @tree.command(name="aide")
    async def aide(interaction: discord.Interaction[PvdBot]) -> None:
        """Comment poser une question et ce que l'assistant sait faire."""
        await interaction.response.send_message(HELP_TEXT, ephemeral=True, allowed_mentions=NO_PINGS)

    @tree.command(name="reindexer")
    @app_commands.guild_only()
    @app_commands.check(staff_only)
    async def reindexer(interaction: discord.Interaction[PvdBot]) -> None:
        """Réindexe les fiches et les replays du cycle (équipe du CAUE)."""
        await reindex(interaction)


async def ask(interaction: discord.Interaction[PvdBot], raw: str) -> None:
    """/question: refusals answered privately at once; otherwise « réflexion… » publicly, then the answer."""
    bot = interaction.client
    screened = bot.desk.screen(raw, interaction.user.id)
    if isinstance(screened, Refusal):
        await send_private(interaction, screened.text)
        return
    await interaction.response.defer(thinking=True)  # acknowledged well within Discord's 3 seconds
    live = None
    if getattr(bot.engine, "writer", None) is not None:  # a written answer: shown as it is generated
        live = LiveEdits(screened, lambda embed: interaction.edit_original_response(embed=embed,
                                                                                    allowed_mentions=NO_PINGS))
    try:
        answer, answer_id = await bot.desk.answer(screened, interaction.user.id, channel_label(interaction.channel_id),
                                                  on_text=live.push if live else None)
    except PvdError as error:
        await send_private(interaction, str(error))
        return
    finally:
        if live is not None:
            await live.finish()
    embed, view = render_answer(answer, answer_id)
    if live is not None and live.edits:  # the written text is on screen: the card takes its place
        await interaction.edit_original_response(embed=embed, view=view, allowed_mentions=NO_PINGS)
    else:
        await interaction.followup.send(embed=embed, view=view, allowed_mentions=NO_PINGS)


async def reindex(interaction: discord.Interaction[PvdBot]) -> None:
    """/reindexer: one at a time, in a worker thread; the summary privately to the staff member."""
    bot = interaction.client
    if bot.reindex_lock.locked():
        await send_private(interaction, "Une réindexation est déjà en cours ; le résumé sera envoyé à qui l'a lancée.")
        return
    async with bot.reindex_lock:
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("Réindexation demandée par l'utilisateur %s", interaction.user.id)
        try:
            summary = await asyncio.to_thread(bot.reindex)
        except PvdError as error:
            log.warning("Réindexation échouée : %s", error.cause)
            await send_private(interaction, f"La réindexation a échoué ; l'index précédent reste en service.\n{error}")
            return
    log.info("Réindexation terminée")
    pieces = list(t.split_message(t.neutralise(f"Réindexation terminée.\n{summary}")))
    if len(pieces) > MAX_SUMMARY_MESSAGES:
        pieces = pieces[:MAX_SUMMARY_MESSAGES - 1] + ["… (résumé complet : lancez « pvd ingest » dans un terminal)"]
    try:
        for piece in pieces:
            await interaction.followup.send(piece, ephemeral=True, allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        # A re-index longer than Discord's 15-minute interaction token: the summary goes by private message.
        log.warning("Résumé de réindexation non envoyé dans le salon ; envoi en message privé", exc_info=True)
        try:
            for piece in pieces:
                await interaction.user.send(piece, allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.error("Résumé de réindexation impossible à envoyer :\n%s", summary)


"""The slash commands, in French. Thin: checks, then the pure modules (questions, render, session_lookup).

``register_commands`` is given what the commands use and closes over it: nothing is fetched from the client.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

import discord
from discord import app_commands

from bot.discord_bot import session_lookup
from bot.discord_bot import text as t
from bot.discord_bot.access import staff_only
from bot.discord_bot.live import LiveEdits
from bot.discord_bot.protocols import AnswerEngine
from bot.discord_bot.questions import QuestionDesk, Refusal
from bot.discord_bot.reindexing import DONE, PROGRESS_EDIT_SECONDS, ReindexBusy, ReindexDesk, progress_text
from bot.discord_bot.render import (HELP_TEXT, answer_embed, render_partial, render_session, render_sessions,
                                   sessions_header)
from bot.discord_bot.replies import NO_PINGS, channel_label, send_private
from ingest.errors import PvdError

log = logging.getLogger(__name__)

MAX_SUMMARY_MESSAGES = 5


def register_commands(tree: app_commands.CommandTree[Any], *, desk: QuestionDesk, reindex: ReindexDesk,
                      engine: AnswerEngine, staff_role: str | None) -> None:
    """Adds /question, /sessions, /session, /aide and /reindexer to ``tree``. ``engine`` gives the catalogue;
    ``staff_role`` (with the Manage Server permission) may run /reindexer."""

    @tree.command(name="question")
    @app_commands.describe(texte="Votre question, en une ou deux phrases")
    async def question(interaction: discord.Interaction, texte: str) -> None:
        """Posez une question sur le cycle : réponse avec le lien vers le passage du replay."""
        await ask(interaction, texte, desk)

    @tree.command(name="sessions")
    async def sessions(interaction: discord.Interaction) -> None:
        """Liste les séances du cycle par module, avec les liens vers les replays."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        cycle = await asyncio.to_thread(lambda: engine.cycle)
        messages = render_sessions(cycle)
        await interaction.followup.send(sessions_header(cycle), embeds=messages[0], ephemeral=True,
                                        allowed_mentions=NO_PINGS)
        for embeds in messages[1:]:
            await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS)

    @tree.command(name="session")
    @app_commands.rename(session_id="id")
    @app_commands.describe(session_id="Identifiant de la séance (S01…) ou mots de son titre")
    async def session(interaction: discord.Interaction, session_id: str) -> None:
        """Détail d'une séance : date, format, intervenants, fiches et replay."""
        await interaction.response.defer(thinking=True)
        cycle = await asyncio.to_thread(lambda: engine.cycle)
        found = session_lookup.find_session(cycle, session_id)
        if found is None:
            await send_private(interaction, f"Aucune séance ne correspond à « {t.truncate(session_id, 100)} ». "
                                            "Tapez /sessions pour voir la liste des séances.")
            return
        embed, view = render_session(found, cycle)
        await interaction.followup.send(embed=embed, view=view, allowed_mentions=NO_PINGS)

    @session.autocomplete("session_id")
    async def session_autocomplete(interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        try:
            cycle = await asyncio.to_thread(lambda: engine.cycle)
        except PvdError:
            return []  # no index yet: the command itself will say so
        choices = [session_lookup.session_choice(s) for s in session_lookup.matching_sessions(cycle, current)]
        return [app_commands.Choice(name=name, value=value) for name, value in choices[: t.CHOICES]]

    @tree.command(name="aide")
    async def aide(interaction: discord.Interaction) -> None:
        """Comment poser une question et ce que l'assistant sait faire."""
        await interaction.response.send_message(HELP_TEXT, ephemeral=True, allowed_mentions=NO_PINGS)

    @tree.command(name="reindexer")
    @app_commands.guild_only()
    @app_commands.check(staff_only(staff_role))
    async def reindexer(interaction: discord.Interaction) -> None:
        """Réindexe les fiches et les replays du cycle (équipe du CAUE)."""
        await run_reindex(interaction, reindex)


async def ask(interaction: discord.Interaction, raw: str, desk: QuestionDesk) -> None:
    """/question: refusals answered privately at once; otherwise « réflexion… » publicly, then the answer."""
    screened = desk.screen(raw, interaction.user.id)
    if isinstance(screened, Refusal):
        await send_private(interaction, screened.text)
        return
    await interaction.response.defer(thinking=True)  # acknowledged well within Discord's 3 seconds
    live = None
    if desk.writes:  # a written answer: shown as it is generated
        live = LiveEdits(lambda text: interaction.edit_original_response(embed=render_partial(screened, text),
                                                                         allowed_mentions=NO_PINGS))
    try:
        answer, answer_id = await desk.answer(screened, interaction.user.id, channel_label(interaction.channel_id),
                                              on_text=live.push if live else None)
    except PvdError as error:
        await send_private(interaction, str(error))
        return
    finally:
        if live is not None:
            await live.finish()
    embed, view = answer_embed(answer, answer_id, votes=desk.votes)
    if live is not None and live.edits:  # the written text is on screen: the card takes its place
        await interaction.edit_original_response(embed=embed, view=view, allowed_mentions=NO_PINGS)
    else:
        await interaction.followup.send(embed=embed, view=view, allowed_mentions=NO_PINGS)


async def run_reindex(interaction: discord.Interaction, desk: ReindexDesk) -> None:
    """/reindexer: one at a time, in a worker thread; its progress, then its summary, privately to the staff member."""
    async def started() -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("Réindexation demandée par l'utilisateur %s", interaction.user.id)

    live = LiveEdits(lambda text: interaction.edit_original_response(content=text, allowed_mentions=NO_PINGS),
                     interval=PROGRESS_EDIT_SECONDS)
    try:
        summary = await desk.run(started, lambda done, total: live.push(progress_text(done, total)))
    except ReindexBusy as busy:
        await send_private(interaction, str(busy))
        return
    except PvdError as error:
        log.warning("Réindexation échouée : %s", error.cause)
        await send_private(interaction, f"La réindexation a échoué ; l'index précédent reste en service.\n{error}")
        return
    finally:
        await live.finish()
    log.info("Réindexation terminée")
    if live.edits:  # the progress on screen gives way to the summary, sent below it
        with suppress(discord.HTTPException):
            await interaction.edit_original_response(content=DONE, allowed_mentions=NO_PINGS)
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


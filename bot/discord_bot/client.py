"""The Discord client: receives its collaborators, hands each handler what it uses, registers the vote buttons,
syncs. The only module that knows ``PvdBot``: others get a ``discord.Client`` from ``create_bot``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import discord
from discord import app_commands

from bot.discord_bot.access import NotStaff
from bot.discord_bot.commands import register_commands
from bot.discord_bot.messages import mention_handler
from bot.discord_bot.protocols import AnswerEngine, Reindex
from bot.discord_bot.questions import QuestionDesk
from bot.discord_bot.ratelimit import RateLimiter
from bot.discord_bot.reindexing import ReindexDesk
from bot.discord_bot.replies import APOLOGY, NO_PINGS, send_private
from bot.feedback import FeedbackStore
from bot.settings import Settings
from ingest.errors import PvdError

log = logging.getLogger(__name__)


class PvdTree(app_commands.CommandTree["PvdBot"]):
    async def on_error(self, interaction: discord.Interaction[PvdBot], error: app_commands.AppCommandError, /) -> None:
        """Every failure becomes a private French message; only unexpected ones are logged with a traceback."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(original, NotStaff):
            log.info("Commande réservée refusée à l'utilisateur %s", interaction.user.id)
            message = str(original)
        elif isinstance(original, app_commands.NoPrivateMessage):
            message = "Cette commande ne s'utilise que sur le serveur, pas en message privé."
        elif isinstance(original, PvdError):
            log.warning("Commande /%s : %s", interaction.command.name if interaction.command else "?", original.cause)
            message = str(original)
        else:
            log.error("Erreur inattendue dans la commande %s", interaction.command and interaction.command.name,
                      exc_info=original)
            message = APOLOGY
        await send_private(interaction, message)


class PvdBot(discord.Client):
    """pvd-assistant on Discord. Collaborators are given, not built here, so tests pass their own."""

    def __init__(self, settings: Settings, engine: AnswerEngine, reindex: Reindex, feedback: FeedbackStore, *,
                 sync_global: bool = False, message_content: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content  # privileged: mentions carry their text without it
        super().__init__(intents=intents, allowed_mentions=NO_PINGS)
        self.settings = settings
        self.sync_global = sync_global
        desk = QuestionDesk(engine, feedback, RateLimiter(settings.rate_limit_per_minute, clock=clock),
                            settings.max_question_chars)
        self.tree = PvdTree(self)
        register_commands(self.tree, desk=desk, reindex=ReindexDesk(reindex), engine=engine,
                          staff_role=settings.staff_role)
        self._answer_mentions = mention_handler(desk)
        self._votes = desk.votes

    async def setup_hook(self) -> None:
        # Votes on answers sent before a restart still reach us: the button is rebuilt from its custom_id.
        self.add_dynamic_items(self._votes)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """To the configured server at every start (instant); to all servers only when asked (slow to spread)."""
        guild_id = self.settings.discord_guild_id
        try:
            if guild_id is not None:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("%d commande(s) synchronisée(s) sur le serveur %s", len(synced), guild_id)
            if self.sync_global:
                synced = await self.tree.sync()
                log.info("%d commande(s) synchronisée(s) sur tous les serveurs (visible d'ici une heure)",
                         len(synced))
            if guild_id is None and not self.sync_global:
                log.warning("PVD_DISCORD_GUILD_ID n'est pas réglé : commandes non synchronisées. Réglez-le dans "
                            ".env, ou lancez une fois « pvd bot --sync-global ».")
        except discord.Forbidden:
            log.error("Discord refuse d'enregistrer les commandes sur le serveur %s : invitez le bot avec la "
                      "permission « applications.commands » (lien d'invitation du portail développeur).", guild_id)
        except discord.HTTPException as error:
            log.error("Synchronisation des commandes impossible (%s %s) ; les mentions du bot restent possibles.",
                      error.status, error.text)

    async def connect(self, *, reconnect: bool = True) -> None:
        try:
            await super().connect(reconnect=reconnect)
        except discord.ConnectionClosed as closed:
            # 4004: the gateway refuses the token (reset in the developer portal while the bot runs). discord.py
            # raises LoginFailure only when the token is refused at login: same cause, same French message.
            if closed.code == 4004:
                raise discord.LoginFailure("Discord refuse le jeton du bot.") from None
            raise

    async def on_ready(self) -> None:
        user = self.user
        log.info("Connecté à Discord en tant que %s (id %s), %d serveur(s)", user, user and user.id,
                 len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        if self.user is not None:
            await self._answer_mentions(message, self.user.id)


def create_bot(settings: Settings, engine: AnswerEngine, reindex: Reindex, feedback: FeedbackStore, *,
               sync_global: bool = False, message_content: bool = False,
               clock: Callable[[], float] = time.monotonic) -> discord.Client:
    """pvd-assistant's Discord client, not yet connected (``start``, or ``login`` then ``connect``).

    ``sync_global``: publish the commands to every server; ``message_content``: ask for the privileged intent;
    ``clock``: the rate limit's clock (tests move it by hand)."""
    return PvdBot(settings, engine, reindex, feedback, sync_global=sync_global, message_content=message_content,
                  clock=clock)

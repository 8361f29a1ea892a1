"""Sending to Discord: private replies whatever the interaction's state, and never a ping."""

from __future__ import annotations

import logging
from contextlib import suppress

import discord

from bot.discord_bot import text as t

log = logging.getLogger(__name__)

#: Every message the bot sends: nobody is ever pinged, whatever the text says.
NO_PINGS = discord.AllowedMentions.none()

APOLOGY = ("Désolé, une erreur inattendue m'empêche de répondre. L'équipe du CAUE peut la retrouver dans le "
           "journal du bot ; réessayez dans quelques minutes.")


async def send_private(interaction: discord.Interaction, message: str) -> None:
    """An ephemeral reply, before or after the interaction was deferred.

    After a public « réflexion… » placeholder, Discord would turn the next follow-up into that public message:
    the placeholder is deleted first so the reply stays private.
    """
    content = t.truncate(t.neutralise(message), t.MESSAGE_CONTENT)
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            with suppress(discord.HTTPException):
                await interaction.delete_original_response()
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        log.warning("Impossible d'envoyer une réponse privée à l'interaction %s", interaction.id, exc_info=True)


def channel_label(channel_id: int | None) -> str:
    """How the feedback store names where a question was asked."""
    return f"discord:{channel_id}" if channel_id else "discord"

"""👍 / 👎 buttons under an answer that keep working after a restart.

The answer id and the vote live in the button's custom_id (« pvd:vote:up:123 »); discord.py rebuilds the
button from any message through the registered template (DynamicItem), so no view is kept in memory. The
class discord.py rebuilds is the one last registered or sent, so a bot both registers and sends the class
bound to its store (``recorded_in``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, ClassVar, Literal

import discord

from bot.feedback import DOWN, UP, FeedbackStore
from ingest.errors import PvdError

log = logging.getLogger(__name__)

Vote = Literal["up", "down"]
TEMPLATE = r"pvd:vote:(?P<vote>up|down):(?P<answer_id>[0-9]{1,18})"
THANKS = "Merci, avis enregistré."
APOLOGY = "Désolé, votre avis n'a pas pu être enregistré. Réessayez plus tard."


def custom_id(vote: Vote, answer_id: int) -> str:
    return f"pvd:vote:{vote}:{answer_id}"


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """A vote button; its clicks are recorded in ``store``, set on the class ``recorded_in`` makes."""

    store: ClassVar[FeedbackStore | None] = None

    def __init__(self, vote: Vote, answer_id: int) -> None:
        self.vote: Vote = vote
        self.answer_id = answer_id
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                label="Utile" if vote == "up" else "Pas utile",
                emoji="👍" if vote == "up" else "👎",
                custom_id=custom_id(vote, answer_id),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        vote: Vote = "up" if match["vote"] == "up" else "down"
        return cls(vote, int(match["answer_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        store = self.store
        try:
            if store is None:
                raise RuntimeError("vote button class not bound to a feedback store (votes.recorded_in)")
            await asyncio.to_thread(store.vote, self.answer_id, interaction.user.id, UP if self.vote == "up" else DOWN)
        except PvdError as error:
            message = str(error)
        except Exception:
            log.exception("Vote %s sur la réponse %s non enregistré", self.vote, self.answer_id)
            message = APOLOGY
        else:
            log.info("Vote %s sur la réponse %s", self.vote, self.answer_id)
            message = THANKS
        await interaction.response.send_message(message, ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())



def recorded_in(store: FeedbackStore) -> type[VoteButton]:
    """The vote button class whose clicks land in ``store``: the one a bot registers and puts under its answers."""

    class RecordedVoteButton(VoteButton, template=TEMPLATE):
        pass

    RecordedVoteButton.store = store
    return RecordedVoteButton

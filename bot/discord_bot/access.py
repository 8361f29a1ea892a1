"""Who may run the staff commands: members with the staff role (settings) or the Manage Server permission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.discord_bot.text import fold


class NotStaff(app_commands.CheckFailure):
    """Raised by the staff check; the tree answers it with a private French refusal."""


def refusal(staff_role: str | None) -> str:
    who = f"aux membres ayant le rôle « {staff_role} » ou" if staff_role else "aux membres ayant"
    return f"Cette commande est réservée à l'équipe du CAUE ({who} la permission « Gérer le serveur »)."


def is_staff(user: discord.User | discord.Member, permissions: discord.Permissions, staff_role: str | None) -> bool:
    """``permissions`` are the member's in the channel, as Discord sends them with the interaction."""
    if not isinstance(user, discord.Member):
        return False  # in private messages nobody is staff
    if permissions.manage_guild or permissions.administrator:
        return True
    if staff_role:
        wanted = fold(staff_role.strip())
        return any(fold(role.name) == wanted for role in user.roles)
    return False


def staff_only(staff_role: str | None) -> Callable[[discord.Interaction[Any]], bool]:
    """An app_commands check for ``staff_role`` (from the settings); others get NotStaff, which the tree
    answers privately."""

    def check(interaction: discord.Interaction[Any]) -> bool:
        if is_staff(interaction.user, interaction.permissions, staff_role):
            return True
        raise NotStaff(refusal(staff_role))

    return check

"""Start-up: command sync, and the token problems a CAUE's IT contact can meet, as French errors."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import discord
import pytest

from bot.discord_bot import BotConfigError, BotConnectionError, BotLoginError, run_bot, serve
from bot.discord_bot.logs import JournalFormatter
from tests.fixtures.discord.doubles import Clock, FakeEngine, Reindexer
from tests.fixtures.discord.fake_discord import APP_ID, GUILD_ID, TOKEN, FakeDiscord
from tests.fixtures.discord.harness import make_settings, settle, start_bot

GUILD_SYNC = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
GLOBAL_SYNC = f"/applications/{APP_ID}/commands"


async def test_start__commands_are_synced_to_the_configured_server_in_french(fake: FakeDiscord, tmp_path: Path,
                                                                           store) -> None:
    bot = await start_bot(make_settings(tmp_path), FakeEngine(), Reindexer(), store, clock=Clock())
    await bot.close()
    sync, = fake.matching(lambda c: c.method == "PUT")
    assert sync.path == GUILD_SYNC
    commands = {c["name"]: c for c in sync.json}
    assert set(commands) == {"question", "sessions", "session", "aide", "reindexer"}
    assert commands["question"]["description"] == ("Posez une question sur le cycle : réponse avec le lien vers le "
                                                   "passage du replay.")
    texte, = commands["question"]["options"]
    assert (texte["name"], texte["description"], texte["required"]) == ("texte", "Votre question, en une ou deux "
                                                                       "phrases", True)
    option, = commands["session"]["options"]
    assert option["name"] == "id" and option["autocomplete"] is True
    assert all(len(c["description"]) <= 100 for c in sync.json)


async def test_start__global_sync_only_when_asked(fake: FakeDiscord, tmp_path: Path, store) -> None:
    bot = await start_bot(make_settings(tmp_path, discord_guild_id=None), FakeEngine(), Reindexer(), store,
                          sync_global=True, clock=Clock())
    await bot.close()
    assert [c.path for c in fake.matching(lambda c: c.method == "PUT")] == [GLOBAL_SYNC]


async def test_start__without_server_id_nothing_is_synced_and_the_log_says_what_to_do(
        fake: FakeDiscord, tmp_path: Path, store, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        bot = await start_bot(make_settings(tmp_path, discord_guild_id=None), FakeEngine(), Reindexer(), store,
                              clock=Clock())
        await bot.close()
    assert fake.matching(lambda c: c.method == "PUT") == []
    assert "PVD_DISCORD_GUILD_ID" in caplog.text and "--sync-global" in caplog.text


async def test_start__the_token_never_appears_in_the_logs(fake: FakeDiscord, tmp_path: Path, store, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        bot = await start_bot(make_settings(tmp_path), FakeEngine(), Reindexer(), store, clock=Clock())
        await settle()
        await bot.close()
    assert fake.matching(lambda c: c.path == "/users/@me")  # it was used...
    assert TOKEN not in caplog.text  # ...and never logged


def test_run_bot__missing_token_is_explained_in_french(tmp_path: Path) -> None:
    with pytest.raises(BotConfigError) as raised:
        run_bot(make_settings(tmp_path, discord_token=None), FakeEngine(), Reindexer())
    message = str(raised.value)
    assert "DISCORD_TOKEN" in message and ".env" in message and "n'est pas configuré" in message


async def test_serve__invalid_token_is_a_french_error_not_a_traceback(fake: FakeDiscord, tmp_path: Path, store,
                                                                      caplog) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(BotLoginError) as raised:
        await serve(make_settings(tmp_path, discord_token="revoked-token-123"), FakeEngine(), Reindexer(),
                    feedback=store)
    assert "Discord a refusé le jeton du bot" in str(raised.value) and "DISCORD_TOKEN" in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert "revoked-token-123" not in caplog.text and "revoked-token-123" not in str(raised.value)


async def test_serve__unreachable_discord_is_a_french_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                            store) -> None:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    with pytest.raises(BotConnectionError) as raised:
        await serve(make_settings(tmp_path), FakeEngine(), Reindexer(), feedback=store)
    assert "Impossible de joindre Discord" in str(raised.value)


def test_journal_format__each_line_carries_its_syslog_priority() -> None:
    formatter = JournalFormatter("%(levelname)s %(name)s: %(message)s")
    record = logging.LogRecord("bot.discord_bot", logging.WARNING, __file__, 1, "Index absent\nsuite", None, None)
    assert formatter.format(record) == "<4>WARNING bot.discord_bot: Index absent\n<4>suite"

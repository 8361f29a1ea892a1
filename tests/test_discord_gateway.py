"""The real Discord path, end to end: the unmodified discord.py client ``start()``s against a local Discord on
127.0.0.1 (REST and gateway websocket), syncs its commands, gets /question over the gateway and answers it with
the bot's real QuestionDesk and a real engine over a one-session index; and it keeps answering when the
gateway goes away, when Discord rate-limits it, and says in French when its token is refused."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from pathlib import Path
from typing import Any

import discord
import discord.gateway
import discord.http
import pytest

from bot.discord_bot import BotLoginError, serve
from bot.engine import Engine
from bot.ingestion import run_ingest
from bot.settings import DEMO_CORPUS
from tests.fixtures.discord.doubles import GatedEngine, Reindexer
from tests.fixtures.discord.fake_discord import (APP_ID, GUILD_ID, TOKEN, Call, FakeDiscord, command_interaction,
                                                 missing_seams)
from tests.fixtures.discord.fake_gateway import GATEWAY_PATH, IDENTIFY, RESUME, RESUME_PATH
from tests.fixtures.discord.harness import connected_bot, make_settings

pytestmark = pytest.mark.slow  # the real discord.py client connects, resumes and reconnects: ~20 s

QUESTION = "Qu'est-ce qu'une Petite ville de demain ?"
SESSION_TITLE = "Lancement du cycle : être une Petite ville de demain"
REPLAY_LINK = "https://www.youtube.com/watch?v=pVd0S01aisn&t="
GUILD_SYNC = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:
    """The demo corpus reduced to the first 90 s of its first session (S01), indexed once for this module."""
    corpus = tmp_path_factory.mktemp("one-session") / "corpus"
    (corpus / "transcripts").mkdir(parents=True)
    blocks = (DEMO_CORPUS / "transcripts" / "S01-lancement.vtt").read_text(encoding="utf-8").split("\n\n")
    kept_cues = [b for b in blocks if "-->" not in b or b.split(" --> ")[0].strip() < "00:01:30"]
    (corpus / "transcripts" / "S01-lancement.vtt").write_text("\n\n".join(kept_cues), encoding="utf-8")
    head, *sessions = (DEMO_CORPUS / "cycle.toml").read_text(encoding="utf-8").split("[[session]]")
    kept = [s for s in sessions if 'id = "S01"' in s]
    (corpus / "cycle.toml").write_text("[[session]]".join([head, *kept]), encoding="utf-8")
    index_dir = corpus.parent / "index"
    run_ingest(corpus, index_dir, encoder, None)
    return index_dir


@pytest.fixture
def real_engine(small_index: Path, encoder) -> GatedEngine:
    """The real engine, gate open: answers as soon as asked."""
    return GatedEngine(Engine(small_index, encoder=encoder), open_gate=True)


def card_for(payload: dict[str, Any]):
    return lambda c: c.is_followup and c.status == 200 and c.path.endswith("/" + payload["token"])


def card_text(call: Call) -> str:
    embed = call.json["embeds"][0]
    return "\n".join([embed.get("description") or ""] + [f"{f['name']}\n{f['value']}" for f in embed["fields"]])


async def ask(fake: FakeDiscord, *, deliver: bool = True) -> dict[str, Any]:
    """/question typed by a member; the INTERACTION_CREATE goes through the gateway."""
    payload = command_interaction("question", texte=QUESTION)
    await fake.gateway.dispatch("INTERACTION_CREATE", payload, deliver=deliver)
    return payload


async def answered(fake: FakeDiscord, payload: dict[str, Any], timeout: float = 10) -> Call:
    card, = await fake.wait_for(card_for(payload), timeout=timeout)
    assert SESSION_TITLE in card_text(card) and REPLAY_LINK in card_text(card)
    return card


def test_discord_py_still_has_the_seams_the_local_discord_uses() -> None:
    """If this fails after a discord.py upgrade, every test of the real path would reach for discord.com."""
    problems = missing_seams()
    assert not problems, "\n".join(problems)
    where = "discord.py %s no longer %s; update point_discord_py_at in tests/fixtures/discord/fake_discord.py"
    assert "DEFAULT_GATEWAY" in inspect.getsource(discord.gateway.DiscordWebSocket.from_client), \
        where % (discord.__version__, "opens its first gateway connection on DiscordWebSocket.DEFAULT_GATEWAY")
    assert "resume_gateway_url" in inspect.getsource(discord.gateway.DiscordWebSocket.received_message), \
        where % (discord.__version__, "resumes on READY's resume_gateway_url")
    assert "self.BASE" in inspect.getsource(discord.http.Route.__init__), \
        where % (discord.__version__, "builds each REST URL from Route.BASE")


async def test_question_over_the_gateway__deferred_while_the_engine_works_then_answered_with_the_replay_link(
        fake: FakeDiscord, tmp_path: Path, store, small_index: Path, encoder, caplog) -> None:
    engine = GatedEngine(Engine(small_index, encoder=encoder))  # gate closed: the engine stays busy
    with caplog.at_level(logging.INFO):
        async with connected_bot(fake, make_settings(tmp_path), engine, Reindexer(), store) as bot:
            gateway = fake.gateway.connections[0]
            assert gateway.path == GATEWAY_PATH  # DEFAULT_GATEWAY was honoured
            assert gateway.query["v"] == "10" and gateway.query["encoding"] == "json"
            identify, = gateway.ops(IDENTIFY)
            assert identify["d"]["token"] == TOKEN
            sync, = fake.matching(lambda c: c.method == "PUT")  # commands synced to the server before that
            assert sync.path == GUILD_SYNC and "question" in {c["name"] for c in sync.json}

            asked_at = time.monotonic()
            payload = await ask(fake)
            assert await asyncio.to_thread(engine.entered.wait, 5), "the question never reached the engine"
            defer, = await fake.wait_for(lambda c: c.is_callback, timeout=3)
            assert defer.json["type"] == 5  # « Assistant PVD réfléchit… » shown to the member
            assert defer.at - asked_at < 3  # within Discord's 3 seconds, although the engine has not answered
            assert fake.matching(lambda c: c.is_followup) == []
            engine.gate.set()
            await answered(fake, payload)

            await fake.gateway.wait_for(lambda g: gateway.acks >= 3, what="three acknowledged heartbeats")
            assert bot.latency < 1  # heartbeats answered: Discord keeps the connection open
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            assert bot.get_guild(GUILD_ID) is not None
    assert "Connecté à Discord en tant que Assistant PVD" in caplog.text


async def _reconnect_request(fake: FakeDiscord) -> None:
    await fake.gateway.reconnect()


async def _close_frame(fake: FakeDiscord) -> None:
    await fake.gateway.close(1001)


async def _network_cut(fake: FakeDiscord) -> None:
    fake.gateway.drop()


@pytest.mark.parametrize("goes_away", [_reconnect_request, _close_frame, _network_cut],
                         ids=["reconnect-request", "close-frame", "network-cut"])
async def test_gateway_goes_away__the_bot_resumes_and_answers_the_question_it_missed_and_the_next(
        fake: FakeDiscord, tmp_path: Path, store, real_engine: GatedEngine, goes_away) -> None:
    async with connected_bot(fake, make_settings(tmp_path), real_engine, Reindexer(), store):
        first = fake.gateway.connections[0]
        last_received = fake.gateway.session.seq
        missed = await ask(fake, deliver=False)  # sent by Discord as the connection died: never received
        await goes_away(fake)

        await fake.gateway.wait_for(lambda g: len(g.connections) == 2 and g.connections[1].ops(RESUME),
                                    what="the bot to resume")
        second = fake.gateway.connections[1]
        assert not first.open
        assert second.path == RESUME_PATH  # READY's resume_gateway_url was honoured
        resume, = second.ops(RESUME)
        assert resume["d"]["session_id"] == fake.gateway.session.id and resume["d"]["seq"] == last_received
        assert second.ops(IDENTIFY) == []  # the same session goes on

        await answered(fake, missed)  # replayed on RESUME, answered as if nothing happened
        await answered(fake, await ask(fake))


async def test_gateway_session_lost__the_bot_identifies_again_and_answers(
        fake: FakeDiscord, tmp_path: Path, store, real_engine: GatedEngine) -> None:
    """Slowest test here (about 6 s): discord.py waits 5 s before identifying again, as Discord asks."""
    async with connected_bot(fake, make_settings(tmp_path), real_engine, Reindexer(), store):
        lost = fake.gateway.session
        fake.gateway.invalidate()
        await fake.gateway.close(1001)
        await fake.gateway.wait_for(lambda g: g.session is not lost and bool(g.delivered("GUILD_CREATE")),
                                    timeout=10, what="a new session after the lost one")
        assert [c.ops(IDENTIFY) != [] for c in fake.gateway.connections] == [True, False, True]
        await answered(fake, await ask(fake))


async def _refused_at_login(fake: FakeDiscord) -> None:
    pass  # the settings carry a wrong token: Discord's REST API answers 401 to the login


async def _reset_while_running(fake: FakeDiscord) -> None:
    await fake.gateway.wait_for(lambda g: bool(g.delivered("GUILD_CREATE")), what="the bot to connect")
    fake.gateway.revoke_token()  # someone pressed « Reset Token » in the developer portal
    await fake.gateway.close(1001)  # Discord drops the connection; the RESUME is refused with 4004


@pytest.mark.parametrize("token, refused, gateway_closes",
                         [("revoked-token-123", _refused_at_login, []), (TOKEN, _reset_while_running, [1001, 4004])],
                         ids=["at-login", "reset-while-running"])
async def test_wrong_token__pvd_bot_stops_at_once_with_the_french_error(
        fake: FakeDiscord, tmp_path: Path, store, real_engine: GatedEngine, token: str, refused,
        gateway_closes: list[int], caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        running = asyncio.create_task(serve(make_settings(tmp_path, discord_token=token), real_engine, Reindexer(),
                                            feedback=store))
        await refused(fake)
        refused_at = time.monotonic()
        with pytest.raises(BotLoginError) as raised:
            await asyncio.wait_for(running, 5)
    assert time.monotonic() - refused_at < 2  # no retry loop
    assert [c.close_code for c in fake.gateway.connections] == gateway_closes
    message = str(raised.value)
    assert "Discord a refusé le jeton du bot" in message and "DISCORD_TOKEN" in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert "revoked-token-123" not in caplog.text


async def test_rate_limited_command_sync__waited_out_then_the_bot_answers(
        fake: FakeDiscord, tmp_path: Path, store, real_engine: GatedEngine) -> None:
    fake.rate_limit(lambda c: c.method == "PUT", retry_after=0.5)
    async with connected_bot(fake, make_settings(tmp_path), real_engine, Reindexer(), store):
        limited, synced = fake.matching(lambda c: c.method == "PUT")
        assert (limited.status, synced.status) == (429, 200) and synced.path == GUILD_SYNC
        assert synced.at - limited.at >= 0.5
        await answered(fake, await ask(fake))


async def test_rate_limited_follow_up__waited_out_and_the_card_is_posted_once(
        fake: FakeDiscord, tmp_path: Path, store, real_engine: GatedEngine) -> None:
    fake.rate_limit(lambda c: c.is_followup, retry_after=0.5)
    async with connected_bot(fake, make_settings(tmp_path), real_engine, Reindexer(), store):
        payload = await ask(fake)
        card = await answered(fake, payload)
        limited, posted = fake.matching(lambda c: c.is_followup)
        assert limited.status == 429 and posted is card and card.at - limited.at >= 0.5

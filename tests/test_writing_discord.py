"""/question with a language model: the written text arrives by edits of the deferred reply, then the card.

The real bot against the Discord stand-in (tests/fixtures/discord), the real engine on a two-session index,
the real ``openai`` client against the local endpoint (tests/fixtures/writing.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.discord_bot import text as t
from bot.engine import Engine
from bot.writing import LlmConfig, Writer
from tests.fixtures.discord.fake_discord import BOT_ID, Call, FakeDiscord, command_interaction, message_create
from tests.fixtures.discord.harness import make_settings, settle, start_bot
from tests.fixtures.writing import API_KEY, MODEL, FakeLlm

QUESTION = "À partir de quel taux la vacance commerciale est-elle préoccupante ?"
SENTENCES = [
    "Au-delà de 10 % de locaux commerciaux vides, la situation devient préoccupante [1].",
    "Au-delà de 20 %, la vacance est considérée comme structurelle [1].",
    "Dans les villes moyennes, on est autour de 12 % [1].",
]
INVENTED = "Selon l'atelier, 35 % des commerces de l'Aisne ont fermé en 2021 [1]."
TIMEOUT = 3.0


@pytest.fixture
async def writing_bot(fake: FakeDiscord, tmp_path: Path, small_index: Path, encoder, llm: FakeLlm, reindexer, store,
                      clock) -> AsyncIterator[discord.Client]:
    engine = Engine(small_index, encoder=encoder, writer=Writer(LlmConfig(llm.url, MODEL, API_KEY, TIMEOUT)))
    engine.retrieve(QUESTION)  # index opened and model warm: the test times the answer, not the start
    client = await start_bot(make_settings(tmp_path), engine, reindexer, store, clock=clock)
    yield client
    await settle()
    await client.close()


def is_edit(call: Call) -> bool:
    return call.method == "PATCH" and call.path.endswith("/messages/@original")


def is_card(call: Call) -> bool:
    return (is_edit(call) or call.is_followup) and bool(call.message.get("components"))


def assert_within_discord_limits(message: dict[str, Any]) -> None:
    assert len(message.get("content") or "") <= t.MESSAGE_CONTENT
    embeds = message.get("embeds") or []
    assert len(embeds) <= t.EMBEDS_PER_MESSAGE
    total = 0
    for embed in embeds:
        sizes = {"title": len(embed.get("title") or ""), "description": len(embed.get("description") or ""),
                 "footer": len((embed.get("footer") or {}).get("text") or "")}
        assert sizes["title"] <= t.EMBED_TITLE and sizes["description"] <= t.EMBED_DESCRIPTION
        assert sizes["footer"] <= t.FOOTER_TEXT and len(embed.get("fields") or []) <= t.EMBED_FIELDS
        for field in embed.get("fields") or []:
            assert len(field["name"]) <= t.FIELD_NAME and len(field["value"]) <= t.FIELD_VALUE
            total += len(field["name"]) + len(field["value"])
        total += sum(sizes.values())
    assert total <= t.EMBED_TOTAL


async def test_the_written_text_arrives_by_edits_then_the_card(writing_bot: discord.Client, fake: FakeDiscord,
                                                               llm: FakeLlm) -> None:
    llm.answer(" ".join([SENTENCES[0], INVENTED, *SENTENCES[1:]]), piece_delay=0.04)  # about 2 s of stream
    writing_bot._connection.parse_interaction_create(command_interaction("question", texte=QUESTION))

    callback, = await fake.wait_for(lambda c: c.is_callback)
    assert callback.json == {"type": 5}  # deferred at once, as without a model
    card, = await fake.wait_for(is_card, timeout=TIMEOUT + 5)
    edits = [c for c in fake.matching(is_edit) if c is not card]

    assert edits, "the text should have been shown while it was written"
    for edit in [*edits, card]:
        assert_within_discord_limits(edit.message)
        assert edit.json["allowed_mentions"] == {"parse": []}
        assert "35 %" not in edit.text  # the guard's drop is never shown, not even for a moment
    assert edits[0].message["embeds"][0]["description"].startswith(SENTENCES[0])
    assert all(later.at - earlier.at >= 0.9 for earlier, later in zip(edits, edits[1:]))  # about one a second
    assert not fake.matching(lambda c: c.is_followup)  # one message, edited in place

    embed = card.message["embeds"][0]
    assert embed["description"] == " ".join(SENTENCES)
    assert embed["fields"][0]["name"].startswith("S05 · Commerces et rez-de-chaussée vacants")
    buttons = card.message["components"][0]["components"]
    assert buttons[0]["label"].startswith("Voir le replay à") and buttons[0]["url"].startswith("https://www.youtube")
    assert [b.get("custom_id") for b in buttons[1:]] == ["pvd:vote:up:1", "pvd:vote:down:1"]


async def test_long_text_and_mentions_stay_within_the_limits_at_every_edit(writing_bot: discord.Client, fake: FakeDiscord,
                                                                            llm: FakeLlm) -> None:
    long = "@everyone la vacance commerciale devient préoccupante dans les villes moyennes " * 30
    llm.answer(" ".join(f"{long}[1]." for _ in range(4)), piece_delay=0.0)
    writing_bot._connection.parse_interaction_create(command_interaction("question", texte=QUESTION))

    card, = await fake.wait_for(is_card, timeout=TIMEOUT + 5)
    for call in [*fake.matching(is_edit), card]:
        assert_within_discord_limits(call.message)
        assert "@everyone" not in call.text and "@\u200beveryone" in call.text


@pytest.mark.parametrize("failure", ["500", "hang", "garbled"])
async def test_an_endpoint_failure_gives_the_extractive_card_within_the_time_out(
        writing_bot: discord.Client, fake: FakeDiscord, llm: FakeLlm, failure: str) -> None:
    {"500": lambda: llm.fail(500), "hang": llm.hang, "garbled": llm.garble}[failure]()
    writing_bot._connection.parse_interaction_create(command_interaction("question", texte=QUESTION))

    callback, = await fake.wait_for(lambda c: c.is_callback)
    card, = await fake.wait_for(is_card, timeout=TIMEOUT + 5)
    assert card.at - callback.at < TIMEOUT + 1.5  # the time-out, plus the search
    assert card.is_followup and not fake.matching(is_edit)
    embed = card.message["embeds"][0]
    assert embed["description"] == "Voici ce qu'en dit le cycle :"  # the extractive card, as without a model
    assert "Traceback" not in card.text and "Erreur" not in card.text
    assert_within_discord_limits(card.message)


async def test_a_mention_gets_the_written_text_as_it_comes_then_the_card(writing_bot: discord.Client, fake: FakeDiscord,
                                                                        llm: FakeLlm) -> None:
    llm.answer(" ".join([SENTENCES[0], INVENTED, *SENTENCES[1:]]), piece_delay=0.04)
    writing_bot._connection.parse_message_create(message_create(f"<@{BOT_ID}> {QUESTION}"))

    reply, = await fake.wait_for(lambda c: c.is_channel_message, timeout=TIMEOUT + 5)
    card, = await fake.wait_for(lambda c: c.method == "PATCH" and bool(c.message.get("components")),
                                timeout=TIMEOUT + 5)
    shown = [reply, *fake.matching(lambda c: c.method == "PATCH" and "/messages/" in c.path)]
    assert reply.message["embeds"][0]["description"].startswith(SENTENCES[0])  # the first sentence, then edits
    for call in shown:
        assert_within_discord_limits(call.message)
        assert call.json["allowed_mentions"] == {"parse": []}
        assert "35 %" not in call.text
    replied_id = next(iter(fake.messages))  # the one message the bot posted: its reply
    assert card.path.endswith(f"/messages/{replied_id}")  # edited in place into the card
    assert card.message["embeds"][0]["description"] == " ".join(SENTENCES)
    assert len(fake.matching(lambda c: c.is_channel_message)) == 1

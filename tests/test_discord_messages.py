"""Questions asked in the chat: raw MESSAGE_CREATE payloads through discord.py's parser to on_message."""

from __future__ import annotations

from tests.fixtures.discord.fake_discord import (BOT_ID, CHANNEL_ID, STAFF_ID, FakeDiscord, message_create)

MESSAGES = f"/channels/{CHANNEL_ID}/messages"


def post(bot, payload: dict) -> dict:
    bot._connection.parse_message_create(payload)
    return payload


async def test_mention__the_question_is_answered_in_reply_without_pinging(bot, fake: FakeDiscord, engine) -> None:
    asked = post(bot, message_create(f"<@{BOT_ID}> Comment redynamiser les commerces vacants ?"))
    reply, = await fake.wait_for(lambda c: c.is_channel_message)
    assert reply.path == MESSAGES
    assert engine.questions == ["Comment redynamiser les commerces vacants ?"]
    assert str(reply.json["message_reference"]["message_id"]) == asked["id"]
    assert reply.json["allowed_mentions"] == {"parse": []}  # replied_user absent: Discord's default is false
    assert reply.json["embeds"][0]["description"].startswith("Recensez les cellules vacantes")
    assert reply.json["components"][0]["components"][0]["url"].endswith("&t=609s")
    assert fake.matching(lambda c: c.path == f"/channels/{CHANNEL_ID}/typing")


async def test_reply_to_an_answer__is_a_question_too(bot, fake: FakeDiscord, engine) -> None:
    post(bot, message_create(f"<@{BOT_ID}> Comment redynamiser les commerces vacants ?"))
    await fake.wait_for(lambda c: c.is_channel_message)
    answer = list(fake.messages.values())[-1]

    post(bot, message_create("Et pour les logements vacants ?", mentions_bot=False, reply_to=answer))
    await fake.wait_for(lambda c: c.is_channel_message, count=2)
    assert engine.questions[-1] == "Et pour les logements vacants ?"


async def test_mention_without_text__gets_the_help(bot, fake: FakeDiscord, engine) -> None:
    # Without the message-content intent, or a bare mention: the text is empty.
    post(bot, message_create(""))
    reply, = await fake.wait_for(lambda c: c.is_channel_message)
    assert "/question" in reply.json["content"] and engine.questions == []


async def test_messages_not_addressed_to_the_bot__are_ignored(bot, fake: FakeDiscord, engine) -> None:
    post(bot, message_create("@everyone réunion demain", mentions_bot=False, mention_everyone=True))
    post(bot, message_create(f"<@{BOT_ID}> boucle ?", author_id=STAFF_ID, author_is_bot=True))
    post(bot, message_create("Bonjour à tous", mentions_bot=False))
    post(bot, message_create(f"<@{BOT_ID}> Comment financer une étude ?"))
    await fake.wait_for(lambda c: c.is_channel_message)
    assert engine.questions == ["Comment financer une étude ?"]
    assert len(fake.matching(lambda c: c.is_channel_message)) == 1


async def test_mention__rate_limit_and_length_refusals_are_replies_too(bot, fake: FakeDiscord, engine, clock) -> None:
    post(bot, message_create(f"<@{BOT_ID}> " + "pourquoi " * 60))
    too_long, = await fake.wait_for(lambda c: c.is_channel_message)
    assert "la limite est de 500" in too_long.json["content"]

    for n in range(5):
        post(bot, message_create(f"<@{BOT_ID}> question {n} ?"))
        await fake.wait_for(lambda c: c.is_channel_message, count=n + 2)
    clock.now += 1
    post(bot, message_create(f"<@{BOT_ID}> encore une ?"))
    refusal = (await fake.wait_for(lambda c: c.is_channel_message, count=7))[-1]
    assert "Réessayez dans 59 secondes" in refusal.json["content"]
    assert refusal.json["allowed_mentions"] == {"parse": []}
    assert len(engine.questions) == 5

"""👍 / 👎 under an answer: a click (raw component interaction) lands in SQLite and in the staff report,
and keeps working on old messages after the bot restarts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.feedback import FeedbackStore
from tests.fixtures.discord.doubles import Clock, FakeEngine, Reindexer
from tests.fixtures.discord.fake_discord import (EPHEMERAL, STAFF_ID, FakeDiscord, command_interaction,
                                                 component_interaction, member)
from tests.fixtures.discord.harness import make_settings, settle, start_bot

WHOLE_TIME = (dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc))


async def answer_message(bot, fake: FakeDiscord, question: str = "Comment redynamiser les commerces ?") -> dict:
    """Ask through /question; return the answer message as Discord returned it to the bot."""
    already = len(fake.matching(lambda c: c.is_followup))
    bot._connection.parse_interaction_create(command_interaction("question", texte=question))
    await fake.wait_for(lambda c: c.is_followup, count=already + 1)
    return list(fake.messages.values())[-1]


def click(bot, message: dict, vote: str, who: dict | None = None) -> None:
    button = next(c for row in message["components"] for c in row["components"]
                  if c.get("custom_id", "").startswith(f"pvd:vote:{vote}:"))
    bot._connection.parse_interaction_create(component_interaction(button["custom_id"], message, who=who))


async def test_vote__click_is_thanked_privately_and_recorded(bot, fake: FakeDiscord, store: FeedbackStore) -> None:
    message = await answer_message(bot, fake)
    click(bot, message, "down")
    thanks, = await fake.wait_for(lambda c: c.is_callback and c.json["type"] == 4)
    assert thanks.flags == EPHEMERAL and thanks.json["data"]["content"] == "Merci, avis enregistré."

    report = store.report(*WHOLE_TIME)
    assert report.votes_down == 1
    downvoted, = report.downvoted
    assert downvoted.question == "Comment redynamiser les commerces ?"
    assert (downvoted.down, downvoted.up) == (1, 0)
    assert downvoted.sources[0].url == "https://www.youtube.com/watch?v=pVd0S06aisn&t=609s"


async def test_vote__changing_ones_mind_replaces_the_vote(bot, fake: FakeDiscord, store: FeedbackStore) -> None:
    message = await answer_message(bot, fake)
    click(bot, message, "down")
    await fake.wait_for(lambda c: c.is_callback and c.json["type"] == 4)
    click(bot, message, "up")
    await fake.wait_for(lambda c: c.is_callback and c.json["type"] == 4, count=2)
    click(bot, message, "up", who=member(STAFF_ID, name="autre.personne"))  # another person: a second vote
    await fake.wait_for(lambda c: c.is_callback and c.json["type"] == 4, count=3)

    report = store.report(*WHOLE_TIME)
    assert (report.votes_up, report.votes_down) == (2, 0)
    assert report.downvoted == ()


async def test_vote__old_message_buttons_work_with_a_new_bot_on_the_same_database(
        fake: FakeDiscord, tmp_path: Path) -> None:
    database = tmp_path / "data" / "feedback.sqlite"
    settings = make_settings(tmp_path)
    first = await start_bot(settings, FakeEngine(), Reindexer(), FeedbackStore(database), clock=Clock())
    message = await answer_message(first, fake)
    await settle()
    await first.close()

    # A restart: a new process, new store object, nothing in memory but the database file.
    second = await start_bot(settings, FakeEngine(), Reindexer(), FeedbackStore(database), clock=Clock())
    try:
        click(second, message, "down")
        thanks, = await fake.wait_for(lambda c: c.is_callback and c.json["type"] == 4)
        assert thanks.json["data"]["content"] == "Merci, avis enregistré."
    finally:
        await settle()
        await second.close()
    downvoted, = FeedbackStore(database).report(*WHOLE_TIME).downvoted
    assert downvoted.question == "Comment redynamiser les commerces ?"


async def test_vote__on_an_answer_the_database_no_longer_holds_is_explained(bot, fake: FakeDiscord,
                                                                            tmp_path: Path) -> None:
    message = await answer_message(bot, fake)
    # e.g. the data directory was reset: the bot restarts on an empty database
    reset = await start_bot(make_settings(tmp_path), FakeEngine(), Reindexer(),
                            FeedbackStore(tmp_path / "replaced.sqlite"), clock=Clock())
    try:
        click(reset, message, "up")
        reply, = await fake.wait_for(lambda c: c.is_callback and c.json["type"] == 4)
    finally:
        await settle()
        await reset.close()
    assert reply.flags == EPHEMERAL
    assert reply.json["data"]["content"].startswith("La réponse n° 1 n'est plus enregistrée")

"""The bot with the REAL engine and index: after /reindexer, the next question is answered from the new
index, without restarting the bot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.ingestion import run_ingest
from tests.conftest import trim_catalogue, trimmed_demo
from tests.fixtures.discord.fake_discord import STAFF_ID, STAFF_ROLE_ID, FakeDiscord, command_interaction, member
from tests.fixtures.discord.harness import make_settings, settle, start_bot

pytestmark = pytest.mark.slow  # real re-indexes driven from Discord, 120 questions during one

QUESTION = "Comment la friche textile de Bohain a-t-elle été reconvertie ?"


def _corpus_without_the_friche(tmp_path: Path) -> tuple[Path, str]:
    """A two-session corpus (shops, friche) whose catalogue lists the shops only; also the full catalogue."""
    corpus = trimmed_demo(tmp_path / "corpus", ("S05", "S11"))
    original = (corpus / "cycle.toml").read_text(encoding="utf-8")
    trim_catalogue(corpus, ("S05",))
    return corpus, original


async def test_reindex_from_discord__next_answer_comes_from_the_new_index(fake: FakeDiscord, store, tmp_path,
                                                                          encoder):
    index_dir = tmp_path / "index"
    corpus, original = _corpus_without_the_friche(tmp_path)
    run_ingest(corpus, index_dir, encoder, None)  # the live index does not know the Bohain visit

    def reindex(progress=None) -> str:
        return run_ingest(corpus, index_dir, encoder, None, progress=progress).summary()

    bot = await start_bot(make_settings(tmp_path), Engine(index_dir, encoder=encoder), reindex, store)
    try:
        bot._connection.parse_interaction_create(command_interaction("question", texte=QUESTION))
        before, = await fake.wait_for(lambda c: c.is_followup, timeout=30)
        assert all("Bohain" not in f["name"] for e in before.json.get("embeds", []) for f in e.get("fields", []))

        (corpus / "cycle.toml").write_text(original, encoding="utf-8")  # staff add the session back
        staff = member(STAFF_ID, roles=(STAFF_ROLE_ID,), name="equipe.caue")
        bot._connection.parse_interaction_create(command_interaction("reindexer", who=staff))
        summary = (await fake.wait_for(lambda c: c.is_followup, count=2, timeout=60))[1]
        assert "S11" in summary.json["content"] and "ajouté" in summary.json["content"]

        bot._connection.parse_interaction_create(command_interaction("question", texte=QUESTION))
        after = (await fake.wait_for(lambda c: c.is_followup, count=3, timeout=30))[2]
        assert "Bohain" in after.json["embeds"][0]["fields"][0]["name"]
    finally:
        await settle()
        await bot.close()


async def test_120_questions_from_30_members_during_a_reindex__every_one_gets_its_answer(fake: FakeDiscord, store, tmp_path,
                                                                                 small_index, encoder):
    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    corpus = trimmed_demo(tmp_path / "corpus", ("S03", "S04"))  # S05 leaves: the re-index has work to do

    def reindex(progress=None) -> str:
        return run_ingest(corpus, index_dir, encoder, None, progress=progress).summary()

    bot = await start_bot(make_settings(tmp_path), Engine(index_dir, encoder=encoder), reindex, store)
    questions = ["Comment lutter contre la vacance commerciale ?", "Qu'est-ce qu'une ORT ?",
                 "Comment financer une étude vélo ?", "Qu'est-ce qu'un îlot de fraîcheur ?"]
    try:
        staff = member(STAFF_ID, roles=(STAFF_ROLE_ID,), name="equipe.caue")
        bot._connection.parse_interaction_create(command_interaction("reindexer", who=staff))
        tokens = {}
        for user in range(30):  # 30 members × 4 questions: within the per-member rate limit
            who = member(900000000000000000 + user, name=f"cheffe{user}")
            for question in questions:
                payload = command_interaction("question", texte=question, who=who)
                tokens[payload["token"]] = question
                bot._connection.parse_interaction_create(payload)
        calls = await fake.wait_for(lambda c: c.is_followup, count=len(tokens) + 1, timeout=120)
        answers = {c.path.rsplit("/", 1)[1]: c.json for c in calls if c.path.rsplit("/", 1)[1] in tokens}
        assert set(answers) == set(tokens)  # every question answered, none lost
        assert all(a.get("embeds") and not a.get("flags") for a in answers.values())
        summary = next(c.json for c in calls if c.path.rsplit("/", 1)[1] not in tokens)
        assert "Réindexation terminée" in summary["content"]
    finally:
        await settle()
        await bot.close()

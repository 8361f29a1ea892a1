"""The bot with the REAL engine and index: after /reindexer, the next question is answered from the new
index, without restarting the bot."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.engine import Engine
from bot.ingestion import run_ingest
from tests.fixtures.discord.fake_discord import STAFF_ID, STAFF_ROLE_ID, FakeDiscord, command_interaction, member
from tests.fixtures.discord.harness import make_settings, settle, start_bot

QUESTION = "Comment la friche textile de Bohain a-t-elle été reconvertie ?"


def _without_session(corpus: Path, session_id: str) -> str:
    """Remove one [[session]] block from cycle.toml; return the original text."""
    path = corpus / "cycle.toml"
    original = path.read_text(encoding="utf-8")
    head, *blocks = original.split("[[session]]")
    kept = [b for b in blocks if f'id = "{session_id}"' not in b]
    path.write_text("[[session]]".join([head, *kept]), encoding="utf-8")
    return original


async def test_reindex_from_discord__next_answer_comes_from_the_new_index(fake: FakeDiscord, store, tmp_path,
                                                                          demo_corpus, demo_index, encoder):
    index_dir = tmp_path / "index"
    shutil.copytree(demo_index, index_dir)
    original = _without_session(demo_corpus, "S11")
    run_ingest(demo_corpus, index_dir, encoder, None)  # the live index no longer knows the Bohain visit

    def reindex(progress=None) -> str:
        return run_ingest(demo_corpus, index_dir, encoder, None, progress=progress).summary()

    bot = await start_bot(make_settings(tmp_path), Engine(index_dir, encoder=encoder), reindex, store)
    try:
        bot._connection.parse_interaction_create(command_interaction("question", texte=QUESTION))
        before, = await fake.wait_for(lambda c: c.is_followup, timeout=30)
        assert all("Bohain" not in f["name"] for e in before.json.get("embeds", []) for f in e.get("fields", []))

        (demo_corpus / "cycle.toml").write_text(original, encoding="utf-8")  # staff add the session back
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
                                                                                 demo_corpus, demo_index, encoder):
    index_dir = tmp_path / "index"
    shutil.copytree(demo_index, index_dir)
    _without_session(demo_corpus, "S11")

    def reindex(progress=None) -> str:
        return run_ingest(demo_corpus, index_dir, encoder, None, progress=progress).summary()

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

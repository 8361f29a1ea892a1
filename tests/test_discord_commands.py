"""Slash commands through discord.py's real CommandTree, answered by a local stand-in for Discord's API.

Each test dispatches a raw INTERACTION_CREATE payload through ``ConnectionState.parse_interaction_create``
and asserts on the JSON the bot sent back.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from bot.answer import Answer
from bot.discord_bot.replies import APOLOGY
from tests.fixtures.discord.doubles import CYCLE, IndexGone, abstention, good_answer, transcript_source
from tests.fixtures.discord.fake_discord import (ADMIN_ID, EPHEMERAL, MANAGE_GUILD, STAFF_ID, STAFF_ROLE_ID, USER_ID,
                                                 BASIC_PERMISSIONS, FakeDiscord, command_interaction, member)

DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: « Assistant PVD réfléchit… »
MESSAGE = 4  # CHANNEL_MESSAGE_WITH_SOURCE
AUTOCOMPLETE_RESULT = 8


def ask(bot, text: str, **who) -> None:
    bot._connection.parse_interaction_create(command_interaction("question", texte=text, **who))


# ---- /question ------------------------------------------------------------------------------------------------

async def test_question__acknowledged_while_the_engine_works_then_answered_publicly(bot, fake: FakeDiscord,
                                                                                    engine) -> None:
    engine.gate = threading.Event()  # the engine blocks until released: the loop must not
    ask(bot, "Comment redynamiser les commerces vacants ?")

    callback, = await fake.wait_for(lambda c: c.is_callback)
    assert callback.json == {"type": DEFERRED}  # public « réfléchit… », sent before the engine finished
    assert not fake.matching(lambda c: c.is_followup)
    engine.gate.set()

    followup, = await fake.wait_for(lambda c: c.is_followup)
    assert followup.flags & EPHEMERAL == 0
    assert engine.questions == ["Comment redynamiser les commerces vacants ?"]
    embed = followup.json["embeds"][0]
    assert embed["description"].startswith("Recensez les cellules vacantes")
    assert embed["fields"][0]["name"] == "S06 · Commerces vacants : redynamiser le centre-bourg — M2 · 19 mai 2022"
    assert embed["fields"][0]["value"].startswith("[▶ 10:12](https://www.youtube.com/watch?v=pVd0S06aisn&t=609s)")


async def test_question__link_button_opens_the_replay_at_the_passage(bot, fake: FakeDiscord) -> None:
    ask(bot, "Comment redynamiser les commerces vacants ?")
    followup, = await fake.wait_for(lambda c: c.is_followup)
    buttons = followup.json["components"][0]["components"]
    link = buttons[0]
    assert link["style"] == 5 and link["label"] == "Voir le replay à 10:12"
    assert link["url"] == "https://www.youtube.com/watch?v=pVd0S06aisn&t=609s"
    assert [b.get("custom_id") for b in buttons[1:]] == ["pvd:vote:up:1", "pvd:vote:down:1"]


async def test_question__echoed_mentions_never_ping(bot, fake: FakeDiscord, engine) -> None:
    engine.respond = lambda q: Answer(q, True, "Réponse pour @everyone et <@1180000000000000400> et @here",
                                      good_answer(q).sources)
    ask(bot, "@everyone @here <@1180000000000000400> <@&1180000000000000300> commerces ?")
    followup, = await fake.wait_for(lambda c: c.is_followup)
    assert followup.json["allowed_mentions"] == {"parse": []}
    text = followup.text
    for raw in ("@everyone", "@here", "<@1180000000000000400>", "<@&1180000000000000300>"):
        assert raw not in text
    assert "@\u200beveryone" in text and "<@\u200b1180000000000000400>" in text


async def test_question__thirty_very_long_passages_are_sent_within_discord_limits(bot, fake: FakeDiscord,
                                                                                 engine) -> None:
    passage = "les cellules commerciales vacantes du centre-bourg " * 100  # 5,100 characters
    engine.respond = lambda q: Answer(q, True, passage, tuple(
        transcript_source(rank, "S06", 30.0 * rank, text=passage[:5000]) for rank in range(1, 31)))
    ask(bot, "Comment redynamiser les commerces vacants ?")
    followup, = await fake.wait_for(lambda c: c.is_followup)
    embed, = followup.json["embeds"]
    sizes = [len(embed.get("title", "")), len(embed.get("description", "")), len(embed["footer"]["text"])]
    sizes += [len(f["name"]) + len(f["value"]) for f in embed["fields"]]
    assert sum(sizes) <= 6000 and len(embed["description"]) <= 4096 and len(embed["fields"]) <= 25
    assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in embed["fields"])
    assert len(followup.json.get("content") or "") <= 2000
    assert all(len(b["label"]) <= 80 for row in followup.json["components"] for b in row["components"])


async def test_question__too_long_is_refused_privately_without_asking_the_engine(bot, fake: FakeDiscord,
                                                                                 engine) -> None:
    ask(bot, "pourquoi " * 60)  # 540 characters > 500
    callback, = await fake.wait_for(lambda c: c.is_callback)
    assert callback.json["type"] == MESSAGE and callback.flags == EPHEMERAL
    assert "la limite est de 500" in callback.json["data"]["content"]
    assert engine.questions == []


async def test_question__blank_gets_the_help_privately(bot, fake: FakeDiscord, engine) -> None:
    ask(bot, "   ")
    callback, = await fake.wait_for(lambda c: c.is_callback)
    assert callback.flags == EPHEMERAL and "/question" in callback.json["data"]["content"]
    assert engine.questions == []


async def test_question__sixth_in_a_minute_is_refused_with_the_wait(bot, fake: FakeDiscord, engine, clock) -> None:
    for second in (0, 10, 20, 30, 40):
        clock.now = 1000.0 + second
        ask(bot, f"Question numéro {second} ?")
        await fake.wait_for(lambda c: c.is_followup, count=second // 10 + 1)

    clock.now = 1045.0
    ask(bot, "Une sixième question ?")
    refusal, = await fake.wait_for(lambda c: c.is_callback and c.flags == EPHEMERAL)
    assert "Réessayez dans 15 secondes" in refusal.json["data"]["content"]
    assert len(engine.questions) == 5

    ask(bot, "Et moi ?", who=member(STAFF_ID, name="autre.personne"))  # someone else is not limited
    await fake.wait_for(lambda c: c.is_followup, count=6)

    clock.now = 1061.0  # the first question left the window
    ask(bot, "Une sixième question ?")
    await fake.wait_for(lambda c: c.is_followup, count=7)
    assert engine.questions[-1] == "Une sixième question ?"


async def test_question__engine_error_is_a_private_french_message(bot, fake: FakeDiscord, engine) -> None:
    def fail(question: str) -> Answer:
        raise IndexGone()
    engine.respond = fail
    ask(bot, "Comment financer une étude ?")
    followup, = await fake.wait_for(lambda c: c.is_followup)
    # The public « réfléchit… » placeholder is removed first, so the error is only seen by the asker.
    assert fake.matching(lambda c: c.method == "DELETE" and c.path.endswith("/messages/@original"))
    assert followup.flags == EPHEMERAL
    assert followup.json["content"] == "L'index est introuvable.\n→ Construisez l'index avec « pvd ingest »."


async def test_question__unexpected_failure_is_logged_and_the_user_gets_an_apology(bot, fake: FakeDiscord, engine,
                                                                                   caplog) -> None:
    def crash(question: str) -> Answer:
        raise RuntimeError("division du budget par zéro")
    engine.respond = crash
    with caplog.at_level(logging.ERROR):
        ask(bot, "Comment financer une étude ?")
        followup, = await fake.wait_for(lambda c: c.is_followup)
    assert followup.flags == EPHEMERAL and followup.json["content"] == APOLOGY
    assert "division du budget" not in followup.text and "Traceback" not in followup.text
    assert any(r.exc_info and "division du budget" in str(r.exc_info[1]) for r in caplog.records)


async def test_question__outside_the_cycle_says_so_and_suggests_the_nearest_sessions(bot, fake: FakeDiscord,
                                                                                     engine) -> None:
    engine.respond = abstention
    ask(bot, "Quelle est la recette de la ficelle picarde ?")
    followup, = await fake.wait_for(lambda c: c.is_followup)
    embed = followup.json["embeds"][0]
    assert "pas trouvé" in embed["description"]
    assert "S03" in embed["fields"][0]["value"] and "S06" in embed["fields"][0]["value"]
    assert followup.json.get("components", []) == []  # no « replay at the answer » for a non-answer


# ---- /sessions and /session -------------------------------------------------------------------------------------

async def test_sessions__lists_every_session_by_module_with_replay_links(bot, fake: FakeDiscord) -> None:
    bot._connection.parse_interaction_create(command_interaction("sessions"))
    followup, = await fake.wait_for(lambda c: c.is_followup)
    callback, = fake.matching(lambda c: c.is_callback)
    assert callback.json == {"type": DEFERRED, "data": {"flags": EPHEMERAL}}
    assert followup.flags == EPHEMERAL
    titles = [e["title"] for e in followup.json["embeds"]]
    assert titles == ["M1 — Comprendre et révéler son territoire", "M2 — Concevoir le projet de revitalisation",
                      "M3 — Mettre en œuvre et financer"]
    text = followup.text
    for session in CYCLE.sessions:
        assert session.id in text
    assert "[Visite de Guise : le Familistère, moteur du centre-ville](https://www.youtube.com/watch?v=pVd0S03aisn)" \
        in text
    assert "Financer l'opération de revitalisation du territoire (pas de replay)" in text


async def test_session__shows_date_kind_speakers_fiches_and_replay(bot, fake: FakeDiscord) -> None:
    bot._connection.parse_interaction_create(command_interaction("session", id="s06"))
    followup, = await fake.wait_for(lambda c: c.is_followup)
    assert followup.flags & EPHEMERAL == 0
    embed = followup.json["embeds"][0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"] == "S06 — Commerces vacants : redynamiser le centre-bourg"
    assert fields["Date"] == "19 mai 2022" and fields["Format"] == "atelier"
    assert "Manager de centre-ville" in fields["Intervenants"]
    assert fields["Fiches"] == "• S06-commerces.pdf\n• S06-support.docx"
    button = followup.json["components"][0]["components"][0]
    assert button["url"] == "https://www.youtube.com/watch?v=pVd0S06aisn" and button["label"] == "Voir le replay"


async def test_session__unknown_id_is_refused_privately(bot, fake: FakeDiscord) -> None:
    bot._connection.parse_interaction_create(command_interaction("session", id="S99"))
    followup, = await fake.wait_for(lambda c: c.is_followup)
    assert followup.flags == EPHEMERAL
    assert followup.json["content"].startswith("Aucune séance ne correspond à « S99 »")


@pytest.mark.parametrize(("typed", "expected"), [
    ("familistere", ["S03"]),  # accents ignored
    ("COMMERCES", ["S06"]),  # case ignored
    ("s0", ["S01", "S03", "S06"]),
    ("", ["S01", "S03", "S06", "S11"]),
])
async def test_session__autocomplete_matches_ids_and_titles_without_accents(bot, fake: FakeDiscord, typed: str,
                                                                            expected: list[str]) -> None:
    bot._connection.parse_interaction_create(command_interaction("session", autocomplete="id", id=typed))
    callback, = await fake.wait_for(lambda c: c.is_callback)
    assert callback.json["type"] == AUTOCOMPLETE_RESULT
    choices = callback.json["data"]["choices"]
    assert [c["value"] for c in choices] == expected
    assert all(len(c["name"]) <= 100 for c in choices)
    if typed == "familistere":
        assert choices[0]["name"] == "S03 — Visite de Guise : le Familistère, moteur du centre-ville (21 octobre 2021)"


# ---- /aide -------------------------------------------------------------------------------------------------------

async def test_aide__explains_in_three_private_lines(bot, fake: FakeDiscord) -> None:
    bot._connection.parse_interaction_create(command_interaction("aide"))
    callback, = await fake.wait_for(lambda c: c.is_callback)
    content = callback.json["data"]["content"]
    assert callback.flags == EPHEMERAL and len(content.splitlines()) == 3
    assert "/question" in content and "/sessions" in content and "👍" in content


# ---- /reindexer --------------------------------------------------------------------------------------------------

async def test_reindexer__member_with_the_staff_role_gets_the_summary(bot, fake: FakeDiscord, reindexer) -> None:
    staff = member(STAFF_ID, roles=(STAFF_ROLE_ID,), name="equipe.caue")
    bot._connection.parse_interaction_create(command_interaction("reindexer", who=staff))
    followup, = await fake.wait_for(lambda c: c.is_followup)
    callback, = fake.matching(lambda c: c.is_callback)
    assert callback.json == {"type": DEFERRED, "data": {"flags": EPHEMERAL}}
    assert followup.flags == EPHEMERAL
    assert followup.json["content"] == "Réindexation terminée.\nS12 ajoutée (48 passages), S06 modifiée (3 passages)."
    assert reindexer.calls == 1 and reindexer.threads[0] != threading.main_thread().name


async def test_reindexer__member_with_manage_server_passes(bot, fake: FakeDiscord, reindexer) -> None:
    admin = member(ADMIN_ID, permissions=BASIC_PERMISSIONS | MANAGE_GUILD, name="admin.serveur")
    bot._connection.parse_interaction_create(command_interaction("reindexer", who=admin))
    await fake.wait_for(lambda c: c.is_followup)
    assert reindexer.calls == 1


async def test_reindexer__other_members_are_refused_privately(bot, fake: FakeDiscord, reindexer) -> None:
    bot._connection.parse_interaction_create(command_interaction("reindexer", who=member(USER_ID)))
    callback, = await fake.wait_for(lambda c: c.is_callback)
    assert callback.json["type"] == MESSAGE and callback.flags == EPHEMERAL
    assert callback.json["data"]["content"] == (
        "Cette commande est réservée à l'équipe du CAUE (aux membres ayant le rôle « Équipe CAUE » "
        "ou la permission « Gérer le serveur »).")
    assert reindexer.calls == 0


async def test_reindexer__failure_is_reported_with_its_fix(bot, fake: FakeDiscord, reindexer) -> None:
    reindexer.error = IndexGone("Le catalogue cycle.toml contient 1 erreur(s).", "Corrigez cycle.toml.")
    staff = member(STAFF_ID, roles=(STAFF_ROLE_ID,), name="equipe.caue")
    bot._connection.parse_interaction_create(command_interaction("reindexer", who=staff))
    followup, = await fake.wait_for(lambda c: c.is_followup)
    assert followup.flags == EPHEMERAL
    assert followup.json["content"] == ("La réindexation a échoué ; l'index précédent reste en service.\n"
                                        "Le catalogue cycle.toml contient 1 erreur(s).\n→ Corrigez cycle.toml.")


async def test_reindexer__questions_are_answered_while_it_runs(bot, fake: FakeDiscord, reindexer) -> None:
    reindexer.gate = threading.Event()
    staff = member(STAFF_ID, roles=(STAFF_ROLE_ID,), name="equipe.caue")
    bot._connection.parse_interaction_create(command_interaction("reindexer", who=staff))
    await fake.wait_for(lambda c: c.is_callback)

    ask(bot, "Comment redynamiser les commerces vacants ?")
    answer, = await fake.wait_for(lambda c: c.is_followup)
    assert answer.json["embeds"]  # answered while the re-index is still running
    reindexer.gate.set()
    summary = (await fake.wait_for(lambda c: c.is_followup, count=2))[1]
    assert summary.json["content"].startswith("Réindexation terminée.")


def is_reply_edit(call) -> bool:
    return call.method == "PATCH" and call.path.endswith("/messages/@original")


async def test_reindexer__progress_is_shown_in_the_private_reply_at_most_every_two_seconds(bot, fake: FakeDiscord,
                                                                                         reindexer) -> None:
    reindexer.gate = threading.Event()
    staff = member(STAFF_ID, roles=(STAFF_ROLE_ID,), name="equipe.caue")
    bot._connection.parse_interaction_create(command_interaction("reindexer", who=staff))
    assert await asyncio.to_thread(reindexer.entered.wait, 5)
    callback, = fake.matching(lambda c: c.is_callback)
    assert callback.json == {"type": DEFERRED, "data": {"flags": EPHEMERAL}}  # the reply is private

    reindexer.progress(12, 48)  # as the index build reports it, from the worker thread
    first, = await fake.wait_for(is_reply_edit)
    assert first.json["content"] == "Réindexation en cours : 12 / 48 passages calculés (25 %)…"

    reindexer.progress(24, 48)
    reindexer.progress(36, 48)
    await asyncio.sleep(0.5)
    assert len(fake.matching(is_reply_edit)) == 1  # not one edit per batch
    second = (await fake.wait_for(is_reply_edit, count=2))[1]
    assert second.json["content"] == "Réindexation en cours : 36 / 48 passages calculés (75 %)…"  # the latest
    assert second.at - first.at >= 1.9

    reindexer.gate.set()
    summary, = await fake.wait_for(lambda c: c.is_followup)  # below the progress, as without it
    assert summary.flags == EPHEMERAL
    assert summary.json["content"] == "Réindexation terminée.\nS12 ajoutée (48 passages), S06 modifiée (3 passages)."
    last = fake.matching(is_reply_edit)[-1]  # the progress gives way to the summary
    assert last.json["content"] == "Réindexation terminée : le résumé suit."
    assert len(fake.matching(is_reply_edit)) == 3

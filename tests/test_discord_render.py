"""answer_embed / render_sessions / render_session: read the discord.py objects they return."""

from __future__ import annotations

import dataclasses
import datetime as dt

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import Answer
from bot.discord_bot.render import answer_embed, render_session, render_sessions
from bot.discord_bot.text import french_date, truncate
from ingest.models import Cycle, Module, Session
from tests.fixtures.discord.doubles import CYCLE, abstention, fiche_source, good_answer, transcript_source

LONG_WORDS = "la revitalisation du centre-bourg passe par le commerce " * 100  # 5,600 characters


def assert_within_discord_limits(embed: discord.Embed, view: discord.ui.View) -> None:
    data = embed.to_dict()
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    fields = data.get("fields", [])
    assert len(fields) <= 25
    for field in fields:
        assert 0 < len(field["name"]) <= 256 and 0 < len(field["value"]) <= 1024
    assert len(embed) <= 6000
    rows = view.to_components()
    assert len(rows) <= 5
    for row in rows:
        assert len(row["components"]) <= 5
        for button in row["components"]:
            assert len(button.get("label") or "") <= 80
            assert len(button.get("url") or "") <= 512
            assert len(button.get("custom_id") or "") <= 100


def test_answer__thirty_sources_of_5000_characters_stay_within_every_limit() -> None:
    sources = tuple(transcript_source(rank, "S06", 60.0 * rank, text=LONG_WORDS[:5000]) for rank in range(1, 31))
    answer = Answer("Comment " + "financer " * 200 + "?", True, LONG_WORDS, sources)
    embed, view = answer_embed(answer, 42)
    assert_within_discord_limits(embed, view)
    assert embed.description and embed.description.endswith("…")
    assert embed.title and embed.title.endswith("…")
    assert len(embed.fields) == 10 and embed.footer.text == "+ 20 autres passages non affichés."
    assert all(f.value.endswith("… »") for f in embed.fields)  # type: ignore[union-attr]


def test_answer__truncation_cuts_on_a_word_boundary() -> None:
    cut = truncate("recenser les cellules vacantes du centre-bourg", 30)
    assert cut == "recenser les cellules…" and len(cut) <= 30


def test_answer__each_source_is_titled_with_session_module_and_date_and_links_its_timestamp() -> None:
    embed, _ = answer_embed(good_answer("Commerces ?"), 7)
    transcript, fiche = embed.fields
    assert transcript.name == "S06 · Commerces vacants : redynamiser le centre-bourg — M2 · 19 mai 2022"
    assert transcript.value == ("[▶ 10:12](https://www.youtube.com/watch?v=pVd0S06aisn&t=609s) « il faut d'abord "
                                "recenser les cellules vacantes et rencontrer les propriétaires »")
    assert fiche.name == "📄 S06-commerces.pdf — Commerces vacants : redynamiser le centre-bourg"
    assert fiche.value.startswith("Section : Programme de l'atelier\n")


def test_answer__replay_button_goes_to_the_best_transcript_source_even_after_a_fiche() -> None:
    answer = Answer("Q ?", True, "Réponse.", (fiche_source(1), transcript_source(2, "S03", 3725.0)))
    _, view = answer_embed(answer, 3)
    link, up, down = view.children
    assert isinstance(link, discord.ui.Button) and link.style is discord.ButtonStyle.link
    assert link.label == "Voir le replay à 1:02:05" and link.url == "https://www.youtube.com/watch?v=pVd0S03aisn&t=3722s"
    assert [up.custom_id, down.custom_id] == ["pvd:vote:up:3", "pvd:vote:down:3"]  # type: ignore[attr-defined]


def test_answer__without_an_id_there_are_no_vote_buttons_and_fiches_alone_no_replay_button() -> None:
    _, view = answer_embed(Answer("Q ?", True, "Réponse.", (fiche_source(1),)), None)
    assert view.children == []


def test_answer__mentions_in_passages_are_neutralised() -> None:
    source = transcript_source(text="merci @everyone et <@&1180000000000000300>, à @here")
    embed, _ = answer_embed(Answer("<@1180000000000000400> ?", True, "@everyone", (source,)), 1)
    text = str(embed.to_dict())
    assert "@everyone" not in text and "@here" not in text and "<@&1180000000000000300>" not in text
    assert "<@1180000000000000400>" not in text


def test_abstention__is_honest_lists_nearest_sessions_and_offers_no_answer_buttons() -> None:
    embed, view = answer_embed(abstention("Ficelle picarde ?"), 9)
    assert embed.description == "Je n'ai pas trouvé de réponse dans le cycle."
    nearest, = embed.fields
    assert nearest.name == "Séances les plus proches de votre question"
    assert nearest.value.splitlines()[0].startswith("• [S03 · Visite de Guise")
    assert view.children == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=st.text(max_size=3000), text=st.text(max_size=9000),
       passages=st.lists(st.tuples(st.text(max_size=6000), st.text(max_size=400), st.booleans()), max_size=30))
def test_answer__any_input_lengths_stay_within_limits(question: str, text: str,
                                                      passages: list[tuple[str, str, bool]]) -> None:
    sources = tuple(
        dataclasses.replace(transcript_source(i + 1) if is_transcript else fiche_source(i + 1), text=body,
                            session_title=title or None, heading=title or None)
        for i, (body, title, is_transcript) in enumerate(passages)
    )
    for answered in (True, False):
        embed, view = answer_embed(Answer(question, answered, text, sources), 123456789)
        assert_within_discord_limits(embed, view)


def test_sessions__a_large_catalogue_is_split_into_messages_within_limits() -> None:
    sessions = tuple(Session(f"S{i:03d}", "M1", "Atelier " + "très long titre " * 60, dt.date(2022, 1, 1) +
                             dt.timedelta(days=i), "atelier", "pVd0S01aisn") for i in range(120))
    cycle = Cycle("Cycle", "CAUE", (), (Module("M1", "Un seul module"),), sessions, CYCLE.root)
    messages = render_sessions(cycle)
    assert len(messages) > 1
    shown = [f.name.split(" · ")[0] for embeds in messages for e in embeds for f in e.fields]
    assert shown == [s.id for s in sessions]  # every session, in order, once
    for embeds in messages:
        assert len(embeds) <= 10 and sum(len(e) for e in embeds) <= 6000
        for embed in embeds:
            assert_within_discord_limits(embed, discord.ui.View())


def test_session__card_with_long_lists_stays_within_limits() -> None:
    session = dataclasses.replace(CYCLE.sessions[2], speakers=tuple(f"Intervenant {i} " * 5 for i in range(200)),
                                  fiches=tuple(f"fiches/doc-{i}.pdf" for i in range(300)))
    embed, view = render_session(session, CYCLE)
    assert_within_discord_limits(embed, view)
    assert embed.url == "https://www.youtube.com/watch?v=pVd0S06aisn"


def test_french_date__reads_like_a_french_calendar() -> None:
    assert french_date("2021-06-01") == "1er juin 2021" and french_date(dt.date(2022, 8, 19)) == "19 août 2022"


def test_answer__composed_passages_appear_once_in_fields_not_twice_on_the_phone() -> None:
    from bot.compose import Passage, compose
    from tests.test_compose import CYCLE, PUNCTUATED, window

    answer = compose("aides vitrines ?", [Passage(window("S05", 100.0, PUNCTUATED), 0.5, (3, 4), 100.0, 129.5)],
                     CYCLE, answered=True)
    embed, _ = answer_embed(answer, 1)
    data = embed.to_dict()
    assert "la moitié des travaux" in data["fields"][0]["value"]
    assert "la moitié des travaux" not in data["description"]

"""Answer composition: what a person reads, from passages already retrieved (pure functions)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.compose import AnswerConfig, Passage, compose, excerpt, link_cue
from ingest.models import Chunk, Cue, Cycle, Module, Session

CYCLE = Cycle("Cycle", "CAUE de l'Aisne", ("DDT",), (Module("M2", "Concevoir"),),
              (Session("S05", "M2", "Commerces vacants", dt.date(2022, 3, 1), "atelier", youtube_id="pVd0S05aisn"),
               Session("S06", "M2", "Espaces publics", dt.date(2022, 5, 19), "table ronde",
                       youtube_id="pVd0S06aisn")), Path("."))


def window(session: str, start: float, texts: list[str], step: float = 5.0) -> Chunk:
    cues = tuple(Cue(start + step * i, start + step * i + step - 0.5, t) for i, t in enumerate(texts))
    return Chunk(f"{session}:{start:.2f}", "transcript", " ".join(texts), f"transcripts/{session}.vtt", session,
                 cues[0].start, cues[-1].end, None, cues)


PUNCTUATED = ["Bonjour à tous.", "Parlons des vitrines.", "La commune finance", "la moitié des travaux",
              "de rénovation des devantures.", "Merci."]
AUTO = ["bonjour à tous", "parlons des vitrines", "la commune finance", "la moitié des travaux"]


def test_link__moves_back_to_the_start_of_the_sentence_when_captions_are_punctuated():
    chunk = window("S05", 100.0, PUNCTUATED)
    assert link_cue(chunk, (3, 4)) == 2  # « la moitié… » belongs to the sentence « La commune finance… »


def test_link__stays_on_the_matched_cue_with_auto_captions():
    assert link_cue(window("S05", 100.0, AUTO), (3, 3)) == 3


def test_source_link__opens_three_seconds_before_the_excerpt_not_at_the_window_start():
    answer = compose("aides vitrines ?", [Passage(window("S05", 100.0, PUNCTUATED), 0.5, (3, 4), 100.0, 129.5)],
                     CYCLE, answered=True)
    source = answer.sources[0]
    assert source.start == 110.0 and source.url == "https://www.youtube.com/watch?v=pVd0S05aisn&t=107s"
    assert source.text.startswith("La commune finance la moitié")
    assert "Commerces vacants" in answer.text and "1er mars 2022" in answer.text and "▶ 1:50" in answer.text


def test_excerpt__cut_on_a_word_boundary_with_ellipsis_when_mid_sentence():
    chunk = window("S05", 0.0, AUTO * 20)
    text = excerpt(chunk, 2, 80)
    assert text.startswith("… la commune finance") and text.endswith(" …")
    assert len(text) <= 80 + 4 and "  " not in text
    assert all(word in " ".join(AUTO) for word in text.strip("… ").split())


def test_unsure_answer__gives_the_passage_with_a_caveat_and_counts_as_answered():
    answer = compose("aides vitrines ?", [Passage(window("S05", 100.0, PUNCTUATED), 0.5, (3, 4), 100.0, 129.5)],
                     CYCLE, answered=True, sure=False)
    assert answer.answered and answer.text.startswith("Je ne suis pas sûr")
    assert answer.lead.startswith("Je ne suis pas sûr") and answer.sources[0].url


def test_abstention__says_so_plainly_and_offers_the_nearest_sessions():
    answer = compose("recette de la flamiche ?", [Passage(window("S06", 0.0, AUTO), 0.1, (0, 0), 0.0, 19.5)],
                     CYCLE, answered=False, config=AnswerConfig())
    assert not answer.answered and answer.text.startswith("Je ne sais pas")
    assert "Espaces publics" in answer.text and answer.sources[0].session == "S06"


def test_fiche_source__cites_the_document_and_section_without_replay_link():
    fiche = Chunk("fiches/guide.md#1", "fiche", "Les boutiques à l'essai permettent de tester.", "fiches/guide.md",
                  None, heading="Guide — Commerce")
    answer = compose("boutique à l'essai", [Passage(fiche, 0.5)], CYCLE, answered=True)
    source = answer.sources[0]
    assert source.url is None and source.start is None and source.document == "fiches/guide.md"
    assert "guide.md" in answer.text and "Commerce" in answer.text

"""Ranking by the moment and the answer/abstain decision (index.ranking), and the programme's lexicon."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.ranking import (Moment, MomentFeatures, RankingConfig, evidence, joined_with_next, off_topic_closeness,
                           select_moments, topic_closeness, window_vectors)
from index.text import Vocabulary
from ingest.lexicon import parse_lexicon, read_lexicon


def moment(session: str | None, start: float | None, score: float, document: str = "t.vtt",
           heading: str | None = None) -> Moment:
    return Moment(0, session, document, heading, start, (0, 0) if start is not None else None,
                  MomentFeatures(0.0, 0.0, 0.0, 0.0, 0.0), score)


def test_sources__one_session_cannot_fill_every_slot_and_its_two_moments_are_apart():
    moments = [moment("S05", 100.0, 0.9), moment("S05", 115.0, 0.89), moment("S05", 400.0, 0.8),
               moment("S05", 700.0, 0.79), moment("S06", 10.0, 0.5)]
    kept = select_moments(moments, limit=3, per_session=2, min_gap=45.0)
    assert [(m.session_id, m.start) for m in kept] == [("S05", 100.0), ("S05", 400.0), ("S06", 10.0)]


def test_sources__a_fiche_section_is_cited_once():
    moments = [moment(None, None, 0.9, "fiches/a.md", "Aides"), moment(None, None, 0.8, "fiches/a.md", "Aides"),
               moment(None, None, 0.7, "fiches/a.md", "Contacts")]
    assert [m.heading for m in select_moments(moments, 3, 2, 45.0)] == ["Aides", "Contacts"]


def test_decision__probability_rises_with_the_evidence_and_falls_near_a_known_off_topic_question():
    config = RankingConfig()

    def p(margin: float = 0.12, share: float = 0.6, nearest: float = 0.03, off_topic: float = 0.87) -> float:
        return config.probability(margin, share, nearest, off_topic)

    low, mid, high = (p(margin=margin, nearest=margin - 0.09) for margin in (0.06, 0.12, 0.2))
    assert 0.0 <= low < config.decline_below <= mid < high <= 1.0
    assert p(margin=0.15, share=0.2) < p(margin=0.15, share=0.9)
    assert p(nearest=0.0) < p(nearest=0.05)
    # the same evidence, from a question closer to the everyday business of a mairie, is less of an answer
    assert p(off_topic=0.90) < config.decline_below <= p(off_topic=0.85)


def test_evidence__margin_over_the_noise_and_how_many_top_windows_come_from_the_two_best_sessions():
    def at(row: int, session: str, score: float, fused: float) -> Moment:
        return Moment(row, session, "t.vtt", None, 10.0 * row, (0, 0), MomentFeatures(0, 0, 0, 0, fused), score)

    moments = [at(0, "S01", 0.95, 2.0), at(0, "S01", 0.90, 2.0), at(1, "S01", 0.80, 1.5), at(2, "S02", 0.85, 1.0),
               at(3, "S03", 0.70, 0.9), at(4, "S04", 0.60, 0.1)]
    margin, share, _, _ = evidence(moments, noise=0.85, off_topic=0.0, depth=4)
    # best moment S01, runner-up S02: S03 is in the top four windows but counts for neither
    assert abs(margin - 0.10) < 1e-9 and abs(share - 3 / 4) < 1e-9


def test_evidence__the_nearest_window_counts_even_when_another_moment_ranks_first():
    def at(row: int, window: float, coverage: float) -> Moment:
        f = MomentFeatures(window, window, window, coverage, 1.0)
        return Moment(row, "S01", "t.vtt", None, 0.0, (0, 0), f, RankingConfig().score(f))

    # the words of the question in a window of middling meaning; a closer window without them
    moments = [at(0, 0.86, 0.9), at(1, 0.90, 0.0)]
    found = evidence(moments, noise=0.85, off_topic=0.0)
    assert found.margin == moments[0].score - 0.85
    assert abs(found.nearest - 0.05) < 1e-6
    assert evidence([], noise=0.85, off_topic=0.0).nearest < 0


def test_off_topic_closeness__the_nearest_known_off_topic_question_counts():
    questions = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32)
    query = np.array([0.6, 0.8, 0.0], np.float32)
    assert abs(off_topic_closeness(questions, query) - 0.8) < 1e-6
    assert off_topic_closeness(np.zeros((0, 3), np.float32), query) == 0.0


def test_evidence__two_sessions_on_one_subject_keep_the_share_that_scattered_windows_lose():
    def windows(*sessions: str) -> list[Moment]:
        return [Moment(row, s, "t.vtt", None, 0.0, (0, 0), MomentFeatures(0, 0, 0, 0, 2.0 - row / 10), 0.9 - row / 100)
                for row, s in enumerate(sessions)]

    alone = evidence(windows("S04", "S04", "S04", "S04"), noise=0.8, off_topic=0.0, depth=4)[1]
    twins = evidence(windows("S04", "S09", "S04", "S09"), noise=0.8, off_topic=0.0, depth=4)[1]
    scattered = evidence(windows("S04", "S09", "S02", "S11"), noise=0.8, off_topic=0.0, depth=4)[1]
    assert alone == twins == 1.0 and scattered == 0.5


def test_pair_evidence__joins_each_segment_to_the_next_of_its_own_window_only():
    segments = np.eye(3, dtype=np.float32)
    joined = joined_with_next(segments, np.array([7, 7, 8]))
    assert np.allclose(joined[0], [2 ** -0.5, 2 ** -0.5, 0]) and np.allclose(joined[1], [0, 1, 0])
    assert np.allclose(joined[2], [0, 0, 1])


def test_window_vector__is_the_mean_direction_of_its_segments():
    segments = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    vectors = window_vectors(segments, np.array([0, 0, 2]), 3)
    assert np.allclose(vectors[0], [2 ** -0.5, 2 ** -0.5]) and np.allclose(vectors[1], 0)
    assert np.allclose(vectors[2], [1, 0])


def test_topic_evidence__is_relative_to_the_cycle_sessions():
    topics = np.eye(3, dtype=np.float32)
    closeness = topic_closeness(topics, np.array([[0.8, 0.6, 0.0]], dtype=np.float32))
    assert np.allclose(closeness, [[0.8 - 1.4 / 3, 0.6 - 1.4 / 3, -1.4 / 3]])
    # a question as close to every title favours none; a cycle without sessions gives no evidence
    assert np.allclose(topic_closeness(topics, np.full((1, 3), 3 ** -0.5, np.float32)), 0.0)
    assert topic_closeness(np.zeros((0, 3), np.float32), np.ones((2, 3), np.float32)).shape == (2, 0)


def test_lexicon__acronym_full_form_and_auto_caption_mishearing_meet():
    vocabulary = Vocabulary(read_lexicon(Path("/nonexistent"))[0])
    question = vocabulary.analyze("comment recuperer le fichier LOVAC ?")
    caption = vocabulary.analyze("on a regardé les fichiers l'eau vac et le terrain")
    everyday = vocabulary.analyze("les logements qui ne trouvent pas preneur")
    assert "lxlovac" in question and "lxlovac" in caption
    assert "lxvacanceresidentielle" in everyday
    assert "lxlovac" not in vocabulary.analyze("l'eau du ruisseau")
    # the auto captions hear « Denormandie » as « de Normandie »
    assert "lxdenormandie" in vocabulary.analyze("le dispositif de normandie c'est une réduction d'impôt")
    assert "lxdenormandie" in vocabulary.analyze("denormandie : combien de reduction d'impot ?")
    # an acronym is found as a whole word, however it is typed (its stem is also the stem of « pluie »)
    for typed in ("modifier le PLUi", "modifier le plui", "les PLUIs du département"):
        assert "lxplanlocaldurbanisme" in vocabulary.analyze(typed)


def test_lexicon__the_encoder_reads_the_name_of_a_notion_the_question_only_describes():
    vocabulary = Vocabulary(read_lexicon(Path("/nonexistent"))[0])

    def named(question: str) -> str:
        return vocabulary.named(question, vocabulary.analyze(question))

    assert named("On a vingt vitrines vides dans la grande rue") == \
        "On a vingt vitrines vides dans la grande rue (vacance commerciale)"
    assert named("faut-il consulter la population ? et les logements vides ?") == \
        "faut-il consulter la population ? et les logements vides ? (concertation, vacance résidentielle)"
    # a question that already names the notion, or evokes none, is read as it is typed
    assert named("Comment lutter contre la Vacance Commerciale ?") == "Comment lutter contre la Vacance Commerciale ?"
    assert named("Comment faire une pâte à crêpes ?") == "Comment faire une pâte à crêpes ?"


@pytest.mark.parametrize("everyday", ["il a plu toute la journée", "on se retrouve à la gare", "avec un ami",
                                      "on a viré la somme", "le maître d'ouvrage", "la station d'épuration",
                                      "dans le hall de la mairie", "l'eau du ruisseau", "entre villes voisines",
                                      "gérer les eaux de pluie sur place", "les pluies d'orage"])
def test_lexicon__everyday_words_that_look_like_a_notion_are_not_one(everyday: str):
    assert not [t for t in Vocabulary(read_lexicon(Path("/nonexistent"))[0]).analyze(everyday) if t.startswith("lx")]


def test_lexicon__a_corpus_extends_it_with_its_own_file(tmp_path: Path):
    (tmp_path / "lexique.txt").write_text("# local\nPLH | programme local de l'habitat | p l h\nseul\n",
                                          encoding="utf-8")
    groups, notes = read_lexicon(tmp_path)
    assert ("PLH", "programme local de l'habitat", "p l h") in groups
    assert "lxplh" in Vocabulary(groups).analyze("le programme local de l'habitat de la comcom")
    assert parse_lexicon("seul\n# rien\n") == ()
    # staff are told what their file brought, and which line was left out and why
    assert "1 notion(s) ajoutée(s)" in notes[0]
    assert "ligne(s) 3 : une seule forme" in notes[1] and "« | »" in notes[1]


def test_lexicon__a_corpus_without_its_own_file_is_not_told_anything(tmp_path: Path):
    groups, notes = read_lexicon(tmp_path)
    assert groups and notes == []

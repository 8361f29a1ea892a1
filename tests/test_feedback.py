"""The feedback store: questions, answers and votes in SQLite, and the staff report."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from bot.answer import Answer
from bot.errors import FeedbackError, UnknownAnswerError
from bot.feedback import DOWN, UP, FeedbackStore, format_feedback_report
from ingest.errors import PvdError
from tests.fixtures.discord.doubles import abstention, good_answer

UTC = dt.timezone.utc
MAY = (dt.datetime(2025, 5, 1, tzinfo=UTC), dt.datetime(2025, 6, 1, tzinfo=UTC))


class Calendar:
    """The store's clock, set by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 5, 12, 9, 0, tzinfo=UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def calendar() -> Calendar:
    return Calendar()


@pytest.fixture
def store(tmp_path: Path, calendar: Calendar) -> FeedbackStore:
    return FeedbackStore(tmp_path / "data" / "feedback.sqlite", clock=calendar)


def test_log_answer__stores_question_flag_sources_and_time(store: FeedbackStore) -> None:
    first = store.log_answer(good_answer("Commerces vacants ?"), 1180000000000000400, "discord:1")
    second = store.log_answer(abstention("Ficelle picarde ?"), None, "cli")
    assert second > first
    row = sqlite3.connect(store.path).execute(
        "SELECT question, answered, sources, asked_at, user_id, channel FROM answers WHERE id = ?", (first,)).fetchone()
    question, answered, sources, asked_at, user_id, channel = row
    assert (question, answered, user_id, channel) == ("Commerces vacants ?", 1, 1180000000000000400, "discord:1")
    assert json.loads(sources)[0]["url"] == "https://www.youtube.com/watch?v=pVd0S06aisn&t=609s"
    assert asked_at == "2025-05-12T09:00:00.000000+00:00"


def test_store__uses_wal_and_survives_reopening(store: FeedbackStore, calendar: Calendar) -> None:
    answer_id = store.log_answer(good_answer("Q ?"), 1, "discord:1")
    reopened = FeedbackStore(store.path, clock=calendar)
    reopened.vote(answer_id, 2, DOWN)
    assert sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reopened.report(*MAY).downvoted[0].answer_id == answer_id


def test_vote__one_per_person_and_answer_the_last_one_counts(store: FeedbackStore) -> None:
    answer_id = store.log_answer(good_answer("Q ?"), 1, "discord:1")
    store.vote(answer_id, 10, DOWN)
    store.vote(answer_id, 10, UP)
    store.vote(answer_id, 10, DOWN)
    store.vote(answer_id, 11, UP)
    report = store.report(*MAY)
    assert (report.votes_up, report.votes_down) == (1, 1)
    assert (report.downvoted[0].down, report.downvoted[0].up) == (1, 1)


def test_vote__unknown_answer_is_a_french_pvd_error(store: FeedbackStore) -> None:
    with pytest.raises(UnknownAnswerError) as raised:
        store.vote(999, 10, UP)
    assert isinstance(raised.value, PvdError)
    assert str(raised.value).startswith("La réponse n° 999 n'est plus enregistrée")


def test_report__unanswered_questions_grouped_ignoring_case_accents_and_punctuation(store: FeedbackStore,
                                                                                    calendar: Calendar) -> None:
    for minute, question in enumerate(["Où trouver la fiche du cycle ?", "Quel est le budget ?",
                                       "ou trouver la FICHE du cycle", "Où  trouver la fiche du cycle ?!",
                                       "Quel est le budget ?", "Qui anime le cycle ?"]):
        calendar.now = dt.datetime(2025, 5, 12, 9, minute, tzinfo=UTC)
        store.log_answer(abstention(question), 1, "discord:1")
    store.log_answer(good_answer("Commerces ?"), 1, "discord:1")  # answered: not in the list

    report = store.report(*MAY)
    assert [(u.count, u.question) for u in report.unanswered] == [
        (3, "Où  trouver la fiche du cycle ?!"), (2, "Quel est le budget ?"), (1, "Qui anime le cycle ?")]
    assert (report.questions, report.answered) == (7, 1)


def test_report__only_the_period_asked_for(store: FeedbackStore, calendar: Calendar) -> None:
    calendar.now = dt.datetime(2025, 4, 30, 23, 59, tzinfo=UTC)
    store.log_answer(abstention("Avril ?"), 1, "discord:1")
    calendar.now = dt.datetime(2025, 5, 1, 0, 0, tzinfo=UTC)
    store.log_answer(abstention("Mai ?"), 1, "discord:1")
    calendar.now = dt.datetime(2025, 6, 1, 0, 0, tzinfo=UTC)
    store.log_answer(abstention("Juin ?"), 1, "discord:1")
    assert [u.question for u in store.report(*MAY).unanswered] == ["Mai ?"]


def test_report__downvoted_answers_most_down_votes_first_with_their_sources(store: FeedbackStore) -> None:
    once = store.log_answer(good_answer("Une fois ?"), 1, "discord:1")
    twice = store.log_answer(good_answer("Deux fois ?"), 1, "discord:1")
    liked = store.log_answer(good_answer("Appréciée ?"), 1, "discord:1")
    store.vote(once, 10, DOWN)
    store.vote(twice, 10, DOWN)
    store.vote(twice, 11, DOWN)
    store.vote(liked, 10, UP)
    report = store.report(*MAY)
    assert [(d.question, d.down) for d in report.downvoted] == [("Deux fois ?", 2), ("Une fois ?", 1)]
    transcript, fiche = report.downvoted[0].sources
    assert (transcript.session, transcript.start) == ("S06", 612.4)
    assert (fiche.document, fiche.start) == ("fiches/S06-commerces.pdf", None)


def test_format_feedback_report__french_text_for_the_staff(store: FeedbackStore) -> None:
    store.log_answer(abstention("Qui finance les études ?"), 1, "discord:1")
    store.log_answer(abstention("qui finance les etudes"), 1, "discord:1")
    bad = store.log_answer(good_answer("Commerces ?"), 1, "discord:1")
    store.vote(bad, 10, DOWN)
    text = format_feedback_report(store.report(*MAY))
    assert "3 question(s) : 1 avec réponse, 2 sans réponse." in text
    assert "Questions restées sans réponse (les plus fréquentes d'abord) :" in text
    assert "  2 × « qui finance les etudes »" in text
    assert "Réponses jugées pas utiles :" in text
    assert "« Commerces ? »" in text and "1 pas utile(s), 0 utile(s)" in text
    assert ("source : S06 « Commerces vacants : redynamiser le centre-bourg » à 10:12 "
            "(https://www.youtube.com/watch?v=pVd0S06aisn&t=609s)") in text
    assert "source : fiche S06-commerces.pdf (S06)" in text
    assert "Écrivez-la dans hors-sujet.txt à la racine du corpus" in text  # what staff can do about it


def test_format_feedback_report__an_empty_period_says_so(store: FeedbackStore) -> None:
    text = format_feedback_report(store.report(*MAY))
    assert "0 question(s)" in text and "Aucune question restée sans réponse." in text


def test_store__unusable_path_is_a_french_error(tmp_path: Path) -> None:
    (tmp_path / "feedback.sqlite").mkdir()  # a directory where the database file should be
    with pytest.raises(FeedbackError) as raised:
        FeedbackStore(tmp_path / "feedback.sqlite")
    assert "La base des avis" in str(raised.value) and "PVD_DATA_DIR" in str(raised.value)


def test_log_answer__keeps_answers_without_sources(store: FeedbackStore) -> None:
    answer_id = store.log_answer(Answer("Bonjour ?", False, "Je ne sais pas."), None, "discord:1")
    assert store.report(*MAY).unanswered[0].question == "Bonjour ?" and answer_id == 1

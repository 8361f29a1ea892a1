"""Known off-topic questions (ingest.off_topic): the bundled list, the one staff keep beside the corpus, and an
index written before they were stored."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.engine import Engine
from index.store import current_generation, read_generation
from ingest.off_topic import BUNDLED_OFF_TOPIC, MAX_OWN, parse_questions, read_off_topic


def test_off_topic__without_a_corpus_file_the_bundled_questions_apply_and_staff_are_told_nothing():
    assert BUNDLED_OFF_TOPIC and all(q.endswith("?") for q in BUNDLED_OFF_TOPIC)  # the header's comments are not
    assert read_off_topic(Path("/nonexistent")) == (BUNDLED_OFF_TOPIC, [])


def test_off_topic__staff_add_their_own_one_per_line_and_are_told_what_it_brought(tmp_path: Path):
    (tmp_path / "hors-sujet.txt").write_text(
        "# vues dans pvd rapport\n\nQuand passe la balayeuse ?  # le 12 mars\nQuand passe la balayeuse ?\n"
        f"{BUNDLED_OFF_TOPIC[0]}\n", encoding="utf-8")
    questions, notes = read_off_topic(tmp_path)
    assert questions == BUNDLED_OFF_TOPIC + ("Quand passe la balayeuse ?",)  # comments, blanks and repeats dropped
    assert notes == ["Questions hors sujet du corpus (hors-sujet.txt) : 1 question(s) ajoutée(s) à celles livrées."]


def test_off_topic__a_very_long_list_is_cut_and_staff_are_told(tmp_path: Path):
    (tmp_path / "hors-sujet.txt").write_text("".join(f"Question {n} ?\n" for n in range(MAX_OWN + 5)),
                                             encoding="utf-8")
    questions, notes = read_off_topic(tmp_path)
    assert len(questions) == len(BUNDLED_OFF_TOPIC) + MAX_OWN
    assert f"seules les {MAX_OWN} premières questions sont prises (5 ignorée(s))" in notes[1]


def test_parse_questions__one_per_line_without_comments():
    assert parse_questions("a ?\n  # rien\nb ? # note\n\na ?\n") == ("a ?", "b ?")


def test_an_index_written_before_the_off_topic_questions_were_stored_decides_as_a_new_one(small_index, tmp_path,
                                                                                         encoder):
    old = tmp_path / "old"
    shutil.copytree(small_index, old)
    (current_generation(old) / "off_topic.npy").unlink()
    assert read_generation(current_generation(old)).off_topic is None
    question = "Comment organiser le repas des anciens de la commune ?"
    before = Engine(old, encoder=encoder).retrieve(question)
    now = Engine(small_index, encoder=encoder).retrieve(question)
    assert abs(before.confidence - now.confidence) < 1e-6 and before.answered == now.answered

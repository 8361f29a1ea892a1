"""cycle.toml: a valid corpus, and every mistake staff can make, each reported in French with line and fix."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ingest.catalogue import load_cycle
from ingest.errors import CatalogueError, CatalogueMissingError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


def line_of(corpus: str, text: str, occurrence: int = 1) -> int:
    """The line number of the ``occurrence``-th line of the fixture's cycle.toml containing ``text``."""
    found = [n for n, line in enumerate((FIXTURES / corpus / "cycle.toml").read_text("utf-8").splitlines(), 1)
             if text in line]
    return found[occurrence - 1]


def problems_of(corpus: str) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        load_cycle(FIXTURES / corpus)
    assert str(FIXTURES / corpus / "cycle.toml") in str(caught.value)
    return caught.value.problems


def only_problem(corpus: str) -> str:
    problems = problems_of(corpus)
    assert len(problems) == 1, problems
    return problems[0]


# --- a valid corpus -------------------------------------------------------------------------------------------

def test_valid_catalogue__cycle_modules_and_sessions_read():
    cycle = load_cycle(FIXTURES / "valid")
    assert cycle.title == "Accompagner les Petites villes de demain dans l'Aisne"
    assert cycle.organiser == "CAUE de l'Aisne"
    assert cycle.partners == ("DDT de l'Aisne",)
    assert [(m.id, m.title) for m in cycle.modules] == [("M1", "Comprendre son territoire"),
                                                       ("M2", "Concevoir le projet")]
    assert cycle.root == FIXTURES / "valid"
    s01 = cycle.session("S01")
    assert s01 is not None
    assert (s01.module, s01.title, s01.date, s01.kind) == ("M1", "Lancement du cycle", dt.date(2021, 6, 24),
                                                           "table ronde")
    assert s01.speakers == ("Directrice du CAUE de l'Aisne", "Chef du service aménagement de la DDT")
    assert s01.transcript == "transcripts/S01.vtt"
    assert s01.fiches == ("fiches/S01-programme.md",)


def test_valid_catalogue__sessions_sorted_by_date_then_id():
    cycle = load_cycle(FIXTURES / "valid")
    # Written S03, S01, S02, S04; S03 and S04 share 2022-03-17.
    assert [s.id for s in cycle.sessions] == ["S01", "S02", "S03", "S04"]


def test_valid_catalogue__every_url_form_gives_the_bare_video_id():
    cycle = load_cycle(FIXTURES / "valid")
    # watch?v=…&list=…&t=…, youtu.be/…?si=…, shorts/…?feature=…, bare id
    assert {s.id: s.youtube_id for s in cycle.sessions} == {
        "S01": "pVd0S01aisn", "S02": "pVd0S02aisn", "S03": "pVd0S03aisn", "S04": "pVd0S04aisn"}


def test_valid_catalogue__windows_path_kept_relative_with_forward_slashes():
    s02 = load_cycle(FIXTURES / "valid").session("S02")
    assert s02 is not None and s02.fiches == ("fiches/ateliers/S02-notes.txt",)


def test_valid_catalogue__session_without_optional_fields_gets_defaults():
    s04 = load_cycle(FIXTURES / "valid").session("S04")
    assert s04 is not None
    assert (s04.speakers, s04.fiches, s04.transcript) == ((), (), None)


def test_catalogue_saved_as_windows_1252__accents_read_correctly():
    cycle = load_cycle(FIXTURES / "encodings-cp1252")
    assert cycle.title == "Cycle de démonstration"
    assert cycle.modules[0].title == "Révéler son territoire"
    assert cycle.sessions[0].title == "Études pré-opérationnelles"


def test_catalogue_saved_with_utf8_bom__read_without_syntax_error():
    assert load_cycle(FIXTURES / "encodings-utf8-bom").title == "Cycle enregistré par le Bloc-notes"


# --- the file itself --------------------------------------------------------------------------------------------

def test_missing_catalogue__french_error_says_to_create_it_or_set_pvd_corpus():
    with pytest.raises(CatalogueMissingError) as caught:
        load_cycle(FIXTURES / "missing")
    message = str(caught.value)
    assert "cycle.toml" in message and "introuvable" in message
    assert "Créez" in message and "PVD_CORPUS" in message


def test_missing_corpus_folder__error_names_the_folder(tmp_path: Path):
    with pytest.raises(CatalogueError) as caught:
        load_cycle(tmp_path / "pas-de-corpus")
    assert "n'existe pas" in str(caught.value) and "PVD_CORPUS" in str(caught.value)


def test_syntax_error_on_a_date__line_column_and_date_format_given():
    problem = only_problem("syntax-date")
    assert "syntaxe TOML" in problem
    assert f"ligne {line_of('syntax-date', 'date = 2021-13-01')}, colonne" in problem
    assert "date = 2021-13-01" in problem and "AAAA-MM-JJ" in problem


def test_syntax_error_backslash_path__told_to_use_forward_slashes():
    problem = only_problem("syntax-backslash")
    assert f"ligne {line_of('syntax-backslash', 'fiches = ')}" in problem
    assert "barres obliques /" in problem


def test_syntax_error_curly_quotes__told_to_use_straight_quotes():
    problem = only_problem("syntax-curly-quotes")
    assert f"ligne {line_of('syntax-curly-quotes', 'title = “')}" in problem
    assert "guillemets droits" in problem


# --- [cycle] and [[module]] -----------------------------------------------------------------------------------

def test_missing_cycle_table__fix_shows_the_lines_to_add():
    problem = only_problem("no-cycle-table")
    assert "[cycle]" in problem and "manque" in problem and "title = " in problem


def test_cycle_without_title__reported_on_the_cycle_table():
    problem = only_problem("cycle-without-title")
    assert problem.startswith(f"[cycle], ligne {line_of('cycle-without-title', '[cycle]')}")
    assert "« title » manque" in problem


def test_module_errors__missing_id_missing_title_and_duplicate_all_reported():
    problems = problems_of("module-errors")
    assert len(problems) == 3
    no_id, no_title, duplicate = problems
    assert no_id.startswith(f"Module n°2, ligne {line_of('module-errors', '[[module]]', 2)}")
    assert "« id » manque" in no_id and 'id = "M1"' in no_id
    assert no_title.startswith("Module M2") and "« title » manque" in no_title
    first, second = line_of("module-errors", 'id = "M1"'), line_of("module-errors", 'id = "M1"', 2)
    assert duplicate.startswith(f"Module M1, ligne {second}")
    assert "déjà utilisé" in duplicate and f"ligne {first}" in duplicate


def test_module_with_single_brackets__told_to_write_double_brackets():
    assert "[[module]]" in only_problem("single-brackets")


# --- [[session]] ----------------------------------------------------------------------------------------------

def test_session_missing_fields__each_named_with_session_and_line():
    problems = problems_of("session-missing-fields")
    header = line_of("session-missing-fields", "[[session]]")
    assert f"Session S01, ligne {header} : le champ « kind » manque" in problems[0]
    assert f"Session S01, ligne {header} : le champ « date » manque" in problems[1]
    assert "date = 2021-06-24" in problems[1]
    # A session without id is named by its position.
    assert problems[2].startswith(f"Session n°2, ligne {line_of('session-missing-fields', '[[session]]', 2)}")
    assert "« id » manque" in problems[2]


def test_unknown_module__lists_declared_modules_and_both_fixes():
    problem = only_problem("unknown-module")
    assert problem.startswith(f"Session S02, ligne {line_of('unknown-module', 'M4')}")
    assert "« M4 » n'existe pas" in problem and "M1" in problem and "[[module]]" in problem


def test_duplicate_session_id__second_one_reported_with_line_of_the_first():
    problem = only_problem("duplicate-session")
    first, second = line_of("duplicate-session", 'id = "S01"'), line_of("duplicate-session", 'id = "S01"', 2)
    assert problem.startswith(f"Session S01, ligne {second}")
    assert f"ligne {first}" in problem and "unique" in problem


def test_bad_dates__quoted_french_date_gets_the_toml_date_to_write():
    french, month_13, year_only = problems_of("bad-dates")
    assert french.startswith(f"Session S01, ligne {line_of('bad-dates', '24/06/2021')}")
    assert "écrivez date = 2021-06-24" in french and "sans guillemets" in french
    assert month_13.startswith("Session S02") and "« 2021-13-01 » n'est pas une date valide" in month_13
    assert year_only.startswith("Session S03") and "date = 2021-06-24" in year_only


def test_missing_files__fiche_and_transcript_named_with_their_line():
    missing_fiche, missing_transcript, old_word = problems_of("missing-files")
    assert missing_fiche.startswith(f"Session S01, ligne {line_of('missing-files', 'fiches = ')}")
    assert "« fiches/S01-programme.pdf »" in missing_fiche and "introuvable" in missing_fiche
    assert missing_transcript.startswith(f"Session S01, ligne {line_of('missing-files', 'transcript = ')}")
    assert "« transcripts/S01.vtt »" in missing_transcript
    assert old_word.startswith("Session S02") and ".docx" in old_word  # a .doc exists but cannot be read


def test_bad_youtube_links__vimeo_short_id_and_text_rejected():
    problems = problems_of("bad-youtube")
    assert [p.split(",")[0] for p in problems] == ["Session S01", "Session S02", "Session S03"]
    assert all("lien YouTube" in p and "11 caractères" in p for p in problems)
    assert f"ligne {line_of('bad-youtube', 'vimeo')}" in problems[0]


def test_wrong_types__each_field_reported_with_the_expected_form():
    problems = "\n".join(problems_of("wrong-types"))
    assert "partners = [" in problems  # a string where a list is expected
    assert f"Session S01, ligne {line_of('wrong-types', 'title = 12')} : « title » doit être un texte" in problems
    assert 'youtube = "https://youtu.be/' in problems
    assert f"ligne {line_of('wrong-types', 'speakers = ')} : « speakers » doit être une liste" in problems
    assert "« fiches » doit être une liste" in problems
    assert 'transcript = "transcripts/S01.vtt"' in problems


def test_misspelt_keys__likely_key_suggested():
    problems = problems_of("typos")
    assert any("« sessions »" in p and "[[session]]" in p for p in problems)
    assert any(f"ligne {line_of('typos', 'youtbe')}" in p and "« youtube »" in p for p in problems)
    assert any("« intervenants »" in p and "speakers" in p for p in problems)


def test_file_with_several_errors__all_reported_at_once():
    problems = problems_of("many-errors")
    text = "\n".join(problems)
    assert len(problems) == 6
    assert "« M9 » n'existe pas" in text
    assert "écrivez date = 2021-10-21" in text
    assert "vimeo" in text
    duplicate = line_of("many-errors", 'id = "S01"', 2)
    assert f"Session S01, ligne {duplicate}" in text
    assert "Session S05" in text and "« kind » manque" in text and "introuvable.pdf" in text


def test_catalogue_error_message__french_cause_and_fix_for_the_person_reading_it():
    with pytest.raises(CatalogueError) as caught:
        load_cycle(FIXTURES / "many-errors")
    message = str(caught.value)
    assert message.startswith("Le catalogue ") and "6 erreur(s)" in message
    assert "relancez « pvd ingest »" in message


def test_extra_keys_beside_the_real_ones__are_the_caue_notes_and_accepted(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "valid", corpus)
    text = (corpus / "cycle.toml").read_text("utf-8")
    (corpus / "cycle.toml").write_text(
        text.replace('kind = "table ronde"', 'kind = "table ronde"\nformat = "présentiel"\nlieu = "Laon"', 1),
        encoding="utf-8")
    assert [s.id for s in load_cycle(corpus).sessions] == [s.id for s in load_cycle(FIXTURES / "valid").sessions]

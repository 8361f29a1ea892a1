"""French text analysis and the lexical list: what makes a question's words meet a caption's, and what a
question may cost on a large index."""

from __future__ import annotations

import sqlite3
import threading
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.lexical import LexicalIndex
from index.text import analyze, fold, in_everyday_words, spelled_out


def test_fold__accents_case_and_ligatures_do_not_count():
    assert fold("Équipé À L'ŒUVRE, cœur de ville") == "equipe a l'oeuvre, coeur de ville"
    assert analyze("rénovation des façades") == analyze("RENOVATIONS des facades")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold__is_the_decomposed_text_without_any_combining_mark(text: str):
    # the definition, character by character; fold takes a faster road to the same result
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    assert fold(text) == "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_chat_spellings__are_written_out_and_nothing_else_is_touched():
    assert spelled_out("cmb ça coûte ds le centre, et c quoi le délai PR signer ?") == \
        "combien ça coûte dans le centre, et c'est quoi le délai pour signer ?"
    assert spelled_out("commune de 2500 hab, rdv en mairie, c payant ?") == \
        "commune de 2500 habitants, rendez-vous en mairie, c'est payant ?"
    assert analyze(spelled_out("qd on arrive")) == analyze("quand on arrive") == ["arriv"]
    # words that merely contain a chat spelling stay as typed
    assert spelled_out("prime, prêt, tout, produit, pbx, habitat") == "prime, prêt, tout, produit, pbx, habitat"


@pytest.mark.parametrize("letter", ["c'est payant ?", "passer de la classe F à la classe C en un chantier",
                                    "de G à C en une fois", "les options a, b, c et d", "points a), b), c) du contrat",
                                    "l'annexe C du contrat", "C quoi ?"])
def test_chat_spellings__a_letter_c_is_not_taken_for_c_est(letter: str):
    assert spelled_out(letter) == letter


def test_familiar_words__are_read_in_everyday_french_with_or_without_accents():
    assert in_everyday_words("un proprio veut retaper l'appart au-dessus de sa boutique") == \
        "un propriétaire veut rénover l'appartement au-dessus de sa boutique"
    assert in_everyday_words("les vieilles baraques retapées, les Mômes et les momes du bled") == \
        "les vieilles maisons rénovées, les enfants et les enfants du village"
    # the words they are part of, and the everyday words themselves, stay as typed
    unchanged = "propriétaire, approprier, information, pro-vélo, professeur, maximum, diagnostics, ados, restauration"
    assert in_everyday_words(unchanged) == unchanged


def lexical_index(rows: list[str]) -> LexicalIndex:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE lexical USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO lexical (rowid, terms) VALUES (?, ?)", enumerate(rows))
    return LexicalIndex(db, threading.Lock())


def test_large_index__a_common_word_does_not_make_every_passage_a_candidate():
    # 3,000 passages, « commun » in 2,000 of them: scoring them all would cost tens of milliseconds a question
    rows = [f"commun projet{i}" if i % 3 else f"atelier{i}" for i in range(3000)]
    for row in (5, 500, 2500):
        rows[row] = "commun lovac fichi"
    index = lexical_index(rows)
    found = index.search(analyze("le fichier LOVAC de la commune"), 50)
    assert sorted(row for row, _ in found) == [5, 500, 2500]
    only_common = index.search(analyze("la commune"), 50)
    assert len(only_common) == 50  # a question of common words alone still gets its list


def test_small_corpus__keeps_every_word_of_the_question():
    rows = [f"commun projet{i}" if i % 3 else f"atelier{i}" for i in range(60)]
    rows[5] = "commun lovac fichi"
    found = [row for row, _ in lexical_index(rows).search(analyze("le fichier LOVAC de la commune"), 50)]
    assert found[0] == 5 and len(found) == 40  # the rare words first, then every passage of the commune

"""Repairing PDF-extraction damage: what a reader of the passages would otherwise see."""

from __future__ import annotations

from ingest.fiche_text import cut_internal, flatten, normalise_chars, repair_lines


def test_repair__line_broken_mid_sentence_joined():
    assert repair_lines("renforcer les moyens des\nvilles et leurs intercommunalités.") == (
        "renforcer les moyens des villes et leurs intercommunalités.")


def test_repair__sentence_broken_across_a_page_break_joined():
    assert repair_lines("les moyens des élus\n\ndes villes.") == "les moyens des élus des villes."


def test_repair__line_ending_on_a_linking_word_joined_even_before_a_capital_or_digit():
    assert repair_lines("des communes de moins de\n20 000 habitants.") == "des communes de moins de 20 000 habitants."
    assert repair_lines("le programme Petites villes de\nDemain.") == "le programme Petites villes de Demain."


def test_repair__sentence_final_line_break_kept():
    text = "Le programme est lancé.\nDans l'Aisne, 25 villes sont retenues."
    assert repair_lines(text) == text


def test_repair__paragraph_break_kept():
    assert repair_lines("Premier paragraphe.\n\n\n\nSecond paragraphe.") == "Premier paragraphe.\n\nSecond paragraphe."


def test_repair__end_of_line_hyphenation_undone():
    assert repair_lines("au dévelop-\npement du bourg.") == "au développement du bourg."


def test_repair__compound_name_cut_at_its_hyphen_rejoined_with_the_hyphen():
    assert repair_lines("la ville de Saint-\nQuentin.") == "la ville de Saint-Quentin."


def test_repair__runs_of_spaces_and_no_break_spaces_collapsed():
    assert repair_lines("Lancé  fin  2020,\u00a0\u00a0le   programme.  ") == "Lancé fin 2020, le programme."


def test_repair__bullet_lines_kept_one_per_line():
    text = "Programme :\n• Accueil des élus\n- Visite du bourg\n▪ Échanges"
    assert repair_lines(text) == "Programme :\n- Accueil des élus\n- Visite du bourg\n- Échanges"


def test_repair__broken_bullet_line_continues_its_bullet():
    assert repair_lines("- Proposition libre de sujets\nde réflexion\n- Précisions") == (
        "- Proposition libre de sujets de réflexion\n- Précisions")


def test_normalise__apostrophes_all_ascii():
    assert normalise_chars("l’Agence, l'Aisne, l‘ANCT, l´équipe") == "l'Agence, l'Aisne, l'ANCT, l'équipe"


def test_normalise__ligatures_soft_hyphens_and_windows_line_ends():
    assert normalise_chars("ﬁnancement\u00ad\r\nrecon\u00adversion\r") == "financement\nreconversion\n"


def test_cut_internal__section_and_everything_after_removed():
    text = "Contact CAUE : Robin\n Informations\u00a0complémentaires internes au réseau des CAUE\n- Difficultés"
    assert cut_internal(normalise_chars(text)) == "Contact CAUE : Robin"


def test_cut_internal__text_without_internal_section_unchanged():
    assert cut_internal("Informations pratiques : parking.") == "Informations pratiques : parking."


def test_flatten__short_value_on_one_line():
    assert flatten("Robin SRA – robin.sara@caue02.com\nFrédérique ALAIN") == (
        "Robin SRA – robin.sara@caue02.com, Frédérique ALAIN")
    assert flatten("- Site internet\n- Chaîne YouTube") == "Site internet, Chaîne YouTube"

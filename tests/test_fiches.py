"""Reading fiches: the real CAUE fiche, each document format, and each way a file can be unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.catalogue import load_cycle
from ingest.errors import (
    CorruptFicheError,
    EmptyFicheError,
    FicheError,
    FicheNotFoundError,
    ProtectedFicheError,
    ScannedPdfError,
    UnsupportedFicheError,
)
from ingest.fiche_chunks import chunk_fiche
from ingest.fiches import discover_fiches, read_fiche
from ingest.models import Fiche

FIXTURES = Path(__file__).parent / "fixtures"
SEED_TITLE = "Cycle de sensibilisation « Accompagner les Petites villes de demain dans l'Aisne »"
# Words that only appear in the internal part of the seed fiche.
INTERNAL_MARKERS = ("Informations complémentaires", "internes au réseau", "Qu'as-t-on appris", "Qu’as-t-on appris",
                    "Difficultés / Bénéfices", "Comment poursuivre", "Proposition libre de sujets")


def read(name: str, session_id: str | None = None) -> Fiche:
    return read_fiche(FIXTURES, f"fiches/{name}", session_id)


def all_text(fiche: Fiche) -> str:
    parts = [fiche.title, *fiche.fields, *fiche.fields.values()]
    parts += [part for s in fiche.sections for part in (s.heading, s.text)]
    return "\n".join(parts)


# --- the seed fiche (PDF-extracted text, as received) ------------------------------------------------------------

def test_seed_fiche__form_fields_read_with_normalised_labels():
    fiche = read("seed-fiche.txt")
    assert fiche.title == SEED_TITLE
    assert fiche.fields["Titre"] == SEED_TITLE
    assert fiche.fields["Partenaires"] == "DDT"
    assert fiche.fields["Publics cibles"] == (
        "élus, directeurs de services et chefs de projet des Petites villes de demain")
    assert fiche.fields["Date(s)"] == "2021 > 2023"
    assert fiche.fields["Nature de l'action"] == "Cycle de sensibilisation / table ronde / ateliers / visites"
    assert fiche.fields["Diffusion"] == "Site internet, Chaîne Youtube"
    assert fiche.fields["Moyens externes"] == "Convention avec la DDT qui a mobilisé des moyens humains et financiers"


def test_seed_fiche__value_broken_over_lines_joined_and_label_spacing_tolerated():
    # « Thème(s)   -   Mots   clés : » with no-break spaces; its value runs over two lines.
    assert read("seed-fiche.txt").fields["Thème(s) - Mots clés"] == (
        "Petites villes demain, sensibilisation, atelier participatif, rencontre, apport méthodologique, "
        "visite, retour d'expérience")


def test_seed_fiche__contacts_on_following_lines_kept():
    contact = read("seed-fiche.txt").fields["Contact CAUE"]
    assert "robin.sara@caue02.com" in contact and "frederique.alain@caue02.com" in contact


def test_seed_fiche__presentation_is_a_section_of_whole_sentences():
    fiche = read("seed-fiche.txt")
    presentation = next(s for s in fiche.sections if s.heading == "Présentation")
    text = presentation.text
    assert "renforcer les moyens des élus des villes et leurs intercommunalités" in text  # across a blank line
    assert "des fonctions de centralité" in text and "trois modules ont été développés sur 2 ans" in text
    assert "  " not in text and "\u00a0" not in text and "\n\n" not in text
    assert all(line.endswith(".") for line in text.split("\n"))
    assert text.startswith("Lancé fin 2020, le programme Petites villes de demain, porté par l'Agence")


def test_seed_fiche__internal_section_absent_from_fields_sections_and_chunks():
    fiche = read("seed-fiche.txt")
    chunks_text = "\n".join(f"{c.heading}\n{c.text}" for c in chunk_fiche(fiche))
    for marker in INTERNAL_MARKERS:
        assert marker not in all_text(fiche)
        assert marker not in chunks_text


def test_seed_fiche__apostrophes_normalised_to_ascii():
    text = all_text(read("seed-fiche.txt"))
    assert "’" not in text and "l'Aisne" in text


def test_seed_fiche_laid_out_as_pdf__same_fields_and_no_internal_section():
    pdf, txt = read("fiche-cycle.pdf"), read("seed-fiche.txt")
    assert pdf.title == txt.title
    assert pdf.fields["Partenaires"] == "DDT" and pdf.fields["Date(s)"] == "2021 > 2023"
    assert pdf.fields["Présentation"] == txt.fields["Présentation"]
    # The PDF's page break falls between the two contacts: still one field, one line.
    assert pdf.fields["Contact CAUE"] == (
        "Robin SRA - robin.sara@caue02.com, Frédérique ALAIN - frederique.alain@caue02.com")
    for marker in INTERNAL_MARKERS:
        assert marker not in all_text(pdf)


# --- other formats -----------------------------------------------------------------------------------------------

def test_windows_1252_text__accents_decoded():
    fiche = read("compte-rendu-cp1252.txt")
    assert fiche.title == "Compte rendu de l'atelier"
    text = fiche.sections[0].text
    assert ("Les élus ont présenté leurs projets de réhabilitation : façades, îlots de fraîcheur, "
            "requalification de la place du marché.") in text
    assert "« cœur de ville »" in text and "l'intérêt" in text


@pytest.mark.parametrize("name", ["notes-utf8-bom.txt", "notes-bloc-notes-utf16.txt"])
def test_notepad_encodings__same_text_as_windows_1252(name: str):
    fiche = read(name)
    assert fiche.title == "Compte rendu de l'atelier"
    assert fiche.sections == read("compte-rendu-cp1252.txt").sections


def test_markdown__headings_make_sections_and_code_fences_do_not():
    fiche = read("programme-visite-guise.md")
    assert fiche.title == "Visite de Guise : le Familistère"
    assert [s.heading for s in fiche.sections] == ["Visite de Guise : le Familistère", "Matinée", "Après-midi"]
    assert fiche.sections[0].text.startswith("Le Familistère de Guise, palais social bâti par Jean-Baptiste André "
                                             "Godin, est aujourd'hui un moteur du centre-ville")
    assert fiche.sections[1].text == ("- Accueil des participants à la mairie\n"
                                      "- Présentation du projet de revitalisation par l'adjoint à l'urbanisme")
    assert "# ceci n'est pas un titre" in fiche.sections[2].text


def test_pdf_with_text__title_headings_hyphenation_and_page_break_repaired():
    fiche = read("programme-module-2.pdf")
    assert fiche.title == "Programme du module 2"
    assert [s.heading for s in fiche.sections] == ["Commerces et rez-de-chaussée vacants", "Visite de l'après-midi"]
    first, visit = (s.text for s in fiche.sections)
    assert "au développement d'une stratégie commerciale partagée avec les commerçants." in first
    assert "diagnostic des locaux" in first  # double space collapsed
    assert "réhabilitées et les boutiques à l'essai ouvertes depuis 2021." in visit  # across the page break
    assert visit.endswith("- Inscription auprès du CAUE de l'Aisne\n- Repas offert par la commune")


def test_docx__heading_styles_make_sections_and_tables_are_read():
    fiche = read("boite-a-outils-financements.docx")
    assert fiche.title == "Boîte à outils des financements"
    assert [s.heading for s in fiche.sections] == [
        "Boîte à outils des financements", "Aides de l'État", "Fonds vert", "Calendrier des appels à projets"]
    table = fiche.sections[-1].text
    assert "Fonds friches | janvier 2022 | mars 2022" in table and "Fonds vert | février 2023 | mai 2023" in table


def test_docx__internal_heading_and_what_follows_dropped():
    text = all_text(read("boite-a-outils-financements.docx"))
    assert "internes au réseau" not in text and "à ne pas publier" not in text


def test_docx_form_in_a_table__fields_read():
    fiche = read("fiche-atelier-tableau.docx")
    assert fiche.title == "Atelier « Commerces et rez-de-chaussée vacants »"
    assert fiche.fields["Partenaires"] == "DDT, CCI de l'Aisne"
    assert fiche.fields["Date(s)"] == "17 mars 2022"
    assert [s.heading for s in fiche.sections] == ["Présentation"]


def test_read_fiche__document_path_and_session_kept():
    fiche = read_fiche(FIXTURES, "fiches\\programme-visite-guise.md", "S03")
    assert fiche.document == "fiches/programme-visite-guise.md" and fiche.session_id == "S03"


# --- unusable files: a FicheError in French, never a library exception ------------------------------------------

def test_image_only_pdf__scanned_pdf_error_asks_for_a_text_version():
    with pytest.raises(ScannedPdfError) as caught:
        read("scan-sans-texte.pdf")
    message = str(caught.value)
    assert "fiches/scan-sans-texte.pdf" in message and "scanné" in message and "version texte" in message
    assert isinstance(caught.value, EmptyFicheError)


def test_zero_byte_pdf__empty_fiche_error():
    with pytest.raises(EmptyFicheError) as caught:
        read("vide.pdf")
    assert "fiches/vide.pdf" in str(caught.value) and "0 octet" in str(caught.value)


def test_empty_text_file__empty_fiche_error():
    with pytest.raises(EmptyFicheError) as caught:
        read("vide.txt")
    assert "vide" in str(caught.value)


def test_corrupt_pdf__corrupt_fiche_error_with_a_fix():
    with pytest.raises(CorruptFicheError) as caught:
        read("corrompu.pdf")
    assert "fiches/corrompu.pdf" in str(caught.value) and "illisible" in str(caught.value)
    assert caught.value.fix


def test_password_protected_pdf__protected_fiche_error():
    with pytest.raises(ProtectedFicheError) as caught:
        read("protege-mot-de-passe.pdf")
    assert "mot de passe" in str(caught.value)


def test_pdf_with_editing_restrictions_only__read_normally():
    fiche = read("restrictions-modification.pdf")
    assert fiche.sections[0].text == "Le calendrier des ateliers est fixé avec la DDT."


def test_text_renamed_docx__corrupt_fiche_error():
    with pytest.raises(CorruptFicheError) as caught:
        read("pas-un-docx.docx")
    assert "Word" in str(caught.value)


def test_old_word_format__unsupported_with_the_formats_to_use():
    with pytest.raises(UnsupportedFicheError) as caught:
        read("ancien-format.doc")
    assert ".docx" in str(caught.value)


def test_missing_fiche__not_found_error():
    with pytest.raises(FicheNotFoundError) as caught:
        read("absente.pdf")
    assert "introuvable" in str(caught.value)


def test_every_unusable_fixture__caller_can_catch_fiche_error():
    for name in ("scan-sans-texte.pdf", "vide.pdf", "vide.txt", "corrompu.pdf", "protege-mot-de-passe.pdf",
                 "pas-un-docx.docx", "ancien-format.doc"):
        with pytest.raises(FicheError):
            read(name)


# --- discovery ---------------------------------------------------------------------------------------------------

def test_discover_fiches__all_documents_with_their_session():
    cycle = load_cycle(FIXTURES / "catalogue" / "valid")
    assert discover_fiches(cycle) == [
        ("fiches/S01-programme.md", "S01"),
        ("fiches/ateliers/S02-notes.txt", "S02"),
        ("fiches/fiche-cycle.txt", None),           # not attached: the whole cycle
        ("supports/S03-compte-rendu.txt", "S03"),   # attached from outside fiches/
    ]  # Word's « ~$… » lock file and the .jpg are skipped


def test_discover_fiches__every_discovered_document_gives_passages():
    cycle = load_cycle(FIXTURES / "catalogue" / "valid")
    for document, session_id in discover_fiches(cycle):
        chunks = chunk_fiche(read_fiche(cycle.root, document, session_id))
        assert chunks and all(c.session_id == session_id for c in chunks)

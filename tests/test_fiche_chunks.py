"""Fiche chunks: one per form field, one per section, long sections split between paragraphs."""

from __future__ import annotations

from pathlib import Path

from ingest.fiche_chunks import chunk_fiche, split_text
from ingest.fiches import read_fiche
from ingest.models import Fiche, FicheSection

FIXTURES = Path(__file__).parent / "fixtures"


def seed_chunks(max_chars: int = 1200):
    return chunk_fiche(read_fiche(FIXTURES, "fiches/seed-fiche.txt", "S01"), max_chars)


def test_seed_fiche__each_short_field_is_a_chunk_headed_by_its_label():
    chunks = seed_chunks()
    by_label = {c.heading.rsplit(" — ", 1)[1]: c.text for c in chunks if " — " in c.heading}
    assert by_label["Partenaires"] == "Partenaires : DDT"
    assert by_label["Date(s)"] == "Date(s) : 2021 > 2023"
    assert by_label["Publics cibles"] == \
        "Publics cibles : élus, directeurs de services et chefs de projet des Petites villes de demain"
    assert by_label["Contact CAUE"].startswith("Contact CAUE : Robin SRA")
    # The title heads every chunk; Présentation is a section of its own, after the fields.
    assert not any(c.text.startswith("Titre") for c in chunks)
    assert chunks[0].text.startswith("Thème(s)") and "Présentation" not in chunks[0].heading


def test_seed_fiche__chunk_records_point_to_the_document():
    chunks = seed_chunks()
    assert [c.id for c in chunks] == [f"fiches/seed-fiche.txt#{n}" for n in range(len(chunks))]
    for chunk in chunks:
        assert (chunk.kind, chunk.document, chunk.session_id) == ("fiche", "fiches/seed-fiche.txt", "S01")
        assert chunk.start is None and chunk.end is None and chunk.cues == ()
        assert chunk.heading.startswith("Cycle de sensibilisation « Accompagner les Petites villes de demain")


def test_seed_fiche__presentation_split_between_sentences_within_the_limit():
    chunks = [c for c in seed_chunks(600) if c.heading.endswith("— Présentation")]
    assert len(chunks) >= 2
    assert all(len(c.text) <= 600 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)  # never cut inside a sentence here
    joined = " ".join(c.text for c in chunks).replace("\n", " ")
    section = read_fiche(FIXTURES, "fiches/seed-fiche.txt", None).fields["Présentation"].replace("\n", " ")
    assert joined == section  # nothing lost, nothing repeated


def test_chunk_ids_and_hashes__stable_across_reads():
    first, second = seed_chunks(), seed_chunks()
    assert [(c.id, c.hash) for c in first] == [(c.id, c.hash) for c in second]


def test_section_text__is_the_chunk_text_and_heading_names_title_and_section():
    fiche = read_fiche(FIXTURES, "fiches/programme-visite-guise.md", None)
    chunks = chunk_fiche(fiche)
    assert [c.heading for c in chunks] == [
        "Visite de Guise : le Familistère",  # the section named like the document: no « X — X »
        "Visite de Guise : le Familistère — Matinée",
        "Visite de Guise : le Familistère — Après-midi",
    ]
    assert chunks[1].text == fiche.sections[1].text


def test_fiche_without_form__only_section_chunks():
    fiche = read_fiche(FIXTURES, "fiches/boite-a-outils-financements.docx", None)
    chunks = chunk_fiche(fiche)
    sections = {s.heading for s in fiche.sections} | {fiche.title}
    assert all(c.heading.rsplit(" — ", 1)[-1] in sections for c in chunks)
    assert len(chunks) == 4


def test_long_section__split_on_paragraphs_into_even_groups_never_mid_word():
    paragraphs = [f"Paragraphe {n} : " + "la commune réhabilite ses logements vacants. " * 5 for n in range(12)]
    fiche = Fiche("fiches/long.md", "Long", sections=(FicheSection("Habitat", "\n\n".join(paragraphs)),))
    chunks = chunk_fiche(fiche, max_chars=700)
    assert len(chunks) > 1 and all(len(c.text) <= 700 for c in chunks)
    pieces = [p for c in chunks for p in c.text.split("\n\n")]
    assert pieces == [p.strip() for p in paragraphs]  # groups of whole paragraphs, in order
    sizes = [len(c.text) for c in chunks]
    assert min(sizes) > max(sizes) / 2  # no short leftover chunk


def test_split_text__one_paragraph_without_line_breaks_split_between_words():
    text = " ".join(f"mot{n}" for n in range(300))
    pieces = split_text(text, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces) == text


def test_split_text__word_longer_than_the_limit_kept_whole():
    url = "https://www.caue02.com/" + "x" * 200
    assert split_text(f"Voir {url} pour le détail.", 50) == ["Voir", url, "pour le détail."]

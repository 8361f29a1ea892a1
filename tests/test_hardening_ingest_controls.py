"""Text from the corpus never carries terminal control sequences: captions, fiches and the catalogue are
cleaned at ingest, so `pvd ask`, `pvd chat`, `pvd sessions` and `pvd rapport` print clean text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from ingest.captions import read_caption_file
from ingest.catalogue import load_cycle
from ingest.corpus import scan_corpus
from ingest.errors import CatalogueError
from ingest.fiche_chunks import chunk_fiche
from ingest.fiches import read_fiche
from ingest.safe_text import strip_controls

FIXTURES = Path(__file__).parent / "fixtures" / "hardening"
# Anything a terminal would act on: C0 controls but newline and tab, DEL, C1, bidirectional overrides.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("dirty, clean", [
    ("\x1b[31mrouge\x1b[0m", "rouge"),
    ("avant\x1b[2J\x1b[Haprès", "avantaprès"),
    ("\x1b]8;;https://exemple.invalid/\x1b\\lien\x1b]8;;\x1b\\", "lien"),  # hidden hyperlink, ST-terminated
    ("\x1b]0;titre de fenêtre\x07suite", "suite"),  # window title, BEL-terminated
    ("\x9b31mC1\x9b0m", "C1"),  # 8-bit CSI
    ("cloche\x07 et effacement\x08\x7f", "cloche et effacement"),
    ("\u202eesrevne'l à\u202c", "esrevne'l à"),
    ("Ligne 1\n\tLigne 2 : « élus », 12 € — ça va", "Ligne 1\n\tLigne 2 : « élus », 12 € — ça va"),
    ("\x1b", ""), ("\x1b[", ""), ("fin\x1b]8;;sans terminaison", "fin"),
])
def test_strip_controls__removes_what_a_terminal_acts_on_and_keeps_french_text(dirty, clean):
    assert strip_controls(dirty) == clean
    assert strip_controls(clean) == clean


def test_caption_file_with_escape_sequences__cues_are_clean_and_keep_their_words():
    cues, fmt = read_caption_file(FIXTURES / "controles.vtt")
    assert fmt == "vtt"
    assert [c.text for c in cues][:2] == ["Bonjour à tous, bienvenue au cycle.", "La revitalisation du centre-bourg."]
    assert not any(CONTROL.search(c.text) for c in cues)
    assert "rouge" in cues[2].text and "à l'envers" in cues[3].text


def test_fiche_with_escape_sequences__title_sections_and_chunks_are_clean():
    fiche = read_fiche(FIXTURES, "controles.md")
    chunks = chunk_fiche(fiche)
    texts = [fiche.title, *(s.heading for s in fiche.sections), *(c.text for c in chunks),
             *(c.heading or "" for c in chunks)]
    assert not any(CONTROL.search(text) for text in texts)
    assert fiche.title == "Fiche piégée"
    assert "Un lien caché ici." in chunks[0].text


def _corpus(tmp_path: Path, title: str, youtube: str = "https://youtu.be/dQw4w9WgXcQ") -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "fiches").mkdir(parents=True)
    (corpus / "transcripts").mkdir()
    shutil.copy(FIXTURES / "controles.md", corpus / "fiches" / "controles.md")
    shutil.copy(FIXTURES / "controles.vtt", corpus / "transcripts" / "S01.vtt")
    (corpus / "cycle.toml").write_text(
        '[cycle]\ntitle = "Cycle \\u001b]0;piège\\u0007PVD"\n\n[[module]]\nid = "M1"\ntitle = "Module \\u009b2J1"\n\n'
        f'[[session]]\nid = "S01"\nmodule = "M1"\ntitle = "{title}"\ndate = 2021-06-24\nkind = "atelier"\n'
        f'youtube = "{youtube}"\nspeakers = ["Mme \\u001b[5mDupont"]\ntranscript = "transcripts/S01.vtt"\n',
        encoding="utf-8")
    return corpus


def test_catalogue_strings_with_escape_sequences__read_clean(tmp_path):
    cycle = load_cycle(_corpus(tmp_path, "Lancement \\u001b[2J\\u001b[31mdu cycle"))
    session = cycle.sessions[0]
    assert (cycle.title, cycle.modules[0].title) == ("Cycle PVD", "Module 1")
    assert (session.title, session.speakers) == ("Lancement du cycle", ("Mme Dupont",))


def test_catalogue_error_quoting_a_value_with_escape_sequences__message_is_clean(tmp_path):
    with pytest.raises(CatalogueError) as caught:
        load_cycle(_corpus(tmp_path, "Lancement", youtube="\\u001b[2Jhttps://exemple.invalid/\\u001b]0;x\\u0007"))
    assert "n'est pas reconnu" in str(caught.value) and not CONTROL.search(str(caught.value))


def test_whole_corpus_with_escape_sequences__every_chunk_is_clean(tmp_path):
    scan = scan_corpus(_corpus(tmp_path, "Lancement \\u001b[2J"), fetcher=None)
    assert scan.chunks and not any(CONTROL.search(c.text + (c.heading or "")) for c in scan.chunks)


def test_pvd_sessions_with_escape_sequences_in_the_catalogue__output_is_clean(tmp_path):
    result = CliRunner().invoke(main, ["sessions", "--corpus", str(_corpus(tmp_path, "Lancement \\u001b[2J"))])
    assert result.exit_code == 0, result.output
    assert "Lancement" in result.output and not CONTROL.search(result.output)


def test_fiche_file_name_with_escape_sequences__french_error_and_name_shown_clean(tmp_path):
    corpus = _corpus(tmp_path, "Lancement")
    (corpus / "fiches" / "\x1b[2Jpiège.md").write_text("# Piège\n\nTexte.\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_cycle(corpus)
    message = str(caught.value)
    assert "Fichier fiches/\ufffd[2Jpiège.md" in message and "caractères de contrôle" in message
    assert not CONTROL.search(message)

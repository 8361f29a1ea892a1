"""Nothing outside the corpus is ever read: ``..`` and symbolic links that lead out are catalogue errors.

Each scenario builds a small corpus beside an « outside » folder holding a secret, and checks what a CAUE
staff member would see: a French catalogue error naming the session and line (or the file), the secret
never shown, and nothing read from outside.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from ingest.catalogue import load_cycle
from ingest.corpus import scan_corpus
from ingest.errors import CatalogueError, FicheError, PvdError
from ingest.fiches import discover_fiches, read_fiche
from ingest.models import Cue, Session
from ingest.transcripts import load_transcript

SECRET = "MOT-DE-PASSE-SECRET-42"
CAPTIONS = "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nBonjour et bienvenue au cycle.\n"


def write_corpus(root: Path, transcript: str | None = None, fiches: list[str] | None = None) -> Path:
    """A corpus of one session under ``root/corpus``, and ``root/outside`` holding secrets beside it."""
    outside = root / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(f"Identifiants : {SECRET}\n", encoding="utf-8")
    (outside / "secret.vtt").write_text(CAPTIONS.replace("Bonjour", SECRET), encoding="utf-8")
    corpus = root / "corpus"
    (corpus / "fiches").mkdir(parents=True, exist_ok=True)
    (corpus / "transcripts").mkdir(exist_ok=True)
    (corpus / "fiches" / "programme.md").write_text("# Programme\n\nVisite du centre-bourg.\n", encoding="utf-8")
    lines = ['[cycle]', 'title = "Cycle"', '', '[[module]]', 'id = "M1"', 'title = "Comprendre"', '',
             '[[session]]', 'id = "S01"', 'module = "M1"', 'title = "Lancement"', 'date = 2021-06-24',
             'kind = "table ronde"']
    if transcript is not None:
        lines.append(f"transcript = '{transcript}'")  # TOML literal strings: backslashes as typed
    if fiches is not None:
        lines.append("fiches = [" + ", ".join(f"'{f}'" for f in fiches) + "]")
    (corpus / "cycle.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


def catalogue_error(corpus: Path) -> str:
    with pytest.raises(CatalogueError) as caught:
        load_cycle(corpus)
    message = str(caught.value)
    assert SECRET not in message
    return message


@pytest.mark.parametrize("path", ["../outside/secret.vtt", "../../../outside/secret.vtt",
                                  "transcripts/../../outside/secret.vtt", "transcripts\\..\\..\\outside\\secret.vtt"])
def test_transcript_path_leading_out_with_dots__catalogue_error_naming_session_and_line(tmp_path, path):
    corpus = write_corpus(tmp_path, transcript=path)
    message = catalogue_error(corpus)
    assert "Session S01, ligne 14" in message and "hors du dossier du corpus" in message
    assert "Corrigez ces lignes dans cycle.toml" in message


@pytest.mark.parametrize("path", ["../outside/secret.txt", "../../../outside/secret.txt",
                                  "fiches/../../outside/secret.txt"])
def test_fiche_path_leading_out_with_dots__catalogue_error_naming_session_and_line(tmp_path, path):
    corpus = write_corpus(tmp_path, fiches=[path])
    message = catalogue_error(corpus)
    assert "Session S01, ligne 14" in message and "hors du dossier du corpus" in message


def test_fiche_link_to_a_system_file__catalogue_error_naming_the_link_and_never_read(tmp_path):
    corpus = write_corpus(tmp_path)
    (corpus / "fiches" / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "fiches" / "secret.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    message = catalogue_error(corpus)
    assert "fiches/passwd.txt" in message and "fiches/secret.txt" in message
    assert "lien symbolique" in message and "remplacez-le par une copie" in message


@pytest.mark.parametrize("link, target", [
    ("fiches/dossier", "outside"),                 # a linked folder inside fiches/
    ("transcripts/S01.vtt", "outside/secret.vtt"),  # a caption file that is a link
    ("transcripts/youtube", "outside"),            # the YouTube cache folder
])
def test_link_under_scanned_folders_leading_out__catalogue_error_naming_it(tmp_path, link, target):
    corpus = write_corpus(tmp_path)
    (corpus / link).symlink_to(tmp_path / target, target_is_directory=(tmp_path / target).is_dir())
    message = catalogue_error(corpus)
    assert f"Fichier {link}" in message and "hors du dossier du corpus" in message


def test_fiches_folder_itself_a_link_out__catalogue_error(tmp_path):
    corpus = write_corpus(tmp_path)
    (corpus / "fiches" / "programme.md").unlink()
    (corpus / "fiches").rmdir()
    (corpus / "fiches").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert "Fichier fiches" in catalogue_error(corpus)


def test_link_loop_in_fiches__french_error_not_a_crash(tmp_path):
    corpus = write_corpus(tmp_path)
    (corpus / "fiches" / "boucle.md").symlink_to(corpus / "fiches" / "boucle.md")
    assert "Fichier fiches/boucle.md" in catalogue_error(corpus)


def test_readers_refuse_a_path_out_of_the_corpus_even_without_the_catalogue(tmp_path):
    """Defence in depth: the fiche and caption readers check the path again before opening it."""
    corpus = write_corpus(tmp_path)
    with pytest.raises(FicheError) as fiche:
        read_fiche(corpus, "../outside/secret.txt")
    session = Session("S01", "M1", "Lancement", dt.date(2021, 6, 24), "atelier",
                      transcript="../outside/secret.vtt")
    with pytest.raises(PvdError) as captions:
        load_transcript(corpus, session, fetcher=None)
    for error in (fiche.value, captions.value):
        assert "hors du dossier du corpus" in str(error) and SECRET not in str(error)


def test_same_fiche_spelt_two_ways__one_document_attached_once(tmp_path):
    corpus = write_corpus(tmp_path, fiches=["fiches/../fiches/programme.md", "./fiches/programme.md",
                                            "fiches//programme.md"])
    cycle = load_cycle(corpus)
    assert cycle.sessions[0].fiches == ("fiches/programme.md",)
    assert discover_fiches(cycle) == [("fiches/programme.md", "S01")]
    scan = scan_corpus(corpus, fetcher=None)
    assert len({c.id for c in scan.chunks}) == len(scan.chunks) == 1


def test_link_inside_the_corpus__read_once_under_its_real_name(tmp_path):
    corpus = write_corpus(tmp_path)
    (corpus / "fiches" / "alias.md").symlink_to(corpus / "fiches" / "programme.md")
    cycle = load_cycle(corpus)
    assert discover_fiches(cycle) == [("fiches/programme.md", None)]


def test_corpus_reached_through_a_link__still_reads_its_own_files(tmp_path):
    corpus = write_corpus(tmp_path, transcript="transcripts/S01.vtt")
    (corpus / "transcripts" / "S01.vtt").write_text(CAPTIONS, encoding="utf-8")
    alias = tmp_path / "alias"
    alias.symlink_to(corpus, target_is_directory=True)
    scan = scan_corpus(alias, fetcher=None)
    assert [s.problem for s in scan.sessions] == [None] and len(scan.chunks) == 2


@pytest.mark.parametrize("command", [["ingest", "--dry-run", "--no-youtube"], ["sessions"]])
def test_cli_with_a_path_out_of_the_corpus__french_error_and_secret_never_shown(tmp_path, command):
    corpus = write_corpus(tmp_path, transcript="../outside/secret.vtt", fiches=["../outside/secret.txt"])
    result = CliRunner().invoke(main, [*command, "--corpus", str(corpus)])
    assert result.exit_code != 0
    assert "hors du dossier du corpus" in result.output + result.stderr
    assert SECRET not in result.output + result.stderr and "Traceback" not in result.output + result.stderr


class _Fetcher:
    def fetch(self, video_id: str) -> list[Cue]:
        return [Cue(1.0, 4.0, "Bonjour et bienvenue.")]


def test_youtube_cache_folder_linked_out__nothing_read_or_written_there(tmp_path):
    corpus = write_corpus(tmp_path)
    (tmp_path / "ailleurs").mkdir()
    (corpus / "transcripts" / "youtube").symlink_to(tmp_path / "ailleurs", target_is_directory=True)
    session = Session("S01", "M1", "Lancement", dt.date(2021, 6, 24), "atelier", youtube_id="dQw4w9WgXcQ")
    with pytest.raises(PvdError) as caught:
        load_transcript(corpus, session, _Fetcher())
    assert "hors du dossier du corpus" in str(caught.value)
    assert list((tmp_path / "ailleurs").iterdir()) == []

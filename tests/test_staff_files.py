"""The files staff keep at the corpus root (ingest.staff_files): ``lexique.txt`` and ``hors-sujet.txt``. A file
that cannot be taken is reported in French, is never read outside the corpus, and never stops indexing: what
the product ships still applies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ingest.lexicon import read_lexicon
from ingest.off_topic import read_off_topic

READERS = pytest.mark.parametrize("name, read", [("lexique.txt", read_lexicon), ("hors-sujet.txt", read_off_topic)])
Reader = Callable[[Path], tuple[Any, list[str]]]


@READERS
def test_staff_file__a_link_out_of_the_corpus_is_not_read(tmp_path: Path, name: str, read: Reader):
    outside = tmp_path / "outside.txt"
    outside.write_text("SECRET | mot de passe du serveur ?\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).symlink_to(outside)
    found, notes = read(corpus)
    assert found == read(tmp_path / "absent")[0] and "SECRET" not in repr(found)
    assert "mène hors du dossier du corpus" in notes[0] and "SECRET" not in notes[0]


@READERS
def test_staff_file__a_link_that_loops_is_reported_in_french_and_indexing_goes_on(tmp_path: Path, name: str,
                                                                                   read: Reader):
    (tmp_path / name).symlink_to(name)
    found, notes = read(tmp_path)
    assert found == read(tmp_path / "absent")[0]
    assert "n'est pas lu" in notes[0] and "boucle" in notes[0]


@READERS
def test_staff_file__a_file_that_is_no_text_is_reported_and_indexing_goes_on(tmp_path: Path, name: str,
                                                                              read: Reader):
    (tmp_path / name).write_bytes(b"\xff\xfe\x00\xd8" * 3)  # a UTF-16 mark, then no valid text
    found, notes = read(tmp_path)
    assert found == read(tmp_path / "absent")[0]  # what the product ships, alone
    assert notes and "n'est pas un texte lisible" in notes[0] and name in notes[0]


@READERS
def test_staff_file__a_directory_or_a_huge_file_is_not_one(tmp_path: Path, name: str, read: Reader):
    (tmp_path / name).mkdir()
    found, notes = read(tmp_path)
    assert found == read(tmp_path / "absent")[0] and "(un dossier, ou plus de 1 Mo)" in notes[0]

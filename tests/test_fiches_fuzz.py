"""Whatever lands in fiches/, reading it gives a Fiche or a FicheError in French, never a library exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import FicheError
from ingest.fiche_chunks import chunk_fiche, split_text
from ingest.fiche_text import normalise_chars, repair_lines
from ingest.fiches import read_fiche

pytestmark = pytest.mark.slow  # property-based: hundreds of damaged fiches

FIXTURES = Path(__file__).parent / "fixtures" / "fiches"
FUZZ = settings(max_examples=150, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VALID = {
    ".pdf": (FIXTURES / "programme-module-2.pdf").read_bytes(),
    ".docx": (FIXTURES / "boite-a-outils-financements.docx").read_bytes(),
    ".txt": (FIXTURES / "seed-fiche.txt").read_bytes(),
}


@st.composite
def damaged(draw: st.DrawFn, valid: bytes) -> bytes:
    """A real file cut short, or with a run of its bytes overwritten: an interrupted copy, a bad sector."""
    data = bytearray(valid)
    if draw(st.booleans()):
        return bytes(data[: draw(st.integers(0, len(data)))])
    start = draw(st.integers(0, len(data) - 1))
    patch = draw(st.binary(min_size=1, max_size=64))
    data[start:start + len(patch)] = patch
    return bytes(data)


def assert_read_or_french_error(root: Path, name: str, data: bytes) -> None:
    (root / name).write_bytes(data)
    try:
        fiche = read_fiche(root, name, None)
    except FicheError as exc:
        assert name in str(exc) and exc.fix, str(exc)
        return
    chunks = chunk_fiche(fiche)
    assert chunks and all(c.text.strip() for c in chunks)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf", ".docx"])
@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes__fiche_or_fiche_error(tmp_path: Path, suffix: str, data: bytes):
    assert_read_or_french_error(tmp_path, f"fiche{suffix}", data)


@pytest.mark.parametrize("suffix", sorted(VALID))
@FUZZ
@given(data=st.data())
def test_damaged_real_file__fiche_or_fiche_error(tmp_path: Path, suffix: str, data: st.DataObject):
    assert_read_or_french_error(tmp_path, f"fiche{suffix}", data.draw(damaged(VALID[suffix])))


_PDF_LIKE_TEXT = st.lists(
    st.one_of(st.text(max_size=60), st.sampled_from(["", "- puce", "dévelop-", "pement", "des", "villes.",
                                                       "Titre : X", "  ", "\u00a0:", "Saint-", "Quentin"])),
    max_size=30,
).map("\n".join)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


@FUZZ
@given(text=_PDF_LIKE_TEXT)
def test_repair_lines__never_loses_a_letter_or_digit(text: str):
    assert _letters(repair_lines(text)) == _letters(normalise_chars(text))


@FUZZ
@given(text=_PDF_LIKE_TEXT, max_chars=st.integers(20, 400))
def test_split_text__pieces_fit_and_keep_every_word_in_order(text: str, max_chars: int):
    pieces = split_text(text, max_chars)
    assert all(len(p) <= max_chars or " " not in p.strip() and "\n" not in p.strip() for p in pieces)
    assert " ".join(pieces).split() == text.split()

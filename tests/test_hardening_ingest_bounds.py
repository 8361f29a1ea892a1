"""Bounded work, whatever the size: every passage and every ~15 s segment has a bounded length (long text is
cut, never dropped), and a .docx « zip bomb » is refused from its declared sizes, before anything inflates."""

from __future__ import annotations

import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from index.build import split_segments
from ingest.captions import read_caption_file
from ingest.captions._common import MAX_CUE_CHARS
from ingest.corpus import scan_corpus
from ingest.errors import CaptionError, FicheError
from ingest.fiche_chunks import chunk_fiche
from ingest.fiches import MAX_HEADING_CHARS, read_fiche
from ingest.models import Transcript
from ingest.text_split import MAX_WORD_CHARS
from ingest.transcript_chunks import MAX_WINDOW_CHARS, chunk_transcript

FICHE_CHARS = 1200  # chunk_fiche's default limit
PASSAGE_BOUND = max(FICHE_CHARS, MAX_WORD_CHARS)


def _clock(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def test_one_word_markdown_of_a_megabyte__cut_into_bounded_passages_nothing_lost(tmp_path):
    word = "x" * 1_000_000
    (tmp_path / "mot.md").write_text(word, encoding="utf-8")
    chunks = chunk_fiche(read_fiche(tmp_path, "mot.md"))
    assert max(len(c.text) for c in chunks) <= PASSAGE_BOUND
    assert "".join(c.text for c in chunks) == word


def test_markdown_with_a_huge_heading_and_paragraph__headings_and_passages_bounded(tmp_path):
    words = [f"mot{n}" for n in range(30_000)]
    (tmp_path / "long.md").write_text(f"# {'Titre ' * 20_000}\n\n## {'Section ' * 20_000}\n\n{' '.join(words)}\n",
                                      encoding="utf-8")
    chunks = chunk_fiche(read_fiche(tmp_path, "long.md"))
    assert max(len(c.text) for c in chunks) <= PASSAGE_BOUND
    assert max(len(c.heading or "") for c in chunks) <= 2 * MAX_HEADING_CHARS + 3  # « title — section »
    assert " ".join(c.text for c in chunks).split() == words


def test_thousands_of_cues_in_a_few_seconds__windows_and_segments_bounded_every_cue_kept(tmp_path):
    """The 20 MB VTT of 200,000 cues in 80 s, scaled down: 6,000 cues in 6 s."""
    blocks = [f"{_clock(n)} --> {_clock(n + 1)}\nmot{n} " + "bla " * 20 for n in range(6000)]
    (tmp_path / "dense.vtt").write_text("WEBVTT\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    cues, _ = read_caption_file(tmp_path / "dense.vtt")
    chunks = chunk_transcript(Transcript("S01", tuple(cues), "local", "vtt", "transcripts/dense.vtt"))
    assert len(chunks) > 10 and max(len(c.text) for c in chunks) <= MAX_WINDOW_CHARS
    segments = [c.cue_text(a, b) for c in chunks for a, b in split_segments(c)]
    assert max(len(s) for s in segments) <= MAX_WINDOW_CHARS
    assert {cue for c in chunks for cue in c.cues} == set(cues)
    assert sum(len(c.text) for c in chunks) < 2 * sum(len(c.text) for c in cues)  # overlaps stay modest


def test_one_cue_of_half_a_megabyte__cut_into_bounded_cues_in_its_time_span(tmp_path):
    words = [f"mot{n}" for n in range(50_000)]
    (tmp_path / "pave.srt").write_text(f"1\n00:01:00,000 --> 00:02:00,000\n{' '.join(words)}\n", encoding="utf-8")
    cues, _ = read_caption_file(tmp_path / "pave.srt")
    assert len(cues) > 1 and max(len(c.text) for c in cues) <= MAX_CUE_CHARS
    assert " ".join(c.text for c in cues).split() == words
    assert cues[0].start == 60.0 and cues[-1].end == 120.0
    assert all(a.end <= b.start + 0.001 and a.start <= a.end for a, b in zip(cues, cues[1:]))


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .docx-looking zip whose document inflates to 300 MB of zeros (about 1 MB on disk)."""
    path = tmp_path_factory.mktemp("bomb") / "bombe.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(block)
    return path


def test_docx_zip_bomb__refused_in_french_before_inflating(zip_bomb):
    tracemalloc.start()
    try:
        with pytest.raises(FicheError) as caught:
            read_fiche(zip_bomb.parent, "bombe.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20, f"{peak >> 20} MB used: the document was inflated"
    message = str(caught.value)
    assert "bombe.docx" in message and "une fois décompressé" in message and "300 Mo" in message
    assert "Compresser les images" in message  # the fix


def test_docx_zip_bomb_in_a_corpus__reported_and_the_other_fiches_indexed(tmp_path, zip_bomb):
    (tmp_path / "fiches").mkdir()
    shutil.copy(zip_bomb, tmp_path / "fiches" / "bombe.docx")
    (tmp_path / "fiches" / "vraie.md").write_text("# Vraie fiche\n\nLe cycle accompagne.\n", encoding="utf-8")
    (tmp_path / "cycle.toml").write_text('[cycle]\ntitle = "Cycle"\n', encoding="utf-8")
    scan = scan_corpus(tmp_path, fetcher=None)
    problems = {f.document: f.problem for f in scan.fiches}
    assert "une fois décompressé" in (problems["fiches/bombe.docx"] or "")
    assert problems["fiches/vraie.md"] is None and len(scan.chunks) == 1


def test_absurdly_large_text_fiche_or_caption_file__refused_in_french_without_reading(tmp_path):
    for name in ("enorme.txt", "enorme.vtt"):
        with open(tmp_path / name, "wb") as handle:
            handle.truncate(100 << 20)  # sparse: no disk used, but 100 MB to read
    with pytest.raises(FicheError, match="pèse 100 Mo"):
        read_fiche(tmp_path, "enorme.txt")
    with pytest.raises(CaptionError, match="pèse 100 Mo"):
        read_caption_file(tmp_path / "enorme.vtt")

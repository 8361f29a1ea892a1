"""The index survives what happens in real life: a re-index killed at any moment, questions pouring in while a
new generation is published, a damaged file. A reader sees the index as it was or as it became, never half."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.ingestion import run_ingest
from index.errors import IndexCorruptError
from index.store import CURRENT, current_generation
from tests.conftest import trimmed_demo

pytestmark = pytest.mark.slow  # real ingests killed at random moments, hundreds of concurrent questions

KEPT_SESSIONS = ("S03", "S06", "S11")  # three short sessions keep every ingest here to a few seconds
PROBE = "Comment fonctionne le prêt de vélos-cargos partagés à Hirson ?"
QUESTIONS = (
    PROBE,
    "qui était Godin et pourquoi il a construit le familistere",
    "c'est quoi un ilot de fraicheur",
    "gestion eaux de pluie sur place, noues etc",
    "Comment désimperméabiliser la cour de l'école, et qui peut financer les travaux ?",
    "signaletique entre le familistere et le centre ville ?",
)
NEW_SESSION = """
[[session]]
id = "S13"
module = "M3"
title = "Mobilités douces : les vélos-cargos de Hirson"
date = 2023-09-14
kind = "visite"
youtube = "https://youtu.be/pVd0S13aisn"
transcript = "transcripts/S13-velos-cargos.vtt"
"""
NEW_TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:06.000
À Hirson, la commune prête des vélos-cargos partagés aux habitants et aux commerçants.

00:00:06.000 --> 00:00:12.000
Le prêt de vélo-cargo est gratuit pendant une semaine, sur simple réservation à la mairie.

00:00:12.000 --> 00:00:18.000
Les commerçants du centre-bourg livrent leurs clients à vélo-cargo le samedi matin.

00:00:18.000 --> 00:00:25.000
La flotte de vélos-cargos partagés est entretenue par l'atelier de réparation associatif.

00:00:25.000 --> 00:00:31.000
Le financement des vélos-cargos vient du programme Petites villes de demain et de la région.
"""


def _add_session(corpus: Path) -> None:
    (corpus / "transcripts" / "S13-velos-cargos.vtt").write_text(NEW_TRANSCRIPT, encoding="utf-8")
    with open(corpus / "cycle.toml", "a", encoding="utf-8") as f:
        f.write(NEW_SESSION)


def _answers(index_dir: Path, encoder) -> dict[str, dict]:
    engine = Engine(index_dir, encoder=encoder)
    return {q: engine.answer(q).to_dict() for q in QUESTIONS}


def _pvd_ingest(corpus: Path, index_dir: Path, data_dir: Path) -> subprocess.Popen:
    pvd = Path(sys.executable).with_name("pvd")
    return subprocess.Popen([str(pvd), "ingest", "--corpus", str(corpus), "--index", str(index_dir), "--no-youtube"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PVD_DATA_DIR": str(data_dir)})


class World:
    """A small indexed corpus, the same corpus with one session added, and both sets of answers."""

    def __init__(self, root: Path, encoder) -> None:
        self.before_corpus = trimmed_demo(root / "corpus-before", KEPT_SESSIONS)
        self.after_corpus = root / "corpus-after"
        shutil.copytree(self.before_corpus, self.after_corpus)
        _add_session(self.after_corpus)
        self.before_index = root / "index-before"
        run_ingest(self.before_corpus, self.before_index, encoder, None)
        self.before = _answers(self.before_index, encoder)
        # The reference re-index is the real command, timed, so that kills can be spread over its run.
        self.after_index = self.copy_index(root / "index-after")
        started = time.monotonic()
        assert _pvd_ingest(self.after_corpus, self.after_index, root / "data").wait(timeout=120) == 0
        self.ingest_seconds = time.monotonic() - started
        self.after = _answers(self.after_index, encoder)

    def copy_index(self, target: Path) -> Path:
        shutil.copytree(self.before_index, target)
        return target


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, encoder) -> World:
    return World(tmp_path_factory.mktemp("robustness"), encoder)


def test_new_session__changes_the_probe_answer(world):
    """Guard for the tests below: « as before » and « as after » must be told apart."""
    assert world.before[PROBE] != world.after[PROBE]
    assert any(s["session"] == "S13" for s in world.after[PROBE]["sources"])


@pytest.mark.parametrize("moment", [0.1, 0.3, 0.5, 0.7, 0.85, 0.95])
def test_reindex_killed_at_any_moment__index_is_before_or_after_and_next_ingest_completes(
        world, encoder, tmp_path, moment):
    index_dir = world.copy_index(tmp_path / "index")
    process = _pvd_ingest(world.after_corpus, index_dir, tmp_path / "data")
    try:
        process.wait(timeout=moment * world.ingest_seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    seen = Engine(index_dir, encoder=encoder).answer(PROBE).to_dict()
    assert seen in (world.before[PROBE], world.after[PROBE])

    run_ingest(world.after_corpus, index_dir, encoder, None)
    assert Engine(index_dir, encoder=encoder).answer(PROBE).to_dict() == world.after[PROBE]


def test_many_users_during_a_reindex__every_answer_is_the_old_or_the_new_one(world, encoder, tmp_path):
    index_dir = world.copy_index(tmp_path / "index")
    engine = Engine(index_dir, encoder=encoder)
    engine.index()
    published = threading.Event()
    published_at: list[float] = []

    def reindex() -> None:
        time.sleep(0.3)  # let the users start first
        run_ingest(world.after_corpus, index_dir, encoder, None)
        published_at.append(time.monotonic())
        published.set()

    def user(n: int) -> list[tuple[float, str, dict]]:
        seen = []
        for i in range(25):
            question = QUESTIONS[(n + i) % len(QUESTIONS)]
            asked = time.monotonic()
            seen.append((asked, question, engine.answer(question).to_dict()))
        return seen

    writer = threading.Thread(target=reindex)
    writer.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [r for batch in pool.map(user, range(8)) for r in batch]
    writer.join()
    assert published.is_set()
    # A few more after the flip, so that the new generation is certainly served.
    results += [(time.monotonic(), q, engine.answer(q).to_dict()) for q in QUESTIONS]

    assert len(results) >= 200
    for asked, question, answer in results:
        assert answer in (world.before[question], world.after[question]), question
        if asked > published_at[0]:
            assert answer == world.after[question], question


def _damage(generation: Path, index_dir: Path, how: str) -> None:
    if how == "empty_segments":
        (generation / "segments.npy").write_bytes(b"")
    elif how == "half_sqlite":
        data = (generation / "meta.sqlite").read_bytes()
        (generation / "meta.sqlite").write_bytes(data[: len(data) // 2])
    elif how == "empty_current":
        (index_dir / CURRENT).write_bytes(b"")
    else:  # binary garbage where the name of the live generation should be
        (index_dir / CURRENT).write_bytes(b"\xff\xfe\x00\x9c gen-\x81garbage")


@pytest.mark.parametrize("how", ["empty_segments", "half_sqlite", "empty_current", "garbage_current"])
def test_damaged_index_file__is_a_french_error_that_says_to_reindex(world, encoder, tmp_path, how):
    index_dir = world.copy_index(tmp_path / "index")
    _damage(current_generation(index_dir), index_dir, how)
    with pytest.raises(IndexCorruptError) as error:
        Engine(index_dir, encoder=encoder).answer("c'est quoi un ilot de fraicheur")
    message = str(error.value)
    assert "index" in message and "pvd ingest --rebuild" in message

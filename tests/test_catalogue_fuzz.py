"""Whatever staff type into cycle.toml, loading it gives a consistent Cycle or a CatalogueError in French."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.catalogue import load_cycle
from ingest.errors import CatalogueError, PvdError
from ingest.models import Cycle

pytestmark = pytest.mark.slow  # property-based: hundreds of generated catalogues

VALID_CORPUS = Path(__file__).parent / "fixtures" / "catalogue" / "valid"
VALID = (VALID_CORPUS / "cycle.toml").read_text("utf-8")
FUZZ = settings(max_examples=150, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the valid corpus (its files exist), plus one more fiche for generated catalogues."""
    root = tmp_path / "corpus"
    shutil.copytree(VALID_CORPUS, root)
    (root / "fiches" / "programme.txt").write_text("Programme du module.", encoding="utf-8")
    return root


def assert_cycle_or_catalogue_error(corpus: Path, text: str | bytes) -> None:
    path = corpus / "cycle.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    try:
        cycle = load_cycle(corpus)
    except PvdError as exc:
        assert isinstance(exc, CatalogueError)
        assert str(exc).startswith("Le catalogue ") and exc.problems and all(exc.problems), str(exc)
        return
    assert_consistent(cycle)


def assert_consistent(cycle: Cycle) -> None:
    module_ids = [m.id for m in cycle.modules]
    assert len(set(module_ids)) == len(module_ids)
    assert len({s.id for s in cycle.sessions}) == len(cycle.sessions)
    assert [(s.date, s.id) for s in cycle.sessions] == sorted((s.date, s.id) for s in cycle.sessions)
    for session in cycle.sessions:
        assert session.module in module_ids and isinstance(session.date, dt.date)
        assert session.youtube_id is None or len(session.youtube_id) == 11
        for document in (*session.fiches, *([session.transcript] if session.transcript else [])):
            assert "\\" not in document and (cycle.root / document).is_file()


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid catalogue with a few edits: characters deleted, inserted or a line duplicated."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate-line"]))
        if action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 20)):]
        elif action == "insert":
            snippet = draw(st.one_of(st.text(max_size=10), st.sampled_from(
                ['"', "[", "]]", "=", "\n", "#", "\\", "2021-13-01", "“", "[[session]]\n", 'id = "S01"\n'])))
            text = text[:position] + snippet + text[position:]
        else:
            lines = text.split("\n")
            index = min(position, len(lines) - 1)
            text = "\n".join(lines[: index + 1] + [lines[index]] + lines[index + 1:])
    return text


def _line(key: str, value: Any) -> str:
    return tomli_w.dumps({key: value}).rstrip("\n")


VALUES = st.recursive(
    st.one_of(st.text(max_size=20), st.integers(-10, 3000), st.booleans(), st.dates(),
              st.sampled_from(["M1", "S01", "fiches/programme.txt", "transcripts/S01.vtt", "pVd0S01aisn",
                               "https://youtu.be/pVd0S01aisn", "24/06/2021", "2021-06-24", "../x"])),
    lambda children: st.lists(children, max_size=3),
    max_leaves=5,
)
# For each session key, values that are right for it; the generator mixes them with values of any type.
GOOD = {
    "id": st.sampled_from(["S01", "S02", "S03"]), "module": st.sampled_from(["M1", "M2"]),
    "title": st.text(min_size=1, max_size=20), "date": st.dates(), "kind": st.sampled_from(["atelier", "visite"]),
    "youtube": st.sampled_from(["pVd0S01aisn", "https://youtu.be/pVd0S02aisn",
                                "https://www.youtube.com/live/pVd0S03aisn"]),
    "speakers": st.lists(st.text(max_size=10), max_size=2),
    "fiches": st.sampled_from([["fiches/programme.txt"], ["fiches\\programme.txt"], []]),
    "transcript": st.just("transcripts/S01.vtt"),
}
MISSPELT = ("youtbe", "titre", "notes")


@st.composite
def structured(draw: st.DrawFn) -> str:
    """A catalogue of the right shape whose values are mostly right: what a hurried edit produces."""
    out = ["[cycle]", _line("title", draw(st.one_of(st.text(min_size=1, max_size=20), VALUES)))]
    for index in range(draw(st.integers(0, 2))):
        out += ["[[module]]", f'id = "M{index + 1}"', _line("title", draw(st.one_of(GOOD["title"], VALUES)))]
    for _ in range(draw(st.integers(0, 3))):
        out.append("[[session]]")
        keys = draw(st.lists(st.sampled_from([*GOOD, *MISSPELT]), unique=True, min_size=4, max_size=10))
        for key in keys:
            wrong = key in MISSPELT or draw(st.integers(0, 9)) == 0
            out.append(_line(key, draw(VALUES if wrong else GOOD[key])))
    return "\n".join(out) + "\n"


@FUZZ
@given(text=mutated())
def test_near_valid_catalogue__cycle_or_catalogue_error(corpus: Path, text: str):
    assert_cycle_or_catalogue_error(corpus, text)


@FUZZ
@given(text=structured())
def test_values_of_any_type__cycle_or_catalogue_error(corpus: Path, text: str):
    assert_cycle_or_catalogue_error(corpus, text)


@FUZZ
@given(data=st.one_of(st.binary(max_size=512), st.text(max_size=512)))
def test_arbitrary_content__cycle_or_catalogue_error(corpus: Path, data: str | bytes):
    assert_cycle_or_catalogue_error(corpus, data)

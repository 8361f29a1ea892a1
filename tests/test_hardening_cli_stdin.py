"""`pvd ask --json -` keeps its contract (one JSON line out per line in, in order, whatever the line), and a
question is capped in length everywhere in the command line, refused at once in French."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.test_hardening_cli_kept import pvd, small_index

GODIN = "Pourquoi Godin a-t-il construit le Familistère ?"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_index(tmp_path_factory.mktemp("stdin"))[1]


def _json_lines(index: Path, stdin: bytes) -> list[dict]:
    result = pvd("ask", "--json", "-", "--index", str(index), input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_stdin__blank_and_undecodable_lines_keep_their_place(index):
    stdin = (GODIN.encode() + b"\n\n" + b"Le Familist\xe8re en latin-1 ?\n" + b"   \n"
             + "Que propose le palais social aux familles ?".encode())  # the last line has no newline
    out = _json_lines(index, stdin)
    assert len(out) == 5
    assert out[0]["question"] == GODIN and out[0]["sources"]
    assert out[1]["question"] == "" and "La question est vide" in out[1]["error"]
    assert "UTF-8" in out[2]["error"] and out[2]["question"].startswith("Le Familist")
    assert "La question est vide" in out[3]["error"]
    assert out[4]["question"] == "Que propose le palais social aux familles ?" and "error" not in out[4]
    assert all(line["answered"] is False for line in (out[1], out[2], out[3]))


def test_question_of_100000_characters__refused_at_once_in_french(index):
    started = time.monotonic()
    result = pvd("ask", "patrimoine " * 10_000, "--index", str(index))
    assert time.monotonic() - started < 5
    assert result.exit_code != 0
    assert "La question est trop longue" in result.stderr and "PVD_MAX_QUESTION_CHARS" in result.stderr
    assert "Error:" not in result.output


def test_over_long_lines_in_json_stdin__an_error_each_and_the_next_question_answered(index):
    stdin = ("patrimoine " * 10_000 + "\n").encode() + b"x" * 2_000_000 + b"\n" + GODIN.encode() + b"\n"
    started = time.monotonic()
    out = _json_lines(index, stdin)
    assert time.monotonic() - started < 20
    assert len(out) == 3
    assert all("La question est trop longue" in line["error"] for line in out[:2])
    assert out[2]["question"] == GODIN and out[2]["sources"]


def test_question_over_the_configured_cap__refused_in_chat_which_goes_on(index):
    result = pvd("chat", "--index", str(index), input="a" * 81 + "\n" + GODIN + "\n/quitter\n",
                 env={"PVD_MAX_QUESTION_CHARS": "80"})
    assert result.exit_code == 0, result.output
    assert "81 caractères, pour une limite de 80" in result.stderr
    assert "Familistère" in result.stdout and "À bientôt" in result.stdout


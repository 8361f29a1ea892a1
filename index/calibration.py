"""How high an unrelated question scores against this corpus: the noise floor of the abstention decision.

The best score of an off-topic question rises with the size of the corpus (more passages, more chance
resemblance) and differs from one model to another. Measuring it on each published index, with questions
that no awareness cycle on small towns answers, lets the decision follow the corpus instead of a constant
tuned on the demo. The probes are scored as questions are (index.ranking), without the lexical evidence.
"""

from __future__ import annotations

import numpy as np

from index.encoders import Encoder
from index.ranking import RankingConfig, joined_with_next, topic_closeness

#: Everyday questions far from the cycle's subject (urbanism, housing, commerce, funding of small towns).
OFF_TOPIC_PROBES = (
    "Quel temps fera-t-il demain ?", "Comment faire une pâte à crêpes ?", "Qui a gagné la Ligue des champions ?",
    "Quel est le prix du plein d'essence ?", "Comment soigner un rhume ?", "Quelle est la capitale de l'Australie ?",
    "Comment changer un pneu crevé ?", "Quel film voir ce week-end ?", "Comment apprendre la guitare ?",
    "Quelle race de chien pour un appartement ?", "Comment réinitialiser mon mot de passe ?",
    "Quand partir en vacances en Grèce ?", "Comment déclarer ses impôts en ligne ?",
    "Quel forfait téléphone choisir ?", "Comment cuire des pâtes al dente ?", "Combien de calories dans une banane ?",
    "Comment réparer une fuite de robinet ?", "Quelle est la date de la fête des mères ?",
    "Comment jouer aux échecs ?", "Quels sont les symptômes de la grippe ?",
)
NOISE_PERCENTILE = 90.0


def noise_level(encoder: Encoder, vectors: np.ndarray, segment_vectors: np.ndarray, segment_rows: np.ndarray,
                topics: np.ndarray, chunk_sessions: np.ndarray, config: RankingConfig = RankingConfig()) -> float:
    """The 90th percentile, over the off-topic probes, of each probe's best moment score (dense evidence).

    ``topics``: one vector per session; ``chunk_sessions``: the session (row of ``topics``) of each chunk, -1 for
    a fiche of the whole cycle."""
    if not len(vectors):
        return 0.0
    probes = encoder.encode_queries(list(OFF_TOPIC_PROBES))
    closeness = topic_closeness(topics, probes)  # (probes, sessions)
    topic = np.zeros((len(probes), len(vectors)), np.float32)
    attached = np.asarray(chunk_sessions) >= 0
    topic[:, attached] = closeness[:, np.asarray(chunk_sessions)[attached]]
    windows = probes @ np.asarray(vectors, dtype=np.float32).T  # (probes, chunks)
    rows = np.asarray(segment_rows, dtype=np.int64).reshape(-1, 3)[:, 0]
    segments = np.asarray(segment_vectors, dtype=np.float32)
    alone = np.ones(len(vectors), bool)
    alone[rows] = False  # a chunk without segments (a fiche) is a moment of its own
    whole = config.window_weight + config.pair_weight + config.segment_weight
    best = (windows[:, alone] * whole + config.topic_weight * topic[:, alone]).max(axis=1, initial=-1.0)
    if len(segments):
        moments = (config.window_weight * windows[:, rows] + config.segment_weight * (probes @ segments.T)
                   + config.pair_weight * (probes @ joined_with_next(segments, rows).T)
                   + config.topic_weight * topic[:, rows])
        best = np.maximum(best, moments.max(axis=1))
    return float(np.percentile(best, NOISE_PERCENTILE))

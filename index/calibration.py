"""How high an unrelated question scores against this corpus: the noise floor of the abstention threshold.

The best cosine of an off-topic question rises with the size of the corpus (more passages, more chance
resemblance) and differs from one model to another. Measuring it on each published index, with questions
that no awareness cycle on small towns answers, lets the threshold follow the corpus instead of being a
constant tuned on the demo.
"""

from __future__ import annotations

import numpy as np

from index.encoders import Encoder

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


def noise_level(encoder: Encoder, vectors: np.ndarray) -> float:
    """The 90th percentile, over the off-topic probes, of each probe's best cosine with a passage."""
    if not len(vectors):
        return 0.0
    probes = encoder.encode_queries(list(OFF_TOPIC_PROBES))
    best = (probes @ np.asarray(vectors, dtype=np.float32).T).max(axis=1)
    return float(np.percentile(best, NOISE_PERCENTILE))

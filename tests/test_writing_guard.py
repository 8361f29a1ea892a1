"""The grounding guard on its own: which written sentences may be shown, and the sentences a stream makes."""

from __future__ import annotations

import pytest

from bot.writing import SentenceSplitter, check_sentence, citations, guard, says_no_answer

PASSAGES = {
    1: "Séance S05 « Commerces et rez-de-chaussée vacants : redynamiser le cœur de ville » (atelier du 17 mars "
       "2022), à 0:19 : Alors, pour commencer, un indicateur : le taux de vacance commerciale. En France, dans les "
       "villes moyennes, on est autour de 12 %. Dans certaines petites villes de l'Aisne, on dépasse 20 %. Au-delà "
       "de 10 %, on considère que la situation devient préoccupante, et au-delà de 20 %, elle est structurelle.",
    2: "Séance S10 « Financer son projet : Fonds vert, DETR, Banque des territoires » (atelier du 16 février 2023), "
       "à 0:25 : avec nous sophie garnier chargée de mission à la préfecture de l'aisne le fonds vert est doté de "
       "deux milliards d'euros pour 2023 et il est géré par les préfets",
}
CONTEXT = "Accompagner les Petites villes de demain dans l'Aisne CAUE de l'Aisne DDT de l'Aisne"


def test_grounded_sentences_are_kept() -> None:
    sentences = [
        "Au-delà de 10 % de locaux vides, la situation devient préoccupante [1].",
        "Le Fonds vert est doté de 2 milliards d'euros pour 2023 et géré par les préfets [2].",
        "Sophie Garnier, de la préfecture de l'Aisne, l'a présenté le 16 février 2023 [2].",
        "Le CAUE de l'Aisne rappelle que la vacance se mesure [1][2].",
    ]
    assert guard(sentences, PASSAGES, CONTEXT).dropped == ()


def test_a_sentence_without_citation_is_dropped() -> None:
    reason = check_sentence("Il faut rencontrer les propriétaires des locaux vides.", PASSAGES, CONTEXT)
    assert reason == "aucun passage cité"


def test_a_sentence_citing_a_passage_not_given_is_dropped() -> None:
    assert check_sentence("La vacance est préoccupante [1][4].", PASSAGES) == "passage cité non fourni : [4]"


@pytest.mark.parametrize(("sentence", "reason"), [
    ("Au-delà de 15 % de locaux vides, la situation devient préoccupante [1].",
     "pourcentage absent du passage cité : « 15 % » ([1])"),
    ("Le Fonds vert est doté de 3 milliards d'euros [2].", "chiffre absent du passage cité : « 3 » ([2])"),
    ("Le Fonds vert est doté de deux millions d'euros [2].", "montant absent du passage cité : « millions » ([2])"),
    ("Le Fonds vert a été présenté en janvier [2].", "date absente du passage cité : « janvier » ([2])"),
    ("Le Fonds vert s'ajoute à la DSIL [2].", "sigle absent du passage cité : « DSIL » ([2])"),
    ("Le Fonds vert a été présenté à Saint-Quentin [2].",
     "nom propre absent du passage cité : « Saint-Quentin » ([2])"),
    ("Selon Marc Delattre, le Fonds vert est géré par les préfets [2].",
     "nom propre absent du passage cité : « Marc Delattre » ([2])"),
    ("Saint-Quentin a obtenu le Fonds vert [2].", "nom propre absent du passage cité : « Saint-Quentin » ([2])"),
    ("Jean Dupont gère le Fonds vert [2].", "nom propre absent du passage cité : « Dupont » ([2])"),
])
def test_a_fact_absent_from_the_cited_passages_is_dropped(sentence: str, reason: str) -> None:
    assert check_sentence(sentence, PASSAGES, CONTEXT) == reason


def test_a_fact_must_be_in_the_passage_the_sentence_cites_not_in_another() -> None:
    # 20 % is in passage 1, but the sentence cites passage 2 only
    assert check_sentence("Le Fonds vert couvre 20 % des projets [2].", PASSAGES, CONTEXT) is not None
    assert check_sentence("La vacance dépasse 20 % dans certaines petites villes [1].", PASSAGES, CONTEXT) is None


def test_names_and_acronyms_are_compared_without_case_or_accents() -> None:
    # auto captions: « sophie garnier », « prefecture » in lowercase
    assert check_sentence("Sophie Garnier représente la Préfecture de l'Aisne [2].", PASSAGES, CONTEXT) is None


def test_figures_written_differently_match() -> None:
    passages = {1: "le projet coûte 1 200 000 euros soit vingt pour cent du budget et deux milliards au total"}
    assert check_sentence("Le projet coûte 1 200 000 euros [1].", passages) is None
    assert check_sentence("Le projet coûte 1200000 euros [1].", passages) is None
    assert check_sentence("Cela représente 20 % du budget [1].", passages) is None
    assert check_sentence("Cela représente 2 milliards [1].", passages) is None


def test_citations_in_every_written_form() -> None:
    assert citations("Ceci [1][3]. Et [2, 4] puis [1].") == (1, 3, 2, 4)
    assert citations("Sans citation.") == ()


def test_the_stream_splitter_waits_for_the_citation_that_closes_a_sentence() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("Au-delà de 10 %, c'est préoccupant") == []
    assert splitter.feed(" [1].") == []  # a citation or a new sentence may still follow
    assert splitter.feed(" [2] Ensuite, M. Dupont") == ["Au-delà de 10 %, c'est préoccupant [1]. [2]"]
    assert splitter.feed(" parle de 1,5 million. Enfin") == ["Ensuite, M. Dupont parle de 1,5 million."]
    assert splitter.close() == ["Enfin"]


def test_the_stream_splitter_splits_lines_and_bullets() -> None:
    splitter = SentenceSplitter()
    sentences = splitter.feed("- Recensez les locaux vides [1]\n- Rencontrez les propriétaires [1]\n") + splitter.close()
    assert sentences == ["Recensez les locaux vides [1]", "Rencontrez les propriétaires [1]"]


@pytest.mark.parametrize("text", [
    "AUCUNE RÉPONSE", "Aucune réponse.", "Les passages fournis ne permettent pas de répondre à cette question.",
    "Les extraits ne disent rien de la tarte aux pommes.",
])
def test_the_model_saying_the_passages_do_not_answer_is_recognised(text: str) -> None:
    assert says_no_answer(text)


def test_an_ordinary_sentence_is_not_an_abstention() -> None:
    assert not says_no_answer("Les passages vacants du centre-ville sont rénovés par la commune.")

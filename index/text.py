"""French analysis for the lexical index: accents folded, elisions cut, stop words dropped, Snowball stems.

Auto captions have no punctuation and no capitals; questions come without accents and with typos: folding
accents and stemming makes « rénovation », « renovations » and « renover » meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+")
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)

# Folded (accent-free) French stop words, plus the fillers of spoken French that captions are full of.
STOP_WORDS = frozenset("""
a ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient aurais aurait auras aurez
auriez aurions aurons auront aussi autre autres aux avaient avais avait avant avec avez aviez avions avoir avons
ayant ayez ayons bah ben bien bon c ca car ce ceci cela celle celles celui cependant certain certaine certaines
certains ces cet cette ceux chaque chez ci comme comment d dans de des donc dont du elle elles en encore enfin
entre es est et etaient etais etait etant ete etes etiez etions etre eu eue eues euh eurent eus eusse eussent
eusses eussiez eussions eut eux fais fait faut fois font furent fus fusse fussent fusses fussiez fussions fut hein
hum ici il ils j je jusqu l la le les leur leurs lui m ma mais me meme memes mes moi mon n ne ni nos notre nous o
on ont ou oui par parce pas peu peut plus pour pourquoi puis qu quand que quel quelle quelles quels qui quoi s sa
sans se sera serai seraient serais serait seras serez seriez serions serons seront ses si sinon soi soient sois
soit sommes son sont soyez soyons suis sur t ta te tes toi ton tous tout toute toutes tres tu un une vais voila
vont vos votre vous y est-ce ok okay alors voila bref genre truc contre vers sous depuis pendant selon lorsque
""".split())


#: Chat spellings that chefs de projet type on Discord, each for one everyday word and no other word.
CHAT_SPELLINGS = {
    "pr": "pour", "qd": "quand", "ds": "dans", "cmb": "combien", "bcp": "beaucoup", "tt": "tout", "tjs": "toujours",
    "tjrs": "toujours", "mtn": "maintenant", "pcq": "parce que", "pk": "pourquoi", "pq": "pourquoi", "koi": "quoi",
    "qq": "quelques", "qqch": "quelque chose", "qqn": "quelqu'un", "pb": "problème", "pbm": "problème",
    "stp": "s'il te plaît", "svp": "s'il vous plaît", "jsp": "je ne sais pas", "rdv": "rendez-vous", "nb": "nombre",
    "hab": "habitants", "dc": "donc", "tps": "temps", "qdm": "quand même", "cad": "c'est-à-dire", "ya": "il y a",
    "ki": "qui", "ke": "que", "kan": "quand",
}
_CHAT = re.compile(r"\b(" + "|".join(sorted(CHAT_SPELLINGS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
# « c » typed for « c'est » (« c quoi », « c payant ») is lower case and followed by a word; the letter of a
# class, a zone or a list (« classe C », « de G à C », « a, b, c ») is not written out.
_LONE_C = re.compile(r"(?<![\w'’-])c(?=\s+[^\W\d_])")
_BEFORE_A_LETTER = frozenset("de classe etiquette categorie zone type lettre point annexe article niveau".split())

#: Familiar words, each with the everyday word said in its place (« un proprio veut retaper l'appart » is « un
#: propriétaire veut rénover l'appartement »). The encoder reads the everyday word, closer to what speakers of a
#: replay say; the lexical list looks for both. « ados » stays as typed: read « adolescents », it lost a demo
#: question whose replay says « les jeunes ».
FAMILIAR_WORDS = {
    "proprio": "propriétaire", "proprios": "propriétaires", "appart": "appartement", "apparts": "appartements",
    "apart": "appartement", "aparts": "appartements", "baraque": "maison", "baraques": "maisons",
    "bicoque": "maison", "bicoques": "maisons", "retaper": "rénover", "retape": "rénove", "retapent": "rénovent",
    "retapé": "rénové", "retapée": "rénovée", "retapés": "rénovés", "retapées": "rénovées", "réno": "rénovation",
    "boulot": "travail", "boulots": "emplois", "taf": "travail", "bosser": "travailler", "fric": "argent",
    "pognon": "argent", "thune": "argent", "thunes": "argent", "bagnole": "voiture", "bagnoles": "voitures",
    "resto": "restaurant", "restos": "restaurants", "bled": "village", "patelin": "village", "gamin": "enfant",
    "gamins": "enfants", "gosse": "enfant", "gosses": "enfants", "môme": "enfant", "mômes": "enfants",
    "toubib": "médecin", "toubibs": "médecins", "flic": "policier", "flics": "policiers", "subv": "subvention",
    "subvs": "subventions", "dispo": "disponible", "dispos": "disponibles", "info": "information",
    "infos": "informations", "appli": "application", "applis": "applications", "asso": "association",
    "assos": "associations", "expo": "exposition", "expos": "expositions", "manif": "manifestation",
    "manifs": "manifestations", "compta": "comptabilité", "conso": "consommation", "admin": "administration",
    "hosto": "hôpital", "ciné": "cinéma", "fac": "université", "aprem": "après-midi", "aprèm": "après-midi",
    "max": "maximum", "prof": "professeur", "profs": "professeurs", "coloc": "colocation", "déco": "décoration",
    "diag": "diagnostic", "diags": "diagnostics", "immo": "immobilier", "écolo": "écologique", "clim": "climatisation",
    "covoit": "covoiturage", "stat": "statistique", "stats": "statistiques", "pro": "professionnel",
    "pros": "professionnels", "récup": "récupération",
}
_LETTERS = re.compile(r"(?<![\w-])[^\W\d_]+(?![\w-])")  # a word, not part of a hyphenated one


def spelled_out(question: str) -> str:
    """The question with its chat spellings written out (« cmb ça coûte ds le centre » → « combien ça coûte
    dans le centre »), so that the stop words, the stems and the model read what the chef de projet meant."""
    text = _CHAT.sub(lambda found: CHAT_SPELLINGS[found.group(0).lower()], question)
    return _LONE_C.sub(_c_est, text)


def reading(question: str) -> tuple[str, str]:
    """How the assistant reads a question: as typed with its chat spellings written out, and the same in everyday
    words (the encoder reads the second; the lexical list looks for the words of both)."""
    typed = spelled_out(question)
    return typed, in_everyday_words(typed)


def _c_est(found: re.Match[str]) -> str:
    before = fold(found.string[max(0, found.start() - 20):found.start()]).split()  # the word before is enough
    previous = before[-1].strip(",;:.()") if before else ""
    return "c" if len(previous) == 1 or previous in _BEFORE_A_LETTER else "c'est"


def in_everyday_words(text: str) -> str:
    """``text`` with its familiar words replaced by everyday ones (``FAMILIAR_WORDS``), accents or not."""
    return _LETTERS.sub(lambda found: _familiar(found.group(0)) or found.group(0), text)


def _familiar(word: str) -> str | None:
    return FAMILIAR_WORDS.get(word.lower()) or _familiar_folded().get(fold(word))


@lru_cache(maxsize=1)
def _familiar_folded() -> dict[str, str]:  # « retape » typed without its accent is still « retapé »
    return {fold(key): word for key, word in FAMILIAR_WORDS.items() if fold(key) not in FAMILIAR_WORDS}


# The combining marks of accented Latin letters (U+034F, the grapheme joiner, is not one: it is kept).
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")


def fold(text: str) -> str:
    """Case- and accent-insensitive form (« Équipé » -> « equipe »); œ/æ spelled out."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    stripped = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if stripped.isascii() or not any(unicodedata.combining(ch) for ch in set(stripped)):
        return stripped  # the usual case, without a Python loop over every character
    return "".join(ch for ch in stripped if not unicodedata.combining(ch))  # marks of other scripts


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


def words(text: str) -> list[str]:
    """Folded words without elisions or stop words, not yet stemmed."""
    folded = fold(_ELISION.sub(" ", text))
    return [w for w in _WORD.findall(folded) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


def analyze(text: str) -> list[str]:
    """Tokens as the lexical index stores them."""
    return _stemmer().stemWords(words(text))


class Vocabulary:
    """Finds the lexicon's notions in analysed text and names each by one token, whatever the form used:
    « LOVAC », « fichier des logements vacants » and the auto captions' « l'eau vac » all add ``lxlovac``.

    A form is found by its stems (« logements vacants » in « logement vacant »), except a one-word acronym
    (written with two capitals or more, « PLUi », « ORT »): that one is found as a whole word, since its stem
    may be an everyday word's (« PLUi » and « pluie » are both « plui »)."""

    def __init__(self, groups: tuple[tuple[str, ...], ...] = ()) -> None:
        self._forms: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._acronyms: dict[str, str] = {}  # folded acronym -> notion token
        self._names: dict[str, str] = {}  # notion token -> its first form, the name the lexicon gives it
        for group in groups:
            token = "lx" + "".join(_WORD.findall(fold(group[0])))
            self._names.setdefault(token, group[0])
            for form in group:
                written = words(form)
                if len(written) == 1 and sum(ch.isupper() for ch in form) >= 2:
                    self._acronyms.setdefault(written[0], token)
                elif stems := tuple(_stemmer().stemWords(written)):
                    self._forms.setdefault(stems[0], []).append((stems, token))
        for candidates in self._forms.values():
            candidates.sort(key=lambda item: -len(item[0]))  # the longest form wins where two overlap

    def _tokens(self, written: list[str], stems: list[str]) -> list[str]:
        """The notion tokens found in a text's ``words`` and their ``stems``, once each, in order of appearance."""
        found: dict[str, None] = {}
        for i, (word, stem) in enumerate(zip(written, stems)):
            if token := self._acronyms.get(word) or self._acronyms.get(word.removesuffix("s")):
                found[token] = None
                continue
            for form, token in self._forms.get(stem, ()):
                if tuple(stems[i:i + len(form)]) == form:
                    found[token] = None
                    break
        return list(found)

    def analyze(self, text: str) -> list[str]:
        """``analyze`` plus the notion tokens: what both the index and the questions are made of."""
        written = words(text)
        stems = _stemmer().stemWords(written)
        return stems + self._tokens(written, stems)

    def named(self, text: str, terms: list[str]) -> str:
        """``text`` followed by the names of the notions it evokes without spelling them (``terms``: its
        ``analyze``): the sentence encoder reads « vitrines vides » as « vitrines vides (vacance commerciale) »,
        closer to what speakers say. The lexical list already matches every form; this helps the dense one."""
        folded = fold(text)
        names = [name for term in dict.fromkeys(terms) if (name := self._names.get(term)) and fold(name) not in folded]
        return f"{text} ({', '.join(names)})" if names else text

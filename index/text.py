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


def fold(text: str) -> str:
    """Case- and accent-insensitive form (« Équipé » -> « equipe »); œ/æ spelled out."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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

"""The grounding guard: which written sentences may be shown. Pure functions, no model, no I/O.

A sentence is kept only when it cites passages that were given (« [1] », « [1][3] », « [1, 3] ») and every
figure, percentage, amount, date, acronym and proper name in it appears in one of the passages it cites.
Auto captions have no capitals and no accents to rely on: names are compared folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from index.text import fold

_CITATION = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_CITATIONS_AFTER = re.compile(r"(?:[\s\u00a0]*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+\.?")
_END = re.compile(r"[.!?…]+[»\"”)’']*")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_ABBREVIATIONS = {"m", "mme", "mmes", "mm", "dr", "art", "cf", "p", "st", "ste", "av", "bd", "n°", "no", "vol"}

_NUMBER = re.compile(r"(?<![\w,])\d+(?:[\s\u00a0\u202f.]\d{3}(?!\d))*(?:,\d+)?")
_PERCENT = re.compile(r"(\d+(?:,\d+)?)\s*(?:%|pour\s*-?\s*cents?\b|pourcents?\b)", re.IGNORECASE)
_MULTIPLIER = re.compile(r"\b(millions?|milliards?)\b", re.IGNORECASE)
_MONTH = re.compile(r"\b(janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
                    r"novembre|décembre|decembre)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"\b[A-ZÀ-Ý](?:[A-ZÀ-Ý0-9&]*[A-ZÀ-Ý])(?:-[A-ZÀ-Ý]{1,4})*\b")
_CAPITALISED = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿœ]+(?:[-' ][A-ZÀ-Ý][a-zà-ÿœ]+)*\b")
#: Capitalised words that are not names: openers (after a colon or a quote, in a run) and French usage.
_NOT_NAMES = {fold(w) for w in (
    "Le", "La", "Les", "Un", "Une", "Des", "Du", "De", "Ce", "Cette", "Ces", "Il", "Elle", "Ils", "Elles", "On",
    "Vous", "Nous", "Je", "Pour", "Par", "Dans", "Avec", "Sans", "Sur", "En", "Au", "Aux", "Et", "Mais", "Ou",
    "Si", "Lors", "Selon", "Enfin", "Ensuite", "Puis", "Aussi", "Ainsi", "Oui", "Non", "Madame", "Monsieur",
    "Séance", "Session", "Module", "Fiche", "Passage", "Passages", "Atelier", "Visite", "Table",
)}
_NUMBER_WORDS = {
    "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7", "huit": "8", "neuf": "9",
    "dix": "10", "onze": "11", "douze": "12", "treize": "13", "quatorze": "14", "quinze": "15", "seize": "16",
    "vingt": "20", "trente": "30", "quarante": "40", "cinquante": "50", "soixante": "60", "cent": "100",
    "mille": "1000", "premier": "1", "premiere": "1",
}


@dataclass(frozen=True)
class Dropped:
    """A sentence the guard removed, and why (French, for the log and the staff report)."""

    sentence: str
    reason: str


@dataclass(frozen=True)
class Verdict:
    kept: tuple[str, ...]
    dropped: tuple[Dropped, ...]


def citations(sentence: str) -> tuple[int, ...]:
    """The passage numbers a sentence cites, in order, without repeats."""
    found: list[int] = []
    for group in _CITATION.findall(sentence):
        for number in re.split(r"\s*[,;]\s*", group):
            if int(number) not in found:
                found.append(int(number))
    return tuple(found)


def without_citations(sentence: str) -> str:
    return " ".join(_CITATION.sub(" ", sentence).split())


def check_sentence(sentence: str, passages: Mapping[int, str], context: str = "") -> str | None:
    """Why ``sentence`` must be dropped (French), or None to keep it.

    ``passages``: the text given to the model for each number; ``context``: what every sentence may mention
    without citing (the cycle's title, organiser and partners)."""
    cited = citations(sentence)
    if not cited:
        return "aucun passage cité"
    unknown = [n for n in cited if n not in passages]
    if unknown:
        return f"passage cité non fourni : [{unknown[0]}]"
    support = " ".join(passages[n] for n in cited) + " " + context
    missing = unsupported_fact(without_citations(sentence), support)
    if missing is not None:
        kind, text = missing
        absent = "absente" if kind == "date" else "absent"
        where = "du passage cité" if len(cited) == 1 else "des passages cités"
        return f"{kind} {absent} {where} : « {text} » ({''.join(f'[{n}]' for n in cited)})"
    return None


def unsupported_fact(text: str, support: str) -> tuple[str, str] | None:
    """The first (kind, words) of ``text`` that ``support`` does not hold: figure, percentage, amount, date,
    acronym or proper name. None when everything is there."""
    folded = fold(support)
    values = _number_values(support)
    percentages = _percentages(support)
    for match in _PERCENT.finditer(text):
        if _normalise(match.group(1)) not in percentages:
            return "pourcentage", match.group(0).strip()
    for match in _NUMBER.finditer(text):
        if not _number_supported(match.group(0), values):
            return "chiffre", match.group(0).strip()
    for match in _MULTIPLIER.finditer(text):
        if not re.search(rf"\b{fold(match.group(1))[:6]}", folded):
            return "montant", match.group(0)
    for match in _MONTH.finditer(text):
        if not _contains(folded, fold(match.group(0))):
            return "date", match.group(0)
    for match in _ACRONYM.finditer(text):
        if not _contains(folded, fold(match.group(0))):
            return "sigle", match.group(0)
    for name in proper_names(text):
        if not _contains(folded, fold(name)):
            return "nom propre", name
    return None


def proper_names(text: str) -> list[str]:
    """Capitalised words (or runs of them) that are not common openers. The first word of the sentence counts
    only in a run (« Marc Delattre ») or hyphenated (« Saint-Quentin »): alone, its capital may be grammar."""
    names = []
    opening = re.match(r"[\s«\"“(]*", text)
    start = opening.end() if opening else 0
    for match in _CAPITALISED.finditer(text):
        words = match.group(0)
        if match.start() == start and not re.match(r"[^ ]+-[A-ZÀ-Ý]", words):
            # the sentence's own capital: only what follows it (« Saint-Quentin » is a name wherever it stands)
            words = words.split(" ", 1)[1] if " " in words else ""
        kept = [w for w in words.split(" ") if w and fold(w) not in _NOT_NAMES]
        if kept:
            names.append(" ".join(kept))
    return names


def _contains(folded_support: str, folded_term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(folded_term)}(?!\w)", folded_support) is not None


def _normalise(number: str) -> str:
    digits = re.sub(r"[\s\u00a0\u202f.]", "", number).replace(",", ".")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits.lstrip("0") or "0"


def _number_values(support: str) -> set[str]:
    values = {_normalise(m.group(0)) for m in _NUMBER.finditer(support)}
    values |= {_normalise(run) for run in re.findall(r"\d+", support)}
    values |= {v for word, v in _NUMBER_WORDS.items() if _contains(fold(support), word)}
    return values


def _number_supported(number: str, values: set[str]) -> bool:
    if _normalise(number) in values:
        return True
    runs = re.findall(r"\d+", number)
    return len(runs) > 1 and all(_normalise(r) in values for r in runs)


def _percentages(support: str) -> set[str]:
    found = {_normalise(m.group(1)) for m in _PERCENT.finditer(support)}
    for word, value in _NUMBER_WORDS.items():  # « vingt pour cent »
        if re.search(rf"\b{word}\s*(?:%|pour\s*-?\s*cents?\b|pourcents?\b)", fold(support)):
            found.add(value)
    return found


def guard(sentences: Iterable[str], passages: Mapping[int, str], context: str = "") -> Verdict:
    """Every sentence checked: the kept ones in order, the dropped ones with their reason."""
    kept: list[str] = []
    dropped: list[Dropped] = []
    for sentence in sentences:
        reason = check_sentence(sentence, passages, context)
        if reason is None:
            kept.append(sentence)
        else:
            dropped.append(Dropped(sentence, reason))
    return Verdict(tuple(kept), tuple(dropped))


class SentenceSplitter:
    """Sentences out of streamed text, each with the citations that close it (« … propriétaires [1]. »).

    ``feed`` returns the sentences completed so far; ``close`` the rest once the text is over."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, text: str) -> list[str]:
        self._buffer += text
        sentences: list[str] = []
        while True:
            cut = self._next_end()
            if cut is None:
                return sentences
            sentence, self._buffer = self._buffer[:cut], self._buffer[cut:].lstrip()
            sentences += _clean(sentence)

    def close(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        return _clean(rest)

    def _next_end(self) -> int | None:
        """Where the first complete sentence of the buffer ends, or None when it may still go on."""
        text = self._buffer
        newline = text.find("\n")
        for match in _END.finditer(text):
            if newline != -1 and newline < match.start():
                return newline + 1
            end = match.end()
            after = _CITATIONS_AFTER.match(text, end)
            if after:
                end = after.end()
            following = re.match(r"\s+(\S)", text[end:])
            if following is None:
                if text[end:].strip():
                    continue  # « 1,5 » or « S.N.C.F » : not an end
                return None  # the text may go on with a citation: wait
            if following.group(1).islower() or following.group(1) in ",;:)":
                continue
            word = re.search(r"(\S+)[.]$", text[:match.start() + 1])
            if match.group(0) == "." and word and fold(word.group(1)) in _ABBREVIATIONS:
                continue
            return end
        if newline != -1:
            return newline + 1
        return None


def _clean(text: str) -> list[str]:
    sentence = " ".join(_BULLET.sub("", text).split())
    return [sentence] if sentence.strip(" .-*#") else []

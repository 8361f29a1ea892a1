"""The French prompt (prompt.md, beside this module) filled with the question and its numbered passages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

from index.text import fold
from ingest.models import Cycle

MAX_PASSAGE_CHARS = 1500  # a transcript window is 45–90 s of speech; the cap bounds the prompt
_ABSTAIN = re.compile(r"^aucune reponse\b|\b(?:passages?|extraits?|sources?|documents?)\b.{0,40}"
                      r"\bne (?:\w+ )?(?:permet|permettent|repond|repondent|dit|disent|mentionne|mentionnent|"
                      r"precise|precisent|traite|traitent|aborde|abordent|contien|contiennent|indique|"
                      r"indiquent|evoque|evoquent|parle|parlent)")


@dataclass(frozen=True)
class NumberedPassage:
    """One passage as the model reads it: its number (the source's rank), where it is from, and its text."""

    number: int
    where: str  # « Séance S05 « … » (atelier du 17 mars 2022), à 0:31 » or « Fiche « … », section « … » »
    text: str

    def render(self) -> str:
        return f"[{self.number}] {self.where} :\n{self.text}"


@cache
def _template() -> tuple[Template, Template]:
    text = resources.files("bot.writing").joinpath("prompt.md").read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.DOTALL)
    _, system, user = re.split(r"^## (?:système|question)\s*$", text, flags=re.MULTILINE)
    return Template(system.strip()), Template(user.strip())


def context_of(cycle: Cycle) -> str:
    """What every sentence may name without citing it: the cycle, its organiser and partners."""
    return " ".join([cycle.title, cycle.organiser, *cycle.partners, "Petites villes de demain (PVD)"])


def build_messages(question: str, cycle: Cycle, passages: list[NumberedPassage]) -> list[dict[str, str]]:
    """The chat messages for an OpenAI-compatible endpoint (system, then user)."""
    system, user = _template()
    values = {"cycle": cycle.title, "organiser": cycle.organiser, "question": question,
              "passages": "\n\n".join(p.render() for p in passages)}
    return [{"role": "system", "content": system.safe_substitute(values)},
            {"role": "user", "content": user.safe_substitute(values)}]


def says_no_answer(sentence: str) -> bool:
    """The model says the passages do not answer (« AUCUNE RÉPONSE », « Les passages ne disent pas… »)."""
    return _ABSTAIN.search(" ".join(fold(sentence).strip(" «»\"*").split())) is not None


def trimmed(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_PASSAGE_CHARS else text[:MAX_PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"

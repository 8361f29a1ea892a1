"""What the engine returns: an answer and its cited sources (the `pvd ask --json` contract)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Source:
    rank: int
    kind: Literal["transcript", "fiche"]
    session: str | None
    session_title: str | None
    module: str | None
    date: str | None  # ISO date of the session
    start: float | None  # seconds; transcript only
    end: float | None
    url: str | None  # replay link at the passage; None for a fiche
    document: str  # relative to the corpus root
    text: str  # the readable excerpt
    score: float
    heading: str | None = None  # fiche section; not part of the JSON contract

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "kind": self.kind, "session": self.session,
            "session_title": self.session_title, "module": self.module, "date": self.date,
            "start": self.start, "end": self.end,
            "url": self.url,
            "document": self.document, "text": self.text, "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool  # False: the bot abstains; sources are then suggestions
    text: str  # French, light markdown
    sources: tuple[Source, ...] = ()
    lead: str = ""  # the opening of ``text`` (« Voici ce qu'en dit le cycle : », a caveat, « Je ne sais pas… »)
    generated: bool = False  # True: ``text`` was written by a language model (bot.writing), not quoted

    def __post_init__(self) -> None:
        if not self.lead:  # an answer written elsewhere (a test, a future generator): its first paragraph
            object.__setattr__(self, "lead", self.text.strip().split("\n\n", 1)[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question, "answered": self.answered, "answer": self.text,
            "generated": self.generated, "sources": [s.to_dict() for s in self.sources],
        }

"""`pvd eval`: quality figures on a question set. Metrics are pure functions of the ranked sources."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

from bot.answer import Source
from bot.compose import compose
from ingest.errors import PvdError

LINK_TOLERANCE_SECONDS = 30.0  # a link may open up to this long before the expected passage


class EvalEngine(Protocol):
    def retrieve(self, question: str, k: int | None = None, *, rank_only: bool = False) -> Any: ...


@dataclass(frozen=True)
class Outcome:
    item: dict[str, Any]
    sources: tuple[Source, ...]
    answered: bool
    confidence: float

    @property
    def in_scope(self) -> bool:
        return not self.item.get("abstain")

    def matches(self, source: Source) -> bool:
        if "document" in self.item:
            return source.document == self.item["document"]
        return source.session == self.item.get("session")

    @property
    def rank(self) -> int | None:
        """1-based rank of the first source that is right, or None."""
        return next((s.rank for s in self.sources if self.matches(s)), None)

    @property
    def link_hit(self) -> bool:
        if "start" not in self.item:
            return False
        low, high = self.item["start"] - LINK_TOLERANCE_SECONDS, self.item["end"]
        return any(self.matches(s) and (t := link_seconds(s)) is not None and low <= t <= high
                   for s in self.sources[:3])


@dataclass
class EvalReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, values: list[bool]) -> float:
        return sum(values) / len(values) if values else 0.0

    def figures(self) -> dict[str, float]:
        scoped = [o for o in self.outcomes if o.in_scope]
        timed = [o for o in scoped if "start" in o.item]
        out_of_scope = [o for o in self.outcomes if not o.in_scope]
        return {
            "questions": len(self.outcomes),
            "hit@1": self._share([o.rank == 1 for o in scoped]),
            "hit@3": self._share([o.rank is not None and o.rank <= 3 for o in scoped]),
            "mrr": sum(1 / o.rank for o in scoped if o.rank) / len(scoped) if scoped else 0.0,
            "link_hit@3": self._share([o.link_hit for o in timed]),
            "answered_in_scope": self._share([o.answered for o in scoped]),
            "declined_out_of_scope": self._share([not o.answered for o in out_of_scope]),
        }


def link_seconds(source: Source) -> float | None:
    if not source.url:
        return None
    t = parse_qs(urlparse(source.url).query).get("t")
    return float(t[0].rstrip("s")) if t else None


def load_questions(path: Path) -> list[dict[str, Any]]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("q"), str):
                raise ValueError
        except ValueError:
            raise PvdError(f"{path}, ligne {number} : ce n'est pas une question valide.",
                           'Chaque ligne doit être un objet JSON avec au moins "q".') from None
        items.append(item)
    return items


def run_eval(engine: EvalEngine, items: list[dict[str, Any]], k: int = 10) -> EvalReport:
    report = EvalReport()
    for item in items:
        found = engine.retrieve(item["q"], k, rank_only=True)
        answer = compose(found.question, found.passages, found.cycle, True)
        report.outcomes.append(Outcome(item, answer.sources, found.answered, found.confidence))
    return report


def format_report(report: EvalReport, details: bool = False) -> str:
    f = report.figures()
    lines = [
        f"Questions : {f['questions']}",
        f"Session correcte en 1re position (hit@1) : {f['hit@1']:.2f}",
        f"Session correcte dans les 3 premières (hit@3) : {f['hit@3']:.2f}",
        f"Rang réciproque moyen (MRR) : {f['mrr']:.2f}",
        f"Lien au bon moment dans les 3 premières (link hit@3) : {f['link_hit@3']:.2f}",
        f"Questions du cycle auxquelles l'assistant répond : {f['answered_in_scope']:.2f}",
        f"Questions hors sujet déclinées : {f['declined_out_of_scope']:.2f}",
    ]
    if details:
        for o in report.outcomes:
            wrong = (o.in_scope and (o.rank != 1 or ("start" in o.item and not o.link_hit) or not o.answered)) \
                or (not o.in_scope and o.answered)
            if wrong:
                got = ", ".join(f"{s.session or s.document}@{link_seconds(s)}" for s in o.sources[:3])
                expected = o.item.get("session") or o.item.get("document") or "abstention"
                lines.append(f"✗ {o.item['q']!r} attendu {expected} {o.item.get('start', '')} ; "
                             f"obtenu {got} ; répondu={o.answered} ; confiance={o.confidence:.3f}")
    return "\n".join(lines)

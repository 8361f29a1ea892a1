"""`pvd eval`: quality figures on a question set. Metrics are pure functions of the ranked sources."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

from sklearn.metrics import roc_auc_score

from bot.answer import Source
from bot.compose import AnswerConfig, compose
from index.text import reading
from ingest.errors import PvdError
from ingest.models import Chunk

_PUNCTUATION = re.compile(r"[.?!,;:]")

LINK_TOLERANCE_SECONDS = 30.0  # a link may open up to this long before the expected passage


class EvalEngine(Protocol):
    def retrieve(self, question: str, k: int | None = None, *, rank_only: bool = False) -> Any: ...


@dataclass(frozen=True)
class Outcome:
    item: dict[str, Any]
    sources: tuple[Source, ...]
    answered: bool
    confidence: float
    captions: str | None = None  # « manuelles » / « automatiques »: the captions of the expected session

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

    def offered(self, count: int) -> bool:
        """Whether the right session (or fiche) is among the ``count`` nearest places a decline offers (one
        source per session or fiche section, best first, as bot.engine selects them)."""
        places = list(dict.fromkeys(map(_place, self.sources)))[:count]
        return any(self.matches(s) for s in self.sources if _place(s) in places)

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


def _place(source: Source) -> object:
    """A transcript source's session, a fiche source's section: what a decline offers once."""
    return source.session if source.kind == "transcript" else (source.document, source.heading)


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


def run_eval(engine: EvalEngine, items: list[dict[str, Any]], k: int = 10,
             captions: dict[str, str] | None = None) -> EvalReport:
    """``captions``: the caption kind of each session (caption_kinds), for the breakdown."""
    report = EvalReport()
    for item in items:
        found = engine.retrieve(item["q"], k, rank_only=True)
        answer = compose(found.question, found.passages, found.cycle, True)
        kind = (captions or {}).get(item.get("session") or "")
        report.outcomes.append(Outcome(item, answer.sources, found.answered, found.confidence, kind))
    return report


def caption_kinds(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Per session, « automatiques » when its captions carry no punctuation (YouTube's auto captions)."""
    punctuated: dict[str, list[bool]] = {}
    for chunk in chunks:
        if chunk.kind == "transcript" and chunk.session_id:
            punctuated.setdefault(chunk.session_id, []).extend(bool(_PUNCTUATION.search(c.text)) for c in chunk.cues)
    return {s: "manuelles" if sum(v) > 0.2 * len(v) else "automatiques" for s, v in punctuated.items()}


def bootstrap(report: EvalReport, rounds: int = 1000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """95 % interval of each figure, resampling the questions (these sets are small: an interval says how much
    a difference between two runs can be chance)."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        drawn = EvalReport(rng.choices(report.outcomes, k=len(report.outcomes)))
        for key, value in drawn.figures().items():
            samples.setdefault(key, []).append(value)
        if (auc := decision_auc(drawn.outcomes)) is not None:
            samples.setdefault("decision_auc", []).append(auc)
    return {k: (_quantile(v, 0.025), _quantile(v, 0.975)) for k, v in samples.items()}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def length_class(question: str) -> str:
    words = len(question.split())
    return "courtes (≤ 6 mots)" if words <= 6 else "moyennes (7–15 mots)" if words <= 15 else "longues (> 15 mots)"


def decision_auc(outcomes: list[Outcome]) -> float | None:
    """How well the confidence tells the cycle's questions from the out-of-scope ones (ROC AUC: 1 when every
    in-scope question scores above every out-of-scope one, 0.5 by chance); None without both kinds."""
    labels = [o.in_scope for o in outcomes]
    if all(labels) or not any(labels):
        return None
    return float(roc_auc_score(labels, [o.confidence for o in outcomes]))


@dataclass(frozen=True)
class OperatingPoint:
    """What PVD_MIN_CONFIDENCE = ``threshold`` does on a question set."""

    threshold: float
    answered: float  # share of the in-scope questions answered (confidence ≥ threshold)
    declined: float  # share of the out-of-scope questions declined


def operating_point(report: EvalReport, threshold: float) -> OperatingPoint:
    inside = [o.confidence for o in report.outcomes if o.in_scope]
    outside = [o.confidence for o in report.outcomes if not o.in_scope]
    return OperatingPoint(threshold, sum(c >= threshold for c in inside) / max(1, len(inside)),
                          sum(c < threshold for c in outside) / max(1, len(outside)))


KEEPS = (0.99, 0.95, 0.90, 0.85)  # shares of in-scope questions answered that --calibrer lists a threshold for


def operating_points(report: EvalReport, current: float | None = None,
                     keeps: tuple[float, ...] = KEEPS) -> tuple[list[OperatingPoint], OperatingPoint] | None:
    """The thresholds a person may choose between, lowest first, and the suggested one; None without both kinds
    of questions. Listed: the highest threshold that still answers each share ``keeps`` of the in-scope
    questions, the ``current`` one, and the suggestion: the best balance (most questions of either kind
    handled right; on a tie, the current threshold, else the lowest: a caveat answer serves better than a flat
    refusal)."""
    inside = sorted(o.confidence for o in report.outcomes if o.in_scope)
    if not inside or all(o.in_scope for o in report.outcomes):
        return None
    shown = [] if current is None else [current]
    # the current threshold first: max() keeps the first of equals, so it stays when no other does better
    points = {level: operating_point(report, level) for level in shown + inside}
    best = max(points.values(), key=lambda p: round(p.answered + p.declined, 9))
    shown += [inside[int((1 - keep) * len(inside))] for keep in keeps] + [best.threshold]
    return [points[level] for level in sorted(set(shown))], best


LABELS = {
    "hit@1": "Session correcte en 1re position (hit@1)",
    "hit@3": "Session correcte dans les 3 premières (hit@3)",
    "mrr": "Rang réciproque moyen (MRR)",
    "link_hit@3": "Lien au bon moment dans les 3 premières (link hit@3)",
    "answered_in_scope": "Questions du cycle auxquelles l'assistant répond",
    "declined_out_of_scope": "Questions hors sujet déclinées",
}


def format_eval_report(report: EvalReport, details: bool = False, calibrate: bool = False,
                       current: float | None = None, suggestions: int = AnswerConfig.suggestions) -> str:
    """The figures, the overall ones last (what scripts and people read first: the tail of the output), after
    the breakdowns and the thresholds (``calibrate``; ``current``: the threshold in force); with ``details``,
    the missed questions come first. ``suggestions``: how many sessions the engine offers when it declines."""
    f = report.figures()
    interval = bootstrap(report)
    lines = []
    if details:
        for o in report.outcomes:
            wrong = (o.in_scope and (o.rank != 1 or ("start" in o.item and not o.link_hit) or not o.answered)) \
                or (not o.in_scope and o.answered)
            if wrong:
                got = ", ".join(f"{s.session or s.document}@{link_seconds(s)}" for s in o.sources[:3])
                expected = o.item.get("session") or o.item.get("document") or "abstention"
                read = reading(o.item["q"])[1]
                lines.append(f"✗ {o.item['q']!r} attendu {expected} {o.item.get('start', '')} ; "
                             f"obtenu {got} ; répondu={o.answered} ; confiance={o.confidence:.3f}"
                             + (f" ; lue « {read} »" if read != o.item["q"] else ""))
    groups = [("sous-titres", lambda o: o.captions), ("questions", lambda o: length_class(o.item["q"]))]
    for title, key_of in groups:
        by: dict[str, list[Outcome]] = {}
        for o in report.outcomes:
            if o.in_scope and key_of(o):
                by.setdefault(key_of(o), []).append(o)
        for name, outcomes in sorted(by.items()):
            g = EvalReport(outcomes).figures()
            lines.append(f"  {title} {name} ({len(outcomes)}) : hit@1 {g['hit@1']:.2f}, "
                         f"link hit@3 {g['link_hit@3']:.2f}, répond {g['answered_in_scope']:.2f}")
    if calibrate:
        lines += calibration_lines(report, current)
    auc = decision_auc(report.outcomes)
    if auc is not None:
        low, high = interval["decision_auc"]
        lines.append("Décision de répondre (ROC AUC, 1 = sépare parfaitement les questions du cycle des hors sujet, "
                     f"0,5 = au hasard) : {auc:.2f}  [IC 95 % {low:.2f}–{high:.2f}]")
    declined = [o for o in report.outcomes if o.in_scope and not o.answered]
    if declined:  # a decline still offers the nearest sessions: was the right one there?
        offered = sum(o.offered(suggestions) for o in declined)
        lines.append(f"Questions du cycle déclinées : {len(declined)}, dont {offered} avec la bonne session parmi "
                     f"les {suggestions} proposées")
    lines.append(f"Questions : {f['questions']}")  # the overall figures close the output, always in this order
    lines += [f"{label} : {f[key]:.2f}  [IC 95 % {interval[key][0]:.2f}–{interval[key][1]:.2f}]"
              for key, label in LABELS.items()]
    return "\n".join(lines)


def percent(share: float) -> str:
    return f"{share * 100:.0f}\u202f%"  # French typography: a narrow no-break space before « % »


def calibration_lines(report: EvalReport, current: float | None) -> list[str]:
    """The thresholds to choose from on this set, and the suggested one, in French."""
    found = operating_points(report, current)
    if found is None:
        return ["Calibrage impossible : il faut des questions du cycle et des questions hors sujet."]
    points, best = found
    lines = ["Seuils possibles (PVD_MIN_CONFIDENCE : questions du cycle répondues / questions hors sujet "
             "déclinées) :"]
    for p in points:
        notes = [note for note, same in (("meilleur équilibre", p.threshold == best.threshold),
                                         ("seuil actuel", p.threshold == current)) if same]
        lines.append(f"  {p.threshold:.3f} : {percent(p.answered)} / {percent(p.declined)}"
                     + (f"   ← {', '.join(notes)}" if notes else ""))
    advice = f"PVD_MIN_CONFIDENCE={best.threshold:.3f}" + (", le seuil actuel" if best.threshold == current else "")
    lines.append(f"Seuil conseillé pour ces questions : {advice} (répond à {percent(best.answered)} des questions "
                 f"du cycle, décline {percent(best.declined)} des hors sujet).")
    return lines

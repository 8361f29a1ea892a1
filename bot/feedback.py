"""What people asked and what they thought of the answers, for the CAUE staff (`pvd rapport`).

SQLite in the data directory, written by the bot and read by the CLI. No Discord here: the bot hands in
answers and votes, the staff read a :class:`Report`. Times are stored in UTC (ISO 8601).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.answer import Answer
from bot.errors import FeedbackError, UnknownAnswerError
from bot.writing import WritingOutcome
from index.text import fold
from ingest.off_topic import CORPUS_FILE as OFF_TOPIC_FILE
from ingest.youtube_url import timestamp_label

UP, DOWN = 1, -1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,
    user_id INTEGER,
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    answered INTEGER NOT NULL,
    answer_text TEXT NOT NULL,
    sources TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_asked_at ON answers (asked_at);
CREATE TABLE IF NOT EXISTS votes (
    answer_id INTEGER NOT NULL REFERENCES answers (id),
    user_id INTEGER NOT NULL,
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
CREATE TABLE IF NOT EXISTS writing (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL,
    kept INTEGER NOT NULL,
    dropped TEXT NOT NULL,
    failure TEXT
);
CREATE INDEX IF NOT EXISTS writing_asked_at ON writing (asked_at);
"""


@dataclass(frozen=True)
class CitedSource:
    session: str | None
    session_title: str | None
    start: float | None  # seconds into the replay; None for a fiche
    url: str | None
    document: str


@dataclass(frozen=True)
class UnansweredQuestion:
    question: str  # the most recent wording of the group
    count: int
    last_asked: dt.datetime


@dataclass(frozen=True)
class DownvotedAnswer:
    answer_id: int
    question: str
    asked_at: dt.datetime
    sources: tuple[CitedSource, ...]
    down: int
    up: int


@dataclass(frozen=True)
class WritingCounts:
    """What the language model and the grounding guard did (PVD_LLM_*): all zero when none is configured."""

    questions: int = 0  # questions sent to the model
    written: int = 0  # answered with a written text
    fallbacks: int = 0  # extractive answer instead (endpoint failure, or every sentence dropped)
    abstentions: int = 0  # the model said the passages do not answer
    failures: tuple[tuple[str, int], ...] = ()  # endpoint failures by French cause, most frequent first
    sentences_kept: int = 0
    sentences_dropped: int = 0
    answers_with_drops: int = 0
    reasons: tuple[tuple[str, int], ...] = ()  # why sentences were dropped, most frequent first


@dataclass(frozen=True)
class Report:
    since: dt.datetime
    until: dt.datetime
    questions: int
    answered: int
    votes_up: int
    votes_down: int
    unanswered: tuple[UnansweredQuestion, ...]  # most frequent first
    downvoted: tuple[DownvotedAnswer, ...]  # most down votes first
    writing: WritingCounts = WritingCounts()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _to_utc(moment: dt.datetime) -> dt.datetime:
    """Aware datetimes are converted; naive ones are taken as local time, as a person types them."""
    return moment.astimezone(dt.timezone.utc)


def _stamp(moment: dt.datetime) -> str:
    """Fixed-width UTC ISO text, so SQL compares stamps as strings in time order."""
    return _to_utc(moment).isoformat(timespec="microseconds")


def question_key(question: str) -> str:
    """Groups wordings that differ only by case, accents, spacing or final punctuation."""
    return " ".join(fold(question).split()).rstrip(" ?!.…")


class FeedbackStore:
    """The questions asked, their answers and the 👍/👎 votes, in one SQLite file (WAL: the bot writes while
    the staff read). A connection per call keeps it usable from worker threads."""

    def __init__(self, path: Path, *, clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self.path = path
        self._clock = clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise FeedbackError(f"La base des avis {path} est inutilisable ({error}).") from error

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # one transaction, committed on success
                yield db
        finally:
            db.close()

    def log_answer(self, answer: Answer, user_id: int | None, channel: str) -> int:
        """Record a question and what was answered; returns the answer id that votes refer to."""
        sources = json.dumps([s.to_dict() for s in answer.sources], ensure_ascii=False)
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO answers (asked_at, user_id, channel, question, answered, answer_text, sources) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_stamp(self._clock()), user_id, channel, answer.question, int(answer.answered),
                 answer.text, sources),
            )
            return int(cursor.lastrowid or 0)

    def log_writing(self, outcome: WritingOutcome) -> None:
        """Record what the language model and the guard did for one question (bot.writing.Writer's record)."""
        dropped = json.dumps([{"sentence": d.sentence, "reason": d.reason} for d in outcome.dropped],
                             ensure_ascii=False)
        with self._connect() as db:
            db.execute("INSERT INTO writing (asked_at, question, outcome, kept, dropped, failure) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (_stamp(self._clock()), outcome.question, outcome.outcome, outcome.kept, dropped,
                        outcome.failure))

    def vote(self, answer_id: int, user_id: int, value: int) -> None:
        """One vote per person and answer: voting again replaces the earlier vote. ``value`` is UP or DOWN."""
        if value not in (UP, DOWN):
            raise ValueError(f"vote value must be {UP} or {DOWN}, not {value!r}")
        with self._connect() as db:
            if db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                raise UnknownAnswerError(f"La réponse n° {answer_id} n'est plus enregistrée : l'avis est ignoré.")
            db.execute(
                "INSERT INTO votes (answer_id, user_id, value, voted_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (answer_id, user_id) DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at",
                (answer_id, user_id, value, _stamp(self._clock())),
            )

    def report(self, since: dt.datetime, until: dt.datetime) -> Report:
        """Questions asked in [since, until): the unanswered ones grouped, and the answers voted down."""
        bounds = (_stamp(since), _stamp(until))
        with self._connect() as db:
            rows = db.execute(
                "SELECT a.id, a.asked_at, a.question, a.answered, a.sources, "
                "COALESCE(SUM(v.value = 1), 0), COALESCE(SUM(v.value = -1), 0) "
                "FROM answers a LEFT JOIN votes v ON v.answer_id = a.id "
                "WHERE a.asked_at >= ? AND a.asked_at < ? GROUP BY a.id ORDER BY a.asked_at",
                bounds,
            ).fetchall()
            writing = db.execute("SELECT outcome, kept, dropped, failure FROM writing "
                                 "WHERE asked_at >= ? AND asked_at < ?", bounds).fetchall()

        groups: dict[str, list[tuple[str, dt.datetime]]] = {}
        downvoted: list[DownvotedAnswer] = []
        for answer_id, asked_at, question, answered, sources, up, down in rows:
            moment = dt.datetime.fromisoformat(asked_at)
            if not answered:
                groups.setdefault(question_key(question), []).append((question, moment))
            if down:
                downvoted.append(DownvotedAnswer(answer_id, question, moment, _cited(sources), down, up))

        unanswered = [UnansweredQuestion(asks[-1][0], len(asks), asks[-1][1]) for asks in groups.values()]
        unanswered.sort(key=lambda u: (-u.count, -u.last_asked.timestamp()))
        downvoted.sort(key=lambda d: (-d.down, -(d.down - d.up), d.asked_at))
        return Report(
            since=_to_utc(since), until=_to_utc(until), questions=len(rows),
            answered=sum(1 for row in rows if row[3]),
            votes_up=sum(row[5] for row in rows), votes_down=sum(row[6] for row in rows),
            unanswered=tuple(unanswered), downvoted=tuple(downvoted), writing=_writing_counts(writing),
        )


def _writing_counts(rows: list[tuple[str, int, str, str | None]]) -> WritingCounts:
    outcomes = Counter(row[0] for row in rows)
    drops = [json.loads(row[2]) for row in rows]
    reasons = Counter(_reason_kind(d["reason"]) for dropped in drops for d in dropped)
    failures = Counter(row[3] for row in rows if row[3])
    return WritingCounts(
        questions=len(rows), written=outcomes["rédigée"], fallbacks=outcomes["repli"],
        abstentions=outcomes["abstention"], failures=tuple(failures.most_common()),
        sentences_kept=sum(row[1] for row in rows), sentences_dropped=sum(len(d) for d in drops),
        answers_with_drops=sum(1 for d in drops if d), reasons=tuple(reasons.most_common()),
    )


def _reason_kind(reason: str) -> str:
    """« chiffre absent du passage cité : « 45 » ([1]) » → « chiffre absent des passages cités »."""
    return reason.split(" : ", 1)[0].replace("du passage cité", "des passages cités")


def _cited(sources_json: str) -> tuple[CitedSource, ...]:
    return tuple(
        CitedSource(s.get("session"), s.get("session_title"), s.get("start"), s.get("url"), s.get("document", ""))
        for s in json.loads(sources_json)
    )


def _local(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def _describe(source: CitedSource) -> str:
    if source.start is not None:
        where = f"{source.session or '?'} « {source.session_title or ''} » à {timestamp_label(source.start)}"
        return f"{where} ({source.url})" if source.url else where
    name = Path(source.document).name
    return f"fiche {name}" + (f" ({source.session})" if source.session else "")


def format_feedback_report(report: Report) -> str:
    """The report as French text for the staff (terminal or Discord)."""
    lines = [
        f"Rapport des questions du {_local(report.since)} au {_local(report.until)}",
        f"{report.questions} question(s) : {report.answered} avec réponse, "
        f"{report.questions - report.answered} sans réponse. "
        f"Avis : {report.votes_up} utile(s), {report.votes_down} pas utile(s).",
        "",
    ]
    if report.unanswered:
        lines.append("Questions restées sans réponse (les plus fréquentes d'abord) :")
        lines += [f"  {u.count} × « {u.question} » (dernière fois le {_local(u.last_asked)})"
                  for u in report.unanswered]
    else:
        lines.append("Aucune question restée sans réponse.")
    lines.append("")
    if report.downvoted:
        lines.append("Réponses jugées pas utiles :")
        for d in report.downvoted:
            lines.append(f"  n° {d.answer_id} « {d.question} » ({_local(d.asked_at)}) : "
                         f"{d.down} pas utile(s), {d.up} utile(s)")
            lines += [f"      source : {_describe(s)}" for s in d.sources]
        lines.append(f"  Une question hors du sujet du cycle a eu une réponse ? Écrivez-la dans {OFF_TOPIC_FILE} "
                     "à la racine du corpus, puis relancez « pvd ingest » : le bot déclinera ses semblables.")
    else:
        lines.append("Aucune réponse jugée pas utile.")
    if report.writing.questions:
        lines += [""] + _format_writing(report.writing)
    return "\n".join(lines)


def _format_writing(w: WritingCounts) -> list[str]:
    lines = [f"Réponses rédigées par le modèle de langage : {w.questions} question(s) envoyée(s) : "
             f"{w.written} rédigée(s), {w.fallbacks} remplacée(s) par les extraits, {w.abstentions} abstention(s).",
             f"Garde-fou : {w.sentences_dropped} phrase(s) retirée(s) pour {w.sentences_kept} gardée(s), "
             f"dans {w.answers_with_drops} réponse(s)."]
    lines += [f"  {count} × {reason}" for reason, count in w.reasons]
    if w.failures:
        lines.append("Erreurs du modèle de langage :")
        lines += [f"  {count} × {cause}" for cause, count in w.failures]
    return lines

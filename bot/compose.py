"""From retrieved passages to a grounded French answer. Pure functions: no I/O, no model."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.answer import Answer, Source
from ingest.models import Chunk, Cycle
from ingest.youtube_url import timestamp_label, watch_url

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_SENTENCE_END = re.compile(r"[.?!…»]\s*$")
LEAD = "Voici ce qu'en dit le cycle :"
CAVEAT = "Je ne suis pas sûr que le cycle réponde exactement à cette question, mais ce passage en parle :"
ABSTAIN_LEAD = ("Je ne sais pas : les sessions du cycle ne traitent pas, à ma connaissance, de cette question. "
                "Je préfère ne pas vous répondre à côté.")
BACKOFF_SECONDS = 8.0  # how far back a link may move to reach the start of the sentence


@dataclass(frozen=True)
class Passage:
    """A retrieved passage, with where in it the question is answered (transcripts)."""

    chunk: Chunk
    score: float
    focus: tuple[int, int] | None = None  # cue range inside chunk.cues
    start: float | None = None  # the window's replay times (transcripts)
    end: float | None = None


@dataclass(frozen=True)
class AnswerConfig:
    max_sources: int = 3
    per_session: int = 2  # neighbouring windows of one session may not fill every slot
    excerpt_chars: int = 320
    suggestions: int = 2  # nearest sessions offered when abstaining


def french_date(value: dt.date | str | None) -> str:
    """« 24 juin 2021 » from a date or an ISO string; the input unchanged if it is not a date."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{'1er' if value.day == 1 else value.day} {MONTHS[value.month - 1]} {value.year}"


def link_cue(chunk: Chunk, focus: tuple[int, int] | None) -> int:
    """The cue a link opens at: the matched cue, moved back to where its sentence begins."""
    first = focus[0] if focus else 0
    if not any(_SENTENCE_END.search(c.text) for c in chunk.cues):
        return first  # auto captions: no sentence to go back to; the link lead-in covers the start
    cue = first
    while cue > 0 and not _SENTENCE_END.search(chunk.cues[cue - 1].text) \
            and chunk.cues[first].start - chunk.cues[cue - 1].start <= BACKOFF_SECONDS:
        cue -= 1
    return cue


def excerpt(chunk: Chunk, first_cue: int, max_chars: int) -> str:
    """Readable text from ``first_cue`` on, cut on a word boundary, « … » where it is cut."""
    if chunk.kind == "fiche" or not chunk.cues:
        return _trim(chunk.text, max_chars, lead=False)
    text = " ".join(c.text for c in chunk.cues[first_cue:])
    starts_sentence = first_cue == 0 and chunk.text[:1].isupper() \
        or first_cue > 0 and bool(_SENTENCE_END.search(chunk.cues[first_cue - 1].text))
    return _trim(text, max_chars, lead=not starts_sentence)


def _trim(text: str, max_chars: int, lead: bool) -> str:
    text = " ".join(text.split())
    if len(text) > max_chars:
        cut = text[:max_chars]
        end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
        space = cut.rfind(" ")
        text = cut[:end + 1] if end > max_chars * 0.6 else cut[:space if space > 0 else None].rstrip(",;:") + " …"
    return f"… {text}" if lead else text


def make_source(rank: int, passage: Passage, cycle: Cycle, max_chars: int) -> Source:
    chunk = passage.chunk
    session = cycle.session(chunk.session_id) if chunk.session_id else None
    module = session.module if session else None
    common = dict(rank=rank, kind=chunk.kind, session=chunk.session_id,
                  session_title=session.title if session else None, module=module,
                  date=session.date.isoformat() if session else None, document=chunk.document,
                  score=passage.score, heading=chunk.heading)
    if chunk.kind == "fiche":
        return Source(**common, start=None, end=None, url=None, text=excerpt(chunk, 0, max_chars))
    cue = link_cue(chunk, passage.focus)
    link_at = chunk.cues[cue].start if chunk.cues else passage.start
    url = watch_url(session.youtube_id, link_at) if session and session.youtube_id else None
    return Source(**common, start=link_at, end=passage.end, url=url, text=excerpt(chunk, cue, max_chars))


def source_line(source: Source) -> str:
    """« **Titre** (M2, 17 mars 2022) — ▶ 5:12 » with the link, or the fiche name."""
    in_session = source.date is not None  # make_source dates every passage whose session is in the catalogue
    if source.kind == "fiche":
        where = f"fiche « {source.document.rsplit('/', 1)[-1]} »"
        if source.heading:
            where += f", section « {source.heading.split(' — ')[-1]} »"
        return f"📄 {where}" + (f" — session **{source.session_title}** ({french_date(source.date)})"
                                if in_session else "")
    title = f"**{source.session_title}** ({source.module}, {french_date(source.date)})" if in_session else "**?**"
    if source.url and source.start is not None:
        return f"{title} — [▶ {timestamp_label(source.start)}]({source.url})"
    return title


def compose(question: str, passages: list[Passage], cycle: Cycle, answered: bool,
            config: AnswerConfig = AnswerConfig(), *, sure: bool = True) -> Answer:
    """The answer a person reads from passages already selected (index.ranking.select_moments): each quoted
    with its session, date and replay link — or, when ``answered`` is False, an honest « je ne sais pas ».
    ``sure`` False: the passages are given with a caveat rather than as the answer."""
    sources = tuple(make_source(i + 1, p, cycle, config.excerpt_chars) for i, p in enumerate(passages))
    if not answered:
        text = ABSTAIN_LEAD
        nearest = [f"- {source_line(s)}" for s in sources if s.session]
        if nearest:
            text += "\n\nLes sessions les plus proches, si cela peut aider :\n" + "\n".join(nearest)
        return Answer(question, False, text, sources, lead=ABSTAIN_LEAD)
    blocks = [f"{source_line(s)}\n> {s.text}" for s in sources]
    lead = LEAD if sure else CAVEAT
    return Answer(question, True, f"{lead}\n\n" + "\n\n".join(blocks), sources, lead=lead)

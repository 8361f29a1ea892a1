"""What the terminal shows: answers with clickable links, ingest progress and reports. French throughout."""

from __future__ import annotations

from typing import Any

import click

from bot.answer import Answer
from bot.compose import french_date
from ingest.corpus import CorpusScan, SessionScan
from ingest.models import Cycle
from ingest.youtube_url import timestamp_label, watch_url


def hyperlink(url: str, label: str) -> str:
    """An OSC 8 terminal link (clickable in most terminals); other terminals show the label then the URL."""
    return f"\x1b]8;;{url}\x1b\\{label}\x1b]8;;\x1b\\ ({url})"


def render_answer(answer: Answer, color: bool) -> str:
    lines = []
    if answer.answered:
        lines.append(click.style(answer.lead, bold=True))
    else:
        lines.append(answer.lead)
        if answer.sources:
            lines.append(click.style("Sessions les plus proches :", bold=True))
    return "\n".join(lines + render_sources(answer, color))


def render_sources(answer: Answer, color: bool) -> list[str]:
    """The numbered sources, each with its replay link: the « [1] » a written answer cites."""
    lines = []
    for s in answer.sources:
        head = f"{s.session} · {s.session_title} ({s.module}, {french_date(s.date)})" if s.date is not None else ""
        if s.kind == "fiche":
            head = f"📄 {s.document}" + (f" — {s.heading}" if s.heading else "") + (f" [{head}]" if head else "")
        lines.append("")
        lines.append(click.style(f"[{s.rank}] {head}", bold=True))
        lines.append(f"    « {s.text} »")
        if s.url and s.start is not None:
            label = f"▶ Replay à {timestamp_label(s.start)}"
            lines.append("    " + (hyperlink(s.url, label) if color else f"{label} : {s.url}"))
    return lines


FALLBACK_NOTE = "(La réponse rédigée n'a pas pu être terminée ; voici les passages du cycle.)"


def answer_live(engine: Any, question: str, k: int | None, color: bool) -> str:
    """Ask ``engine`` (bot.engine.Engine); a written answer is printed as it grows, sentence by sentence (only
    sentences the guard kept). Returns what is left to print: the sources, or the whole answer."""
    shown = ""

    def show(text: str) -> None:
        nonlocal shown
        click.echo(click.style(text[len(shown):] if text.startswith(shown) else "\n" + text, bold=True), nl=False)
        shown = text

    answer = engine.answer(question, k, on_text=show)
    if not shown:
        return render_answer(answer, color)
    if answer.generated and answer.text == shown:
        return "\n".join(["", *render_sources(answer, color)])
    return "\n\n" + FALLBACK_NOTE + "\n" + render_answer(answer, color)


def render_sessions(cycle: Cycle) -> str:
    lines = [click.style(cycle.title, bold=True), f"{cycle.organiser} — partenaires : {', '.join(cycle.partners)}"]
    for module in cycle.modules:
        lines += ["", click.style(f"{module.id} · {module.title}", bold=True)]
        for s in (s for s in cycle.sessions if s.module == module.id):
            replay = watch_url(s.youtube_id) if s.youtube_id else "pas de replay"
            lines.append(f"  {s.id}  {french_date(s.date):>17}  {s.kind:<12} {s.title}")
            lines.append(f"        {replay}")
    return "\n".join(lines)


def describe_session(scan: SessionScan) -> str:
    """One line per session for `pvd ingest --dry-run`."""
    s = scan.session
    if scan.problem:
        return f"  {s.id}  ⚠ {scan.problem}"
    t = scan.transcript
    if t is None:
        return f"  {s.id}  aucune transcription (ni fichier local, ni vidéo YouTube)"
    source = {"local": "fichier local", "cache": "cache YouTube", "youtube": "YouTube"}[t.source]
    return (f"  {s.id}  {source} {t.document} [{t.format}] — {len(t.cues)} sous-titres, "
            f"{timestamp_label(t.duration)}, {len(scan.chunks)} passages")


def describe_scan(scan: CorpusScan) -> str:
    lines = [click.style(f"Catalogue : {len(scan.cycle.modules)} modules, {len(scan.cycle.sessions)} sessions", bold=True)]
    lines += [describe_session(s) for s in scan.sessions]
    lines.append(click.style(f"Fiches : {len(scan.fiches)}", bold=True))
    for f in scan.fiches:
        attached = f" (session {f.session_id})" if f.session_id else " (tout le cycle)"
        if f.problem:
            lines.append(f"  {f.document}{attached} ⚠ {f.problem}")
        else:
            sections = len(f.fiche.sections) if f.fiche else 0
            lines.append(f"  {f.document}{attached} — {sections} sections, {len(f.chunks)} passages")
    lines.append(f"Total : {len(scan.chunks)} passages à indexer.")
    return "\n".join(lines)

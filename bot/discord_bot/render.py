"""Answers and catalogue as Discord embeds and views: pure functions, within Discord's limits whatever the input.

Every limit is met by construction (each string is cut to its own limit, and fields share what is left of
the 6,000-character embed budget); echoed text is neutralised so it can never ping anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

import discord

from bot.answer import Answer, Source
from bot.discord_bot import text as t
from bot.discord_bot.votes import VoteButton
from ingest.models import Cycle, Session
from ingest.youtube_url import timestamp_label, watch_url

ANSWER_COLOUR = discord.Colour(0x2E7D6B)
ABSTAIN_COLOUR = discord.Colour.light_grey()

MAX_SOURCE_FIELDS = 10  # readable on a phone; the rest is counted in the footer
DESCRIPTION_BUDGET = 2500  # leaves room for the sources within the 6,000 total
MIN_FIELD_VALUE = 120  # below this a passage says nothing: show fewer sources instead
FOOTER_RESERVE = 48  # « + 28 autres passages non affichés. »

HELP_TEXT = (
    "**/question** suivi de votre question (ou mentionnez-moi) : je réponds à partir des replays et des fiches "
    "du cycle « Petites villes de demain » du CAUE de l'Aisne, avec la séance, la date et un lien vers "
    "le passage exact du replay.\n"
    "**/sessions** liste les séances du cycle ; **/session** en détaille une (date, intervenants, fiches, replay).\n"
    "Si je ne trouve pas, je le dis ; les boutons 👍 / 👎 sous une réponse aident le CAUE à améliorer l'assistant."
)

ABSTAIN_TEXT = "Je n'ai pas trouvé de réponse à cette question dans les replays ni dans les fiches du cycle."
ABSTAIN_FOOTER = "Les questions restées sans réponse sont relues par l'équipe du CAUE."
WRITING_FOOTER = "Réponse en cours de rédaction, à partir des passages du cycle…"


# ---- answers ----------------------------------------------------------------------------------------------

def answer_embed(answer: Answer, answer_id: int | None, *,
                 votes: type[VoteButton] = VoteButton) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and buttons for an answer (or an abstention). ``answer_id`` None: no vote buttons; ``votes``:
    their class (votes.recorded_in: where the clicks are recorded)."""
    if not answer.answered:
        return _render_abstention(answer)
    embed = discord.Embed(
        title=t.truncate(t.neutralise(answer.question), t.EMBED_TITLE) or None,
        description=t.truncate(t.neutralise(answer.lead), DESCRIPTION_BUDGET) or None,
        colour=ANSWER_COLOUR,
    )
    _add_source_fields(embed, answer.sources[:MAX_SOURCE_FIELDS])
    hidden = len(answer.sources) - len(embed.fields)
    if hidden:  # within the FOOTER_RESERVE the fields left free
        embed.set_footer(text=f"+ {hidden} autre passage non affiché." if hidden == 1
                         else f"+ {hidden} autres passages non affichés.")

    view = discord.ui.View(timeout=None)
    best = next((s for s in answer.sources if s.kind == "transcript" and s.url and s.start is not None), None)
    if best is not None and best.url and len(best.url) <= t.BUTTON_URL:
        label = t.truncate(f"Voir le replay à {timestamp_label(best.start or 0.0)}", t.BUTTON_LABEL)
        view.add_item(discord.ui.Button(style=discord.ButtonStyle.link, label=label, url=best.url))
    if answer_id is not None:
        view.add_item(votes("up", answer_id))
        view.add_item(votes("down", answer_id))
    return embed, view


def render_partial(question: str, text: str) -> discord.Embed:
    """The answer while it is being written (Discord: edits of the deferred reply), within the limits."""
    embed = discord.Embed(
        title=t.truncate(t.neutralise(question), t.EMBED_TITLE) or None,
        description=t.truncate(t.neutralise(text) + " " + t.ELLIPSIS, DESCRIPTION_BUDGET),
        colour=ANSWER_COLOUR,
    )
    embed.set_footer(text=WRITING_FOOTER)
    return embed


def _add_source_fields(embed: discord.Embed, sources: Sequence[Source]) -> None:
    """One field per source; the values share what the title, description, all names and the footer leave."""
    fields = [(s, _source_name(s)) for s in sources]
    while len(fields) > 1 and _value_budget(embed, fields) < MIN_FIELD_VALUE:
        fields.pop()  # fewer sources rather than unreadable slivers
    while fields:
        source, name = fields[0]
        embed.add_field(name=name, value=_source_value(source, _value_budget(embed, fields)) or "—", inline=False)
        fields.pop(0)


def _value_budget(embed: discord.Embed, fields: Sequence[tuple[Source, str]]) -> int:
    """Characters each of the remaining fields' values may use, reserving their names and the footer."""
    left = t.EMBED_TOTAL - FOOTER_RESERVE - len(embed) - sum(len(name) for _, name in fields)
    return max(1, min(t.FIELD_VALUE, left // len(fields)))


def _source_name(source: Source) -> str:
    if source.kind == "fiche":
        head = f"📄 {PurePosixPath(source.document).name}"
        tail = f" — {source.session_title}" if source.session_title else " — tout le cycle"
    else:
        head = " · ".join(x for x in (source.session, source.session_title) if x) or "Replay"
        tail = " — " + " · ".join(x for x in (source.module, t.french_date(source.date)) if x)
    tail = t.truncate(t.neutralise(tail), t.FIELD_NAME // 2)
    return t.truncate(t.neutralise(head), t.FIELD_NAME - len(tail)) + tail


def _source_value(source: Source, limit: int) -> str:
    if source.kind == "transcript" and source.url and source.start is not None:
        link = f"[▶ {timestamp_label(source.start)}]({source.url})"
        prefix = link + " " if len(link) <= limit // 2 else f"▶ {timestamp_label(source.start)} "
    elif source.heading:
        prefix = t.truncate(f"Section : {t.neutralise(source.heading)}", limit // 3) + "\n"
    else:
        prefix = ""
    excerpt = t.truncate(t.neutralise(" ".join(source.text.split())), max(0, limit - len(prefix) - 4))
    return t.truncate(f"{prefix}« {excerpt} »", limit)


def _render_abstention(answer: Answer) -> tuple[discord.Embed, discord.ui.View]:
    embed = discord.Embed(
        title=t.truncate(t.neutralise(answer.question), t.EMBED_TITLE) or None,
        description=t.truncate(t.neutralise(answer.lead or ABSTAIN_TEXT), DESCRIPTION_BUDGET),
        colour=ABSTAIN_COLOUR,
    )
    embed.set_footer(text=ABSTAIN_FOOTER)
    lines: list[str] = []
    seen: set[str] = set()
    for source in answer.sources:
        key = source.session or source.document
        if key in seen:
            continue
        seen.add(key)
        label = " · ".join(x for x in (source.session, source.session_title, t.french_date(source.date)) if x)
        label = t.truncate(t.neutralise(label or PurePosixPath(source.document).name), 200)
        lines.append(f"• [{_link_text(label)}]({source.url})" if source.url else f"• {label}")
    if lines:
        value = ""
        for line in lines:  # whole lines only, within the field limit
            if len(value) + len(line) + 1 > t.FIELD_VALUE:
                break
            value = f"{value}\n{line}" if value else line
        embed.add_field(name="Séances les plus proches de votre question", value=value, inline=False)
    return embed, discord.ui.View(timeout=None)


def _link_text(text: str) -> str:
    """Square brackets would break a markdown link's text."""
    return text.replace("[", "(").replace("]", ")")


# ---- catalogue ----------------------------------------------------------------------------------------------

def render_sessions(cycle: Cycle) -> list[list[discord.Embed]]:
    """The catalogue by module with replay links, as messages (each a list of embeds) within the limits."""
    embeds: list[discord.Embed] = []
    modules = list(cycle.modules)
    known = {m.id for m in modules}
    orphans = [s for s in cycle.sessions if s.module not in known]
    groups: list[tuple[str, list[Session]]] = [
        (f"{m.id} — {m.title}", [s for s in cycle.sessions if s.module == m.id]) for m in modules
    ]
    if orphans:
        groups.append(("Autres séances", orphans))
    for title, sessions in groups:
        fields = [_session_field(s) for s in sessions] or [("Aucune séance", "—")]
        embeds += _pack_fields(t.truncate(t.neutralise(title), t.EMBED_TITLE), fields)
    return _pack_messages(embeds)


def sessions_header(cycle: Cycle) -> str:
    count = t.plural(len(cycle.sessions), "séance")
    return t.truncate(t.neutralise(f"**{cycle.title}** — {cycle.organiser} — {count}"), t.MESSAGE_CONTENT)


def _session_field(session: Session) -> tuple[str, str]:
    name = " · ".join(x for x in (session.id, t.french_date(session.date), session.kind) if x)
    name = t.truncate(t.neutralise(name), t.FIELD_NAME)
    if session.youtube_id:
        url = watch_url(session.youtube_id)
        value = f"[{_link_text(t.truncate(t.neutralise(session.title), t.FIELD_VALUE - len(url) - 4))}]({url})"
    else:
        value = t.truncate(t.neutralise(session.title), t.FIELD_VALUE - 20) + " (pas de replay)"
    return name, value


def _pack_fields(title: str, fields: Sequence[tuple[str, str]]) -> list[discord.Embed]:
    """Fields over as many embeds as needed: at most 25 fields and 6,000 characters each."""
    embeds = [discord.Embed(title=title, colour=ANSWER_COLOUR)]
    for name, value in fields:
        current = embeds[-1]
        if len(current.fields) >= t.EMBED_FIELDS or len(current) + len(name) + len(value) > t.EMBED_TOTAL:
            current = discord.Embed(title=t.truncate(f"{title} (suite)", t.EMBED_TITLE), colour=ANSWER_COLOUR)
            embeds.append(current)
        current.add_field(name=name, value=value, inline=False)
    return embeds


def _pack_messages(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds grouped into messages: at most 10 embeds and 6,000 characters a message."""
    messages: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        if not messages or len(messages[-1]) >= t.EMBEDS_PER_MESSAGE or size + len(embed) > t.EMBED_TOTAL:
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += len(embed)
    return messages


def render_session(session: Session, cycle: Cycle) -> tuple[discord.Embed, discord.ui.View]:
    """One session: date, format, speakers, fiches and a button to its replay."""
    module = cycle.module(session.module)
    url = watch_url(session.youtube_id) if session.youtube_id else None
    embed = discord.Embed(
        title=t.truncate(t.neutralise(f"{session.id} — {session.title}"), t.EMBED_TITLE),
        description=t.truncate(t.neutralise(f"Module {module.id} — {module.title}" if module else session.module),
                               t.EMBED_DESCRIPTION),
        url=url, colour=ANSWER_COLOUR,
    )
    embed.add_field(name="Date", value=t.french_date(session.date) or "—", inline=True)
    embed.add_field(name="Format", value=t.truncate(t.neutralise(session.kind or "—"), t.FIELD_VALUE), inline=True)
    embed.add_field(name="Intervenants", value=_listing(session.speakers), inline=False)
    embed.add_field(name="Fiches", value=_listing([PurePosixPath(f).name for f in session.fiches]), inline=False)
    view = discord.ui.View(timeout=None)
    if url:
        view.add_item(discord.ui.Button(style=discord.ButtonStyle.link, label="Voir le replay", url=url))
    else:
        embed.set_footer(text="Pas de replay pour cette séance.")
    return embed, view


def _listing(items: Sequence[str]) -> str:
    value = ""
    for item in items:
        line = f"• {t.neutralise(item)}"
        if len(value) + len(line) + 1 > t.FIELD_VALUE - 2:
            return t.truncate(value + "\n…", t.FIELD_VALUE)
        value = f"{value}\n{line}" if value else line
    return value or "—"


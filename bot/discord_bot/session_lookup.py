"""Finding a session from what someone typed: its id or words of its title, accents and case ignored."""

from __future__ import annotations

from ingest.models import Cycle, Session

from bot.discord_bot import text as t


def _haystack(session: Session) -> str:
    return t.fold(f"{session.id} {session.title} {session.kind} {session.module}")


def matching_sessions(cycle: Cycle, typed: str) -> list[Session]:
    """Sessions whose id, title, kind or module contain every word typed; an exact id comes first."""
    words = t.fold(typed).split()
    exact = [s for s in cycle.sessions if t.fold(s.id) == t.fold(typed.strip())]
    found = [s for s in cycle.sessions if all(w in _haystack(s) for w in words) and s not in exact]
    return exact + found


def find_session(cycle: Cycle, typed: str) -> Session | None:
    """The one session meant by ``typed`` (an id, or words matching a single title), else None."""
    found = matching_sessions(cycle, typed)
    if found and (t.fold(found[0].id) == t.fold(typed.strip()) or len(found) == 1):
        return found[0]
    return None


def session_choice(session: Session) -> tuple[str, str]:
    """(name shown, value sent back) of an autocomplete choice, within Discord's 100 characters each."""
    label = f"{session.id} — {session.title} ({t.french_date(session.date)})"
    return t.truncate(label, t.CHOICE_NAME), session.id[: t.CHOICE_VALUE]

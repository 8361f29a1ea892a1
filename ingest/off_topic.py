"""Known off-topic questions: what a mairie asks every day and a cycle on town-centre revitalisation does not
treat. A question closer to one of them than to the cycle's passages is more readily declined (one input of
the decision to answer, index.ranking). The bundled list ships with the product; a corpus may add its own
``hors-sujet.txt`` at its root, one question per line, which staff extend without a developer."""

from __future__ import annotations

from pathlib import Path

from ingest.staff_files import read_staff_file, without_comment

BUNDLED = Path(__file__).with_name("data") / "hors-sujet.txt"
CORPUS_FILE = "hors-sujet.txt"
MAX_OWN = 1000  # each is embedded at every re-index that changes the list: bounded


def parse_questions(text: str) -> tuple[str, ...]:
    """One question per line, « # » starts a comment; blank lines and repeats are dropped."""
    return tuple(dict.fromkeys(q for q in map(without_comment, text.splitlines()) if q))


BUNDLED_OFF_TOPIC = parse_questions(BUNDLED.read_text(encoding="utf-8"))


def read_off_topic(root: Path) -> tuple[tuple[str, ...], list[str]]:
    """The bundled questions followed by the corpus's own ``hors-sujet.txt`` when it has one inside its root, and
    what staff should know of that file (French lines for the re-index summary)."""
    text, notes = read_staff_file(root, CORPUS_FILE, "une liste de questions",
                                  "seules les questions hors sujet livrées s'appliquent")
    if text is None:
        return BUNDLED_OFF_TOPIC, notes
    own = tuple(q for q in parse_questions(text) if q not in BUNDLED_OFF_TOPIC)
    notes = [f"Questions hors sujet du corpus ({CORPUS_FILE}) : {min(len(own), MAX_OWN)} question(s) ajoutée(s) "
             "à celles livrées."]
    if len(own) > MAX_OWN:
        notes.append(f"⚠ {CORPUS_FILE} : seules les {MAX_OWN} premières questions sont prises "
                     f"({len(own) - MAX_OWN} ignorée(s)).")
    return BUNDLED_OFF_TOPIC + own[:MAX_OWN], notes

"""A twelve-session cycle to check ranking and abstention on: ../shared/eval-dev's six sessions, plus the six demo
sessions whose subjects eval-dev does not treat, renumbered S07–S12.

    python -m bench.mixed_cycle OUT
    pvd ingest --corpus OUT --index IDX && pvd eval ../shared/eval-dev/questions.jsonl --index IDX

eval-dev alone has six long sessions: the best windows of any question fall in one of two sessions by chance one
time in three, so the session share behind the decision to answer (index.ranking.evidence) runs higher there than
on a cycle of twelve. The independent set the product is measured on has twelve sessions: this corpus is the
nearer stand-in, and its eval-dev figures are the ones to hold.
"""

from __future__ import annotations

import argparse
import shutil
import tomllib
from pathlib import Path

import tomli_w

from bot.settings import DEMO_CORPUS

EVAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval-dev" / "corpus"
#: Demo sessions on subjects eval-dev leaves out (public spaces, mobility, ORT and land, funding, brownfield,
#: closing), in the order they take after eval-dev's six.
OTHER_SUBJECTS = ("S06", "S07", "S09", "S10", "S11", "S12")


def build(out: Path, base: Path = EVAL_DEV, extra: Path = DEMO_CORPUS) -> list[str]:
    """Write the mixed corpus to ``out`` (which must not exist); return its session ids."""
    shutil.copytree(base, out)
    catalogue = out / "cycle.toml"
    ids = [s["id"] for s in tomllib.loads(catalogue.read_text(encoding="utf-8"))["session"]]
    sessions = {s["id"]: s for s in tomllib.loads((extra / "cycle.toml").read_text(encoding="utf-8"))["session"]}
    tables = []
    for number, source_id in enumerate(OTHER_SUBJECTS, start=len(ids) + 1):
        session = dict(sessions[source_id], id=f"S{number:02d}")
        for relative in [session["transcript"], *session.get("fiches", [])]:
            (out / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(extra / relative, out / relative)
        tables.append(session)
        ids.append(session["id"])
    with catalogue.open("a", encoding="utf-8") as f:
        f.write(f"\n# Sessions {', '.join(OTHER_SUBJECTS)} of the demo cycle (bench.mixed_cycle)\n\n")
        f.write(tomli_w.dumps({"session": tables}))
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="dossier à créer pour le corpus de douze sessions")
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out} existe déjà : indiquez un dossier nouveau.")
    ids = build(args.out)
    print(f"Corpus de {len(ids)} sessions écrit dans {args.out}. Ensuite :\n"
          f"  pvd ingest --corpus {args.out} --index INDEX\n"
          f"  pvd eval {EVAL_DEV.parent / 'questions.jsonl'} --index INDEX")


if __name__ == "__main__":
    main()

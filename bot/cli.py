"""`pvd`: the command line of pvd-assistant. Domain errors become French messages here, never tracebacks."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.settings import Settings, load_settings
from ingest.errors import PvdError

F = TypeVar("F", bound=Callable[..., Any])


def french_errors(command: F) -> F:
    """Turn our errors into a French message and a non-zero exit; Ctrl-C into a calm one."""
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PvdError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("\nInterrompu. L'index en service n'a pas été modifié.", err=True)
            sys.exit(130)
    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """pvd-assistant : posez vos questions au cycle « Petites villes de demain » du CAUE de l'Aisne."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    ctx.obj = load_settings()


def corpus_option(command: F) -> F:
    return click.option("--corpus", type=click.Path(path_type=Path, file_okay=False),
                        help="Dossier du corpus (défaut : PVD_CORPUS, sinon le corpus de démonstration).")(command)


def index_option(command: F) -> F:
    return click.option("--index", "index_dir", type=click.Path(path_type=Path, file_okay=False),
                        help="Dossier de l'index (défaut : PVD_DATA_DIR/index).")(command)


def _paths(settings: Settings, corpus: Path | None, index_dir: Path | None) -> tuple[Path, Path]:
    return corpus or settings.corpus, index_dir or settings.index_dir


def _fetcher(settings: Settings) -> Any:
    from ingest.youtube import YouTubeFetcher, proxy_from_env

    return YouTubeFetcher(proxy_url=settings.youtube_proxy or proxy_from_env(os.environ))


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    from tqdm import tqdm

    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=label, unit="passage", file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def ingest_corpus(settings: Settings, corpus: Path, index_dir: Path, *, rebuild: bool = False,
                  youtube: bool = True) -> str:
    """Run one re-index and return its French summary (also used by the Discord /reindexer)."""
    from bot.ingestion import run_ingest
    from index.encoders import load_encoder

    encoder = load_encoder(settings.embedding_model)
    with _progress_bar("Calcul des vecteurs") as progress:
        outcome = run_ingest(corpus, index_dir, encoder, _fetcher(settings) if youtube else None,
                             rebuild=rebuild, progress=progress)
    return outcome.summary()


@main.command()
@corpus_option
@index_option
@click.option("--dry-run", is_flag=True, help="Vérifier le corpus et afficher ce qui serait indexé, sans rien écrire.")
@click.option("--rebuild", is_flag=True, help="Tout recalculer (après un changement de modèle, ou un index abîmé).")
@click.option("--no-youtube", is_flag=True, help="Ne pas interroger YouTube (seulement fichiers locaux et cache).")
@click.pass_obj
@french_errors
def ingest(settings: Settings, corpus: Path | None, index_dir: Path | None, dry_run: bool, rebuild: bool,
           no_youtube: bool) -> None:
    """Construire ou mettre à jour l'index à partir du corpus."""
    corpus, index_dir = _paths(settings, corpus, index_dir)
    if dry_run:
        from bot.terminal import describe_scan
        from ingest.corpus import scan_corpus

        click.echo(describe_scan(scan_corpus(corpus, None if no_youtube else _fetcher(settings))))
        return
    click.echo(f"Indexation de {corpus} vers {index_dir} (modèle {settings.embedding_model})…", err=True)
    click.echo(ingest_corpus(settings, corpus, index_dir, rebuild=rebuild, youtube=not no_youtube))


def _engine(settings: Settings, index_dir: Path) -> Any:
    """The engine over ``index_dir``; a missing index is built first from the configured corpus."""
    from bot.engine import Engine, Thresholds
    from index.store import current_generation

    if current_generation(index_dir) is None:
        click.echo(f"Aucun index dans {index_dir} : construction à partir de {settings.corpus}…", err=True)
        click.echo(ingest_corpus(settings, settings.corpus, index_dir), err=True)
    return Engine(index_dir, model=settings.embedding_model,
                  thresholds=Thresholds.for_model(settings.embedding_model, settings.min_confidence))


@main.command()
@click.argument("question")
@index_option
@click.option("-k", "k", type=click.IntRange(1, 10), default=3, show_default=True, help="Nombre de sources.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (une ligne par question) ; « - » lit stdin.")
@click.pass_obj
@french_errors
def ask(settings: Settings, question: str, index_dir: Path | None, k: int, as_json: bool) -> None:
    """Poser une question (« - » : une question par ligne sur l'entrée standard)."""
    from bot.terminal import render_answer

    engine = _engine(settings, index_dir or settings.index_dir)
    questions = (line for line in sys.stdin) if question == "-" else iter([question])
    for q in questions:
        if question == "-" and not q.strip():
            continue
        answer = engine.answer(q, k)
        if as_json:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
            sys.stdout.flush()
        else:
            click.echo(render_answer(answer, engine.cycle, color=sys.stdout.isatty()))


@main.command()
@index_option
@click.pass_obj
@french_errors
def chat(settings: Settings, index_dir: Path | None) -> None:
    """Discuter avec l'assistant dans le terminal (« /quitter » pour sortir)."""
    from bot.terminal import render_answer

    engine = _engine(settings, index_dir or settings.index_dir)
    click.echo("Posez vos questions sur le cycle « Petites villes de demain ». « /quitter » pour sortir.")
    _enable_history(settings)
    while True:
        try:
            question = input("\nVous › ").strip()
        except (EOFError, KeyboardInterrupt):
            click.echo("\nÀ bientôt !")
            return
        if question in {"/quitter", "/q", "/exit", "quit"}:
            click.echo("À bientôt !")
            return
        if not question:
            continue
        try:
            click.echo(render_answer(engine.answer(question), engine.cycle, color=sys.stdout.isatty()))
        except PvdError as error:
            click.echo(str(error), err=True)


def _enable_history(settings: Settings) -> None:
    """Arrow keys and a history kept between sessions, where readline exists."""
    try:
        import readline
    except ImportError:
        return
    history = settings.data_dir / "chat_history"
    try:
        history.parent.mkdir(parents=True, exist_ok=True)
        if history.exists():
            readline.read_history_file(history)
        import atexit

        atexit.register(readline.write_history_file, history)
    except OSError:
        pass


@main.command()
@corpus_option
@click.pass_obj
@french_errors
def sessions(settings: Settings, corpus: Path | None) -> None:
    """Afficher le catalogue du cycle avec les liens des replays."""
    from bot.terminal import render_sessions
    from ingest.catalogue import load_cycle

    click.echo(render_sessions(load_cycle(corpus or settings.corpus)))


@main.command(name="eval")
@click.argument("questions", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@index_option
@click.option("--mode", type=click.Choice(["hybride", "lexical", "dense"]), default="hybride", show_default=True,
              help="Recherche évaluée.")
@click.option("--details", is_flag=True, help="Afficher chaque question manquée.")
@click.pass_obj
@french_errors
def evaluate(settings: Settings, questions: Path, index_dir: Path | None, mode: str, details: bool) -> None:
    """Mesurer la qualité des réponses sur un jeu de questions (JSONL)."""
    from bot.engine import RetrievalWeights
    from bot.evaluate import format_report, load_questions, run_eval

    engine = _engine(settings, index_dir or settings.index_dir)
    engine.retrieval = {"hybride": RetrievalWeights(), "lexical": RetrievalWeights(dense_weight=0.0),
                        "dense": RetrievalWeights(lexical_weight=0.0)}[mode]
    report = run_eval(engine, load_questions(questions))
    click.echo(format_report(report, details=details))


@main.command()
@click.option("--depuis", type=click.DateTime(["%Y-%m-%d"]), help="Début de la période (AAAA-MM-JJ).")
@click.option("--jusqu-a", "until", type=click.DateTime(["%Y-%m-%d"]), help="Fin de la période (AAAA-MM-JJ).")
@click.pass_obj
@french_errors
def rapport(settings: Settings, depuis: Any, until: Any) -> None:
    """Questions restées sans réponse et réponses jugées mauvaises, pour l'équipe du CAUE."""
    import datetime as dt

    from bot.feedback import FeedbackStore, format_report

    since = depuis or dt.datetime.now() - dt.timedelta(days=30)
    until = until + dt.timedelta(days=1) if until else dt.datetime.now()
    click.echo(format_report(FeedbackStore(settings.feedback_db).report(since, until)))


@main.command()
@click.option("--sync-global", is_flag=True, help="Publier les commandes sur tous les serveurs (prend jusqu'à 1 h).")
@click.pass_obj
@french_errors
def bot(settings: Settings, sync_global: bool) -> None:
    """Lancer le bot Discord (DISCORD_TOKEN dans l'environnement ou .env)."""
    from bot.discord_bot import require_token, run_bot

    require_token(settings)  # before building an index: a missing token is said at once
    engine = _engine(settings, settings.index_dir)
    run_bot(settings, engine, lambda: ingest_corpus(settings, settings.corpus, settings.index_dir),
            sync_global=sync_global)

"""`pvd`: the command line of pvd-assistant. Domain errors become French messages here, never tracebacks."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from bot.errors import QuestionTooLongError
from bot.settings import Settings, load_settings
from index.errors import IndexMissingError
from ingest.errors import FileAccessError, PvdError

F = TypeVar("F", bound=Callable[..., Any])


def in_french(exc: Exception) -> PvdError:
    """Any exception as one of ours: the system's (rights, read-only disk, bad encoding) with their cause and fix,
    a bug as a short French message (PVD_DEBUG=1 re-raises it, for whoever debugs)."""
    if isinstance(exc, PvdError):
        return exc
    if isinstance(exc, (OSError, UnicodeDecodeError, sqlite3.Error)):
        return FileAccessError.from_exception(exc)
    if os.environ.get("PVD_DEBUG"):
        raise exc
    return PvdError(f"Erreur inattendue dans pvd-assistant ({exc.__class__.__name__}).",
                    "Relancez la commande avec PVD_DEBUG=1 pour afficher le détail technique, "
                    "et transmettez-le à l'équipe technique.")


def french_errors(command: F) -> F:
    """Load the settings and run ``command(settings, ...)``, turning every error into a French message and a
    non-zero exit, never a traceback."""
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(load_settings(), *args, **kwargs)
        except KeyboardInterrupt:
            click.echo("\nInterrompu. L'index en service n'a pas été modifié.", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            raise click.ClickException(str(in_french(exc))) from None
    return wrapper  # type: ignore[return-value]


class FrenchHelpFormatter(click.HelpFormatter):
    """Help and usage lines with French headings."""

    HEADINGS = {"Commands": "Commandes", "Positional arguments": "Arguments"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Utilisation : " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))


class FrenchContext(click.Context):
    formatter_class = FrenchHelpFormatter


class FrenchCommand(click.Command):
    """A command whose help speaks French."""

    context_class = FrenchContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Afficher cette aide et quitter."
        return option


class FrenchGroup(click.Group, FrenchCommand):
    """The `pvd` group: click's own errors (usage, bad values) are printed in French, prefixed « Erreur : »."""

    command_class = FrenchCommand
    context_class = FrenchContext

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            if not standalone:
                raise
            click.echo(french_click_error(error), err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            if not standalone:
                raise
            click.echo("Interrompu.", err=True)
            sys.exit(1)
        if standalone:
            sys.exit(result if isinstance(result, int) else 0)
        return result


def _did_you_mean(possibilities: list[str] | None) -> str:
    return f" Vouliez-vous dire {' ou '.join(f'« {p} »' for p in possibilities)} ?" if possibilities else ""


def french_click_error(error: click.ClickException) -> str:
    """What click reports in English, said in French; the usage line of the command when it helps."""
    exceptions = click.exceptions
    message = error.format_message()
    if isinstance(error, getattr(exceptions, "NoArgsIsHelpError", ())):
        return message  # `pvd` alone: the help, already French
    if isinstance(error, exceptions.NoSuchOption):
        message = f"L'option « {error.option_name} » n'existe pas.{_did_you_mean(error.possibilities)}"
    elif isinstance(error, exceptions.BadOptionUsage):
        takes = "ne prend pas de valeur" if "does not take" in error.message else "attend une valeur"
        message = f"L'option « {error.option_name} » {takes}."
    elif isinstance(error, exceptions.MissingParameter):
        name = (error.param.human_readable_name if error.param else "") or "?"
        kind = "l'argument" if error.param_type == "argument" or isinstance(error.param, click.Argument) else "l'option"
        message = f"Il manque {kind} {name}."
    elif isinstance(error, exceptions.BadParameter):
        hint = error.param_hint or (error.param.get_error_hint(error.ctx) if error.param and error.ctx else "")
        hint = hint if isinstance(hint, str) else " / ".join(hint)
        message = f"Valeur invalide pour {hint.replace(chr(39), '')} : {error.message}"
    elif isinstance(error, getattr(exceptions, "NoSuchCommand", ())):
        commands = ", ".join(sorted(main.commands))
        message = (f"La commande « {error.command_name} » n'existe pas (commandes : {commands})."  # type: ignore[attr-defined]
                   f"{_did_you_mean(error.possibilities)}")  # type: ignore[attr-defined]
    elif message.startswith("Got unexpected extra argument"):
        message = "Argument en trop : " + message.split("(", 1)[-1].rstrip(")") + " (mettez la question entre guillemets)."
    elif message == "Missing command.":
        message = f"Il manque la commande ({', '.join(sorted(main.commands))})."
    text = f"Erreur : {message}"
    if isinstance(error, click.UsageError) and error.ctx is not None:
        help_name = error.ctx.help_option_names[0] if error.ctx.help_option_names else "--help"
        text = f"{error.ctx.get_usage()}\nAide : {error.ctx.command_path} {help_name}\n\n{text}"
    return text


class FrenchType(click.ParamType):
    """A click type whose refusal is said in French (``french_refusal``) instead of click's English."""

    def french_refusal(self, value: Any) -> str:
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(self.french_refusal(value), param, ctx)


class IntBetween(FrenchType, click.IntRange):
    def french_refusal(self, value: Any) -> str:
        return f"« {value} » n'est pas un nombre entier entre {self.min} et {self.max}."


class FrenchDate(FrenchType, click.DateTime):
    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # type: ignore[override]
        return "AAAA-MM-JJ"

    def french_refusal(self, value: Any) -> str:
        return f"« {value} » n'est pas une date au format AAAA-MM-JJ (par exemple 2023-06-15)."


class FrenchChoice(FrenchType, click.Choice):
    def french_refusal(self, value: Any) -> str:
        return f"« {value} » n'est pas possible ; choisissez parmi : {', '.join(map(str, self.choices))}."


class FrenchPath(FrenchType, click.Path):
    def french_refusal(self, value: Any) -> str:
        path = Path(value)
        if not path.exists():
            return f"« {value} » n'existe pas."
        if path.is_dir() and not self.dir_okay:
            return f"« {value} » est un dossier ; un fichier est attendu."
        if not path.is_dir() and not self.file_okay:
            return f"« {value} » est un fichier ; un dossier est attendu."
        return f"« {value} » n'est pas lisible (vérifiez les droits)."


@click.group(cls=FrenchGroup, context_settings={"help_option_names": ["-h", "--help"]},
             subcommand_metavar="COMMANDE [ARGUMENTS]...")
def main() -> None:
    """pvd-assistant : posez vos questions au cycle « Petites villes de demain » du CAUE de l'Aisne."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def corpus_option(command: F) -> F:
    return click.option("--corpus", type=FrenchPath(path_type=Path, file_okay=False), metavar="DOSSIER",
                        help="Dossier du corpus (défaut : PVD_CORPUS, sinon le corpus de démonstration).")(command)


def index_option(command: F) -> F:
    return click.option("--index", "index_dir", type=FrenchPath(path_type=Path, file_okay=False), metavar="DOSSIER",
                        help="Dossier de l'index (défaut : PVD_DATA_DIR/index).")(command)


def _paths(settings: Settings, corpus: Path | None, index_dir: Path | None) -> tuple[Path, Path]:
    return corpus or settings.corpus, index_dir or settings.index_dir


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


def _reindex_with_bar(settings: Settings, encoder: Any, corpus: Path, index_dir: Path, **options: Any) -> str:
    """bot.ingestion.reindex_corpus with a progress bar on stderr; its French summary."""
    from bot.ingestion import reindex_corpus

    with _progress_bar("Calcul des vecteurs") as progress:
        return reindex_corpus(settings, encoder, corpus=corpus, index_dir=index_dir, progress=progress, **options)


@main.command()
@corpus_option
@index_option
@click.option("--dry-run", is_flag=True, help="Vérifier le corpus et afficher ce qui serait indexé, sans rien écrire.")
@click.option("--rebuild", is_flag=True, help="Tout recalculer sans rien réutiliser (un changement de modèle est détecté et "
                   "recalculé même sans cette option).")
@click.option("--no-youtube", is_flag=True, help="Ne pas interroger YouTube (seulement fichiers locaux et cache).")
@french_errors
def ingest(settings: Settings, corpus: Path | None, index_dir: Path | None, dry_run: bool, rebuild: bool,
           no_youtube: bool) -> None:
    """Construire ou mettre à jour l'index à partir du corpus."""
    corpus, index_dir = _paths(settings, corpus, index_dir)
    if dry_run:
        from bot.ingestion import youtube_fetcher
        from bot.terminal import describe_scan
        from ingest.corpus import scan_corpus

        click.echo(describe_scan(scan_corpus(corpus, None if no_youtube else youtube_fetcher(settings))))
        return
    click.echo(f"Indexation de {corpus} vers {index_dir} (modèle {settings.embedding_model})…", err=True)
    from bot.ingestion import require_writable
    from index.encoders import load_encoder

    require_writable(index_dir)  # before the model loads
    click.echo(_reindex_with_bar(settings, load_encoder(settings.embedding_model), corpus, index_dir,
                                 rebuild=rebuild, youtube=not no_youtube))


def _engine(settings: Settings, index_dir: Path | None) -> Any:
    """The engine over the index, opened (a damaged or other-model index fails here, before any question).

    An index named with --index must exist; the default one is built first from the configured corpus.
    Leftovers of killed runs are cleaned, and a lost CURRENT recovered, first (said on stderr).
    """
    from bot.engine import Engine
    from index.ranking import ranking_for_model
    from index.store import current_generation, tidy_index

    explicit = index_dir is not None
    index_dir = index_dir or settings.index_dir
    for note in tidy_index(index_dir):
        click.echo(note, err=True)
    missing = current_generation(index_dir) is None
    if missing and explicit:
        raise IndexMissingError(f"Aucun index dans {index_dir}.",
                                f"Vérifiez le chemin donné à --index, ou construisez l'index avec "
                                f"« pvd ingest --index {index_dir} ».")
    ranking = ranking_for_model(settings.embedding_model)
    if settings.min_confidence is not None:
        ranking = replace(ranking, decline_below=settings.min_confidence)
    engine = Engine(index_dir, model=settings.embedding_model, ranking=ranking, writer=_writer(settings))
    if missing:  # built with the engine's model, loaded once
        click.echo(f"Aucun index dans {index_dir} : construction à partir de {settings.corpus}…", err=True)
        click.echo(_reindex_with_bar(settings, engine.encoder, settings.corpus, index_dir), err=True)
    engine.index()
    return engine


def _writer(settings: Settings) -> Any:
    """The language-model writer when PVD_LLM_URL is set (its outcomes counted for `pvd rapport`), else None."""
    if settings.llm is None:
        return None
    from bot.feedback import FeedbackStore
    from bot.writing import Writer

    return Writer(settings.llm, record=FeedbackStore(settings.feedback_db).log_writing)


def screen_question(question: str, max_chars: int) -> str:
    """The question as the engine gets it; an over-long one is refused at once (the work grows with it)."""
    question = " ".join(question.split())
    if len(question) > max_chars:
        raise QuestionTooLongError(len(question), max_chars)
    return question


def stdin_questions(stream: IO[bytes], max_chars: int) -> Iterator[tuple[str, str | PvdError]]:
    """One (line as read, question or error) per input line, whatever the line: an undecodable or over-long
    line is an error for that line only. Memory stays bounded: a huge line is skipped, not loaded."""
    limit = 4 * max_chars + 64  # bytes: UTF-8 needs at most 4 a character, the margin covers spaces
    while True:
        line = stream.readline(limit)
        if not line:
            return
        if not line.endswith(b"\n") and len(line) >= limit:
            length = len(line)
            while not line.endswith(b"\n") and line:
                line = stream.readline(1 << 16)
                length += len(line)
            yield "", QuestionTooLongError(length, max_chars, unit="octets")
            continue
        try:
            text = line.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield line.decode("utf-8", "replace").rstrip("\r\n"), FileAccessError(
                f"Cette ligne n'est pas du texte UTF-8 valide (octet n° {exc.start + 1}).",
                "Enregistrez les questions en UTF-8, une question par ligne.")
            continue
        try:
            yield text, screen_question(text, max_chars)
        except PvdError as error:
            yield text, error


@main.command()
@click.argument("question")
@index_option
@click.option("-k", "k", type=IntBetween(1, 10), default=3, metavar="N",
              help="Nombre de sources, de 1 à 10 (défaut : 3).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (une ligne par question) ; « - » lit stdin.")
@french_errors
def ask(settings: Settings, question: str, index_dir: Path | None, k: int, as_json: bool) -> None:
    """Poser une question (« - » : une question par ligne sur l'entrée standard)."""
    from bot.terminal import answer_live, render_answer

    if question != "-":
        question = screen_question(question, settings.max_question_chars)  # refused before the index opens
    engine = _engine(settings, index_dir)
    if question != "-":
        if as_json:
            click.echo(json.dumps(engine.answer(question, k).to_dict(), ensure_ascii=False))
        else:  # a written answer streams in as it is checked, the sources below
            click.echo(answer_live(engine, question, k, color=sys.stdout.isatty()))
        return
    for text, screened in stdin_questions(click.get_binary_stream("stdin"), settings.max_question_chars):
        try:
            if isinstance(screened, PvdError):
                raise screened
            answer = engine.answer(screened, k)
        except Exception as exc:  # this line only: the next ones still get their answer
            error = in_french(exc)
            if as_json:
                click.echo(json.dumps({"question": text, "answered": False, "error": str(error)}, ensure_ascii=False))
            else:
                click.echo(f"Erreur : {error}", err=True)
        else:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json
                       else render_answer(answer, color=sys.stdout.isatty()))
        sys.stdout.flush()


@main.command()
@index_option
@french_errors
def chat(settings: Settings, index_dir: Path | None) -> None:
    """Discuter avec l'assistant dans le terminal (« /quitter » pour sortir)."""
    from bot.terminal import answer_live

    engine = _engine(settings, index_dir)
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
            click.echo(answer_live(engine, screen_question(question, settings.max_question_chars), None,
                                   color=sys.stdout.isatty()))
        except Exception as exc:  # this question only: the conversation goes on
            click.echo(str(in_french(exc)), err=True)


def _enable_history(settings: Settings) -> None:
    """Arrow keys and a history kept between sessions, where readline exists and the data directory is
    writable (a history that cannot be saved is not worth a message at exit)."""
    try:
        import readline
    except ImportError:
        return
    import atexit

    history = settings.data_dir / "chat_history"

    def save() -> None:
        try:
            readline.write_history_file(history)
        except OSError:
            pass

    try:
        history.parent.mkdir(parents=True, exist_ok=True)
        if history.exists():
            readline.read_history_file(history)
    except OSError:
        return
    atexit.register(save)


@main.command()
@corpus_option
@french_errors
def sessions(settings: Settings, corpus: Path | None) -> None:
    """Afficher le catalogue du cycle avec les liens des replays."""
    from bot.terminal import render_sessions
    from ingest.catalogue import load_cycle

    click.echo(render_sessions(load_cycle(corpus or settings.corpus)))


@main.command(name="eval")
@click.argument("questions", type=FrenchPath(path_type=Path, dir_okay=False, exists=True))
@index_option
@click.option("--mode", type=FrenchChoice(["hybride", "lexical", "dense"]), default="hybride",
              help="Recherche évaluée (défaut : hybride).")
@click.option("--details", is_flag=True, help="Afficher chaque question manquée.")
@click.option("--calibrer", "calibrate", is_flag=True,
              help="Montrer les seuils d'abstention possibles (PVD_MIN_CONFIDENCE) sur ces questions et "
                   "conseiller le meilleur.")
@french_errors
def evaluate(settings: Settings, questions: Path, index_dir: Path | None, mode: str, details: bool,
             calibrate: bool) -> None:
    """Mesurer la qualité des réponses sur un jeu de questions (JSONL)."""
    from bot.evaluate import caption_kinds, format_eval_report, load_questions, run_eval

    engine = _engine(settings, index_dir)
    lists = {"hybride": {}, "lexical": {"dense_list": 0.0}, "dense": {"lexical_list": 0.0}}[mode]
    engine.ranking = replace(engine.ranking, **lists)
    index = engine.index()
    captions = caption_kinds(index.chunk(row) for row in range(index.served.manifest.chunks))
    try:
        asked = load_questions(questions)
    except (OSError, UnicodeDecodeError) as exc:  # name the file, which the system does not
        raise FileAccessError.from_exception(exc, questions) from exc
    report = run_eval(engine, asked, captions=captions)
    click.echo(format_eval_report(report, details=details, calibrate=calibrate,
                                  current=engine.ranking.decline_below, suggestions=engine.config.suggestions))


@main.command()
@click.option("--depuis", type=FrenchDate(), help="Début de la période (AAAA-MM-JJ).")
@click.option("--jusqu-a", "until", type=FrenchDate(), help="Fin de la période (AAAA-MM-JJ).")
@french_errors
def rapport(settings: Settings, depuis: Any, until: Any) -> None:
    """Questions restées sans réponse et réponses jugées mauvaises, pour l'équipe du CAUE."""
    from bot.feedback import FeedbackStore, format_feedback_report

    since = depuis or dt.datetime.now() - dt.timedelta(days=30)
    until = until + dt.timedelta(days=1) if until else dt.datetime.now()
    click.echo(format_feedback_report(FeedbackStore(settings.feedback_db).report(since, until)))


@main.command()
@click.option("--sync-global", is_flag=True, help="Publier les commandes sur tous les serveurs (prend jusqu'à 1 h).")
@french_errors
def bot(settings: Settings, sync_global: bool) -> None:
    """Lancer le bot Discord (DISCORD_TOKEN dans l'environnement ou .env)."""
    from bot.discord_bot import require_token, run_bot

    require_token(settings)  # before building an index: a missing token is said at once
    engine = _engine(settings, None)
    from bot.ingestion import Progress, reindex_corpus

    def reindex(progress: Progress | None = None) -> str:  # the engine's model: no second one in memory
        return reindex_corpus(settings, engine.encoder, progress=progress)

    run_bot(settings, engine, reindex, sync_global=sync_global)

"""The project's one exception family: its root, and the errors of the ingest layer.

Every error a person can meet says, in French, what went wrong (``cause``) and what to do about it
(``fix``). The CLI and the Discord bot print ``str(error)``; they never show a traceback.

One errors module per layer, each class in the lowest layer that raises it: this one (catalogue, fiches,
captions, YouTube, files), ``index.errors`` (the index directory, settings), ``bot.errors`` (answering,
feedback, the language model, the command line).
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.corpus_paths import CATALOGUE_FILE
from ingest.safe_text import strip_controls
from ingest.youtube_url import watch_url

if TYPE_CHECKING:
    from ingest.models import Session

_MAX_DETAIL = 200  # characters of a library's message quoted in a CorruptFicheError


class PvdError(Exception):
    """Root of every error pvd-assistant raises on purpose."""

    cause: str = "Une erreur inattendue s'est produite."
    fix: str = ""

    def __init__(self, cause: str | None = None, fix: str | None = None) -> None:
        # Messages quote file contents and names: they must not carry terminal escape sequences.
        if cause is not None:
            self.cause = strip_controls(cause)
        if fix is not None:
            self.fix = strip_controls(fix)
        super().__init__(self.cause)

    def __str__(self) -> str:
        return f"{self.cause}\n→ {self.fix}" if self.fix else self.cause


class CatalogueError(PvdError):
    """cycle.toml is unreadable or inconsistent; ``problems`` lists every finding, not just the first."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"Le catalogue {path} contient {len(problems)} erreur(s) :\n{listing}",
            "Corrigez ces lignes dans cycle.toml puis relancez « pvd ingest ». "
            "L'index déjà construit reste en service en attendant.",
        )


class CatalogueMissingError(CatalogueError):
    """No cycle.toml where the corpus is expected: usually PVD_CORPUS points at the wrong folder."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        where = (f"Le dossier du corpus {path.parent} n'existe pas." if not path.parent.is_dir()
                 else f"Le catalogue {path} est introuvable.")
        self.problems = [where]
        PvdError.__init__(
            self, where,
            f"Créez le fichier {CATALOGUE_FILE} dans le dossier du corpus (exemple : examples/demo/cycle.toml), ou "
            "indiquez le bon dossier avec --corpus ou la variable PVD_CORPUS (fichier .env).",
        )


class CaptionError(PvdError):
    """A caption file cannot be read."""


class OutsideCorpusTranscriptError(CaptionError):
    """The caption file, or the cache folder, leads out of the corpus: it is neither read nor written."""

    def __init__(self, session: Session, document: str, reason: str) -> None:
        super().__init__(f"Les sous-titres « {document} » de la session {session.id} ne sont pas lus : {reason}",
                         "Corrigez « transcript = … » dans cycle.toml, ou remplacez le lien symbolique par une "
                         "copie du fichier dans transcripts/.")


class FicheError(PvdError):
    """A fiche (document) cannot be read."""

    def __init__(self, document: str, cause: str | None = None, fix: str | None = None) -> None:
        self.document = document
        super().__init__(cause, fix)


class FicheNotFoundError(FicheError):
    def __init__(self, document: str, corpus_root: Path) -> None:
        super().__init__(
            document, f"La fiche « {document} » est introuvable dans le corpus {corpus_root}.",
            "Vérifiez le chemin indiqué dans cycle.toml, ou déposez le fichier à cet endroit.",
        )


class UnsupportedFicheError(FicheError):
    def __init__(self, document: str) -> None:
        super().__init__(
            document, f"Le format de la fiche « {document} » n'est pas pris en charge.",
            "Enregistrez-la en .docx, .pdf, .txt ou .md (Word : Fichier → Enregistrer sous).",
        )


class EmptyFicheError(FicheError):
    """The file holds no text to index (0 bytes, blank, or nothing left once the internal part is cut)."""

    def __init__(self, document: str, cause: str | None = None, fix: str | None = None) -> None:
        super().__init__(
            document, cause or f"La fiche « {document} » ne contient aucun texte.",
            fix or "Vérifiez que le fichier a bien été enregistré avec son contenu, ou retirez-le du corpus.",
        )


class ScannedPdfError(EmptyFicheError):
    """A PDF whose pages carry no text layer: almost always a scan."""

    def __init__(self, document: str) -> None:
        super().__init__(
            document,
            f"Le PDF « {document} » ne contient aucun texte lisible : c'est probablement un document scanné "
            "(des images de pages).",
            "Fournissez une version texte du document (.docx, .txt ou PDF exporté depuis le traitement de "
            "texte), ou passez le scan dans un logiciel de reconnaissance de caractères (OCR).",
        )


class CorruptFicheError(FicheError):
    def __init__(self, document: str, what: str, detail: object = None) -> None:
        technical = f" (détail technique : {str(detail)[:_MAX_DETAIL]})" if detail else ""
        super().__init__(
            document, f"La fiche « {document} » est illisible : {what}{technical}.",
            "Ouvrez le fichier pour vérifier qu'il n'est pas endommagé, puis déposez une copie saine "
            "(ré-enregistrée ou ré-exportée).",
        )


class OutsideCorpusFicheError(FicheError):
    def __init__(self, document: str, reason: str) -> None:
        super().__init__(document, f"La fiche « {document} » n'est pas lue : {reason}",
                         "Corrigez le chemin dans cycle.toml, ou remplacez le lien par une copie du fichier.")


class OversizedFicheError(FicheError):
    """A file far larger than any fiche, or a .docx that would inflate to gigabytes (a « zip bomb »)."""

    def __init__(self, document: str, what: str) -> None:
        super().__init__(
            document, f"La fiche « {document} » est refusée : {what}.",
            "Déposez une version allégée (texte seul, images compressées : Word → Fichier → Compresser les "
            "images), ou découpez le document en plusieurs fiches.",
        )


class ProtectedFicheError(FicheError):
    def __init__(self, document: str) -> None:
        super().__init__(
            document, f"Le PDF « {document} » est protégé par un mot de passe.",
            "Déposez une copie sans protection (ouvrir le PDF puis l'imprimer en PDF, ou ré-exporter l'original).",
        )


class TranscriptFetchError(PvdError):
    """YouTube did not give a transcript for a session."""

    fix = (
        "Exportez les sous-titres depuis YouTube Studio (Sous-titres → ⋮ → Télécharger, format .vtt ou .srt), "
        "déposez le fichier dans transcripts/ et indiquez-le dans cycle.toml (transcript = \"transcripts/…\")."
    )


class EmptyTranscriptError(TranscriptFetchError):
    """YouTube answered, but with no spoken text."""


# The shared fix ("Exportez les sous-titres depuis YouTube Studio…"), to end our own sentences with.
_EXPORT = TranscriptFetchError.fix[0].lower() + TranscriptFetchError.fix[1:]
_RETRY = "relancez « pvd ingest »"


class YouTubeFetchError(TranscriptFetchError):
    """Base of this module's errors; ``video_id`` names the replay that could not be fetched."""

    def __init__(self, video_id: str, cause: str, fix: str | None = None) -> None:
        self.video_id = video_id
        super().__init__(cause, fix)


class CaptionsDisabledError(YouTubeFetchError):
    def __init__(self, video_id: str) -> None:
        super().__init__(
            video_id,
            f"Les sous-titres sont désactivés sur la vidéo {watch_url(video_id)} : "
            "YouTube ne fournit aucune transcription.",
            "Activez les sous-titres de la vidéo dans YouTube Studio puis " + _RETRY + ", ou bien " + _EXPORT,
        )


class NoFrenchCaptionsError(YouTubeFetchError):
    def __init__(self, video_id: str, available: Sequence[str] | None = None) -> None:
        listing = ""
        if available is not None:
            listing = f" (sous-titres présents : {', '.join(available)})" if available else " (aucun sous-titre)"
        super().__init__(
            video_id,
            f"La vidéo {watch_url(video_id)} n'a pas de sous-titres en français, "
            f"ni de sous-titres que YouTube sache traduire en français{listing}.",
            "Ajoutez des sous-titres français à la vidéo dans YouTube Studio puis " + _RETRY + ", ou déposez un "
            "fichier de sous-titres français (.vtt ou .srt) dans transcripts/ et indiquez-le dans cycle.toml "
            '(transcript = "transcripts/…").',
        )


class VideoNotFoundError(YouTubeFetchError):
    def __init__(self, video_id: str, *, invalid_id: bool = False) -> None:
        cause = (
            f"« {video_id} » n'est pas un identifiant de vidéo YouTube."
            if invalid_id
            else f"La vidéo {watch_url(video_id)} est introuvable sur YouTube (supprimée, privée ou adresse erronée)."
        )
        super().__init__(
            video_id,
            cause,
            "Vérifiez l'adresse youtube = \"…\" de cette séance dans cycle.toml (la vidéo doit être publique ou "
            "non répertoriée), puis " + _RETRY + ".",
        )


class VideoUnplayableError(YouTubeFetchError):
    def __init__(self, video_id: str, reason: str | None = None, *, age_restricted: bool = False) -> None:
        if age_restricted:
            cause = (
                f"La vidéo {watch_url(video_id)} est soumise à une limite d'âge : "
                "YouTube ne donne pas ses sous-titres sans connexion."
            )
        else:
            cause = (
                f"YouTube refuse de lire la vidéo {watch_url(video_id)} "
                f"(motif donné par YouTube : « {reason or 'non précisé'} »)."
            )
        super().__init__(
            video_id,
            cause,
            "Dans YouTube Studio, rendez la vidéo lisible sans connexion (publique ou non répertoriée, sans limite "
            "d'âge) puis " + _RETRY + ", ou bien " + _EXPORT,
        )


class YouTubeBlockedError(YouTubeFetchError):
    def __init__(self, video_id: str, *, through_proxy: bool = False) -> None:
        if through_proxy:
            cause = (
                f"YouTube bloque les requêtes pour la vidéo {watch_url(video_id)}, même à travers le proxy "
                "configuré : l'adresse IP du proxy est refusée elle aussi."
            )
            fix = (
                "Mettez dans PVD_YOUTUBE_PROXY un proxy résidentiel à adresses tournantes (les proxys de centres de "
                "données sont bloqués eux aussi) puis " + _RETRY + ", ou bien " + _EXPORT
            )
        else:
            cause = (
                f"YouTube bloque les requêtes de ce serveur pour la vidéo {watch_url(video_id)} : son adresse IP "
                "est refusée (fréquent pour les serveurs hébergés dans le cloud, ou après trop de requêtes)."
            )
            fix = (
                "Définissez PVD_YOUTUBE_PROXY avec un proxy résidentiel (http://utilisateur:motdepasse@hote:port) "
                "puis " + _RETRY + ", ou bien " + _EXPORT
            )
        super().__init__(video_id, cause, fix)


class YouTubeNetworkError(YouTubeFetchError):
    def __init__(self, video_id: str, what: str) -> None:
        super().__init__(
            video_id,
            f"{what} (vidéo {watch_url(video_id)}).",
            "Vérifiez la connexion Internet du serveur (et le proxy PVD_YOUTUBE_PROXY s'il est défini), puis "
            + _RETRY
            + " un peu plus tard.",
        )


class YouTubeUnexpectedError(YouTubeFetchError):
    def __init__(self, video_id: str, detail: str) -> None:
        super().__init__(
            video_id,
            f"La transcription de la vidéo {watch_url(video_id)} n'a pas pu être récupérée ({detail}).",
            "Relancez « pvd ingest » plus tard (et mettez à jour youtube-transcript-api si l'erreur persiste), "
            "ou bien " + _EXPORT,
        )


class FileAccessError(PvdError):
    """A file or folder cannot be read or written: rights, a read-only disk, a file where a folder belongs...

    ``describe`` says in French what the system reported in English ("[Errno 21] Is a directory", "'utf-8' codec
    can't decode..."); the CLI turns any such exception it meets into this error rather than a traceback.
    """

    fix = "Vérifiez le chemin et les droits sur ce dossier, puis relancez la commande."

    _ERRNO = {
        errno.EACCES: "permission refusée", errno.EPERM: "opération non permise",
        errno.EROFS: "le disque est en lecture seule", errno.EISDIR: "c'est un dossier, pas un fichier",
        errno.ENOTDIR: "une partie du chemin est un fichier, pas un dossier",
        errno.ENOENT: "fichier ou dossier introuvable", errno.EEXIST: "un fichier de ce nom existe déjà",
        errno.ENOSPC: "le disque est plein", errno.EDQUOT: "le quota de disque est atteint",
        errno.ENAMETOOLONG: "le nom est trop long", errno.ELOOP: "trop de liens symboliques en boucle",
        errno.EMFILE: "trop de fichiers ouverts", errno.EIO: "erreur de lecture du disque",
    }
    _FIXES = {
        errno.EACCES: "Donnez à l'utilisateur qui lance pvd le droit d'écrire dans ce dossier, ou choisissez-en un "
                      "autre (option --index, ou PVD_DATA_DIR dans .env).",
        errno.ENOTDIR: "Ce chemin doit désigner un dossier : corrigez l'option --index ou PVD_DATA_DIR (dans .env).",
        errno.EISDIR: "Ce chemin doit désigner un fichier, pas un dossier : corrigez-le.",
        errno.ENOSPC: "Libérez de la place sur le disque, puis relancez la commande.",
    }

    @classmethod
    def describe(cls, exc: BaseException) -> str:
        """A short French phrase for a system or format exception (no path: the caller names the file)."""
        if isinstance(exc, UnicodeDecodeError):
            return f"le contenu n'est pas du texte UTF-8 valide (octet n° {exc.start + 1})"
        if isinstance(exc, OSError) and exc.errno is not None:
            return cls._ERRNO.get(exc.errno, f"erreur système n° {exc.errno}")
        if isinstance(exc, EOFError):
            return "fichier tronqué"
        if isinstance(exc, KeyError):
            return f"donnée manquante : {exc.args[0] if exc.args else '?'}"
        if exc.__class__.__module__ == "sqlite3" or exc.__class__.__name__.endswith("DatabaseError"):
            text = str(exc).lower()
            for english, french in (("locked", "base verrouillée par un autre programme"),
                                    ("not a database", "ce n'est pas une base SQLite"),
                                    ("unable to open", "impossible d'ouvrir la base"),
                                    ("readonly", "base en lecture seule"), ("malformed", "base endommagée")):
                if english in text:
                    return french
            return "base SQLite endommagée ou inaccessible"
        if isinstance(exc, ValueError) and exc.__class__.__name__ == "JSONDecodeError":
            return f"JSON invalide (ligne {getattr(exc, 'lineno', '?')})"
        if isinstance(exc, (ValueError, TypeError)):
            return "contenu d'un format inattendu"
        return "erreur inattendue"

    @classmethod
    def from_exception(cls, exc: BaseException, path: object = None) -> FileAccessError:
        """The French error for ``exc``, naming ``path`` (else the file the system named)."""
        where = path if path is not None else getattr(exc, "filename", None)
        detail = cls.describe(exc)
        cause = f"Impossible d'accéder à « {where} » : {detail}." if where else f"Erreur d'accès à un fichier : {detail}."
        if isinstance(exc, UnicodeDecodeError):
            cause = f"« {where} » n'est pas du texte UTF-8 valide (octet n° {exc.start + 1})." if where else cause
            return cls(cause, "Ré-enregistrez ce fichier en UTF-8 (dans le Bloc-notes : Enregistrer sous → Encodage "
                              "UTF-8), puis relancez la commande.")
        code = exc.errno if isinstance(exc, OSError) else None
        same_fix = {errno.EPERM: errno.EACCES, errno.EROFS: errno.EACCES, errno.EEXIST: errno.ENOTDIR}
        fix = cls._FIXES.get(same_fix.get(code, code))  # type: ignore[arg-type]
        return cls(cause, fix)

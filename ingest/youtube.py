"""A session's replay transcript, fetched from YouTube with youtube-transcript-api.

French captions only: manually created ones first, then YouTube's automatic ones, then a YouTube
translation into French. Every failure comes out as a French ``TranscriptFetchError`` saying what the
CAUE staff can do (often: export the captions from YouTube Studio and drop them in transcripts/).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol
from xml.etree.ElementTree import ParseError

import requests
import requests.adapters
from youtube_transcript_api import (
    AgeRestricted,
    InvalidVideoId,
    NotTranslatable,
    NoTranscriptFound,
    RequestBlocked,
    Transcript,
    TranscriptList,
    TranscriptsDisabled,
    TranslationLanguageNotAvailable,
    VideoUnavailable,
    VideoUnplayable,
    YouTubeRequestFailed,
    YouTubeTranscriptApi,
    YouTubeTranscriptApiException,
)
from youtube_transcript_api.proxies import GenericProxyConfig

from ingest.errors import TranscriptFetchError
from ingest.models import Cue
from ingest.youtube_url import watch_url

FRENCH = ("fr", "fr-FR", "fr-CA")

#: Checked in this order; the first non-empty value is the proxy for YouTube.
PROXY_ENV_VARS = ("PVD_YOUTUBE_PROXY", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")

# The shared fix ("Exportez les sous-titres depuis YouTube Studio…"), to end our own sentences with.
_EXPORT = TranscriptFetchError.fix[0].lower() + TranscriptFetchError.fix[1:]
_RETRY = "relancez « pvd ingest »"

# A caption that is only a sound description: « [Musique] », « (Applaudissements) », « ♪ ».
_NON_SPEECH = re.compile(r"^(\[[^\]]*\]|\([^)]*\)|[♪♫\s]+)$")
_SPACES = re.compile(r"\s+")


# --- Errors -------------------------------------------------------------------------------------------


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


# --- Fetching -----------------------------------------------------------------------------------------


REQUEST_TIMEOUT_SECONDS = 30.0


class _TimeoutAdapter(requests.adapters.HTTPAdapter):
    """requests waits forever by default: a stalled YouTube must not freeze a re-index."""

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = REQUEST_TIMEOUT_SECONDS
        return super().send(request, **kwargs)


def default_session() -> requests.Session:
    session = requests.Session()
    session.mount("https://", _TimeoutAdapter())
    session.mount("http://", _TimeoutAdapter())
    return session


class YouTubeFetcher:
    """Fetches French captions of a YouTube video as cues.

    Not thread-safe (the underlying ``requests.Session`` is not): use one fetcher per thread.
    """

    def __init__(
        self,
        http_client: requests.Session | None = None,
        proxy_url: str | None = None,
        languages: Sequence[str] = FRENCH,
    ) -> None:
        session = http_client if http_client is not None else default_session()
        if proxy_url:
            # requests lets HTTPS_PROXY & co. override a session's proxies: the proxy named here must win.
            session.trust_env = False
        self._proxied = bool(proxy_url)
        self._languages = tuple(languages)
        self._api = YouTubeTranscriptApi(
            proxy_config=GenericProxyConfig(http_url=proxy_url, https_url=proxy_url) if proxy_url else None,
            http_client=session,
        )

    def fetch(self, video_id: str) -> list[Cue]:
        """The cues of ``video_id``'s French captions; raises a ``TranscriptFetchError`` subclass."""
        with self._library_errors(video_id):
            transcripts = self._api.list(video_id)
            chosen = self._choose(transcripts, video_id)
            fetched = chosen.fetch()
        return cues_from_snippets(fetched)

    def _choose(self, transcripts: TranscriptList, video_id: str) -> Transcript:
        try:
            return transcripts.find_manually_created_transcript(self._languages)
        except NoTranscriptFound:
            pass
        try:
            return transcripts.find_generated_transcript(self._languages)
        except NoTranscriptFound:
            pass
        # No French track: let YouTube translate one, manually created tracks first (iteration order).
        for transcript in transcripts:
            offered = {language.language_code for language in transcript.translation_languages}
            target = next((code for code in self._languages if code in offered), None)
            if target is not None:
                return transcript.translate(target)
        available = [f"{t.language_code}{' (automatiques)' if t.is_generated else ''}" for t in transcripts]
        raise NoFrenchCaptionsError(video_id, available)

    @contextmanager
    def _library_errors(self, video_id: str) -> Iterator[None]:
        """Turn whatever youtube-transcript-api or requests raises into one of our French errors."""
        try:
            yield
        except (YouTubeTranscriptApiException, requests.RequestException, ParseError, ValueError, KeyError) as error:
            raise _translate(error, video_id, proxied=self._proxied) from error


def _translate(error: Exception, video_id: str, *, proxied: bool) -> TranscriptFetchError:
    match error:
        case TranscriptsDisabled():
            return CaptionsDisabledError(video_id)
        case NoTranscriptFound() | NotTranslatable() | TranslationLanguageNotAvailable():
            return NoFrenchCaptionsError(video_id)
        case InvalidVideoId():
            return VideoNotFoundError(video_id, invalid_id=True)
        case VideoUnavailable():
            return VideoNotFoundError(video_id)
        case AgeRestricted():
            return VideoUnplayableError(video_id, age_restricted=True)
        case VideoUnplayable():
            return VideoUnplayableError(video_id, error.reason)
        case RequestBlocked():  # IpBlocked too: recaptcha page or HTTP 429
            return YouTubeBlockedError(video_id, through_proxy=proxied)
        case YouTubeRequestFailed():
            response = getattr(error.__context__, "response", None)
            status = f" HTTP {response.status_code}" if response is not None else ""
            return YouTubeNetworkError(video_id, f"YouTube a répondu par une erreur{status}")
        case requests.exceptions.ProxyError() | requests.exceptions.InvalidProxyURL():
            return YouTubeNetworkError(video_id, "Le proxy configuré est injoignable, refuse la connexion ou a une "
                                                 "adresse invalide")
        case requests.Timeout():
            return YouTubeNetworkError(video_id, "YouTube n'a pas répondu à temps")
        case requests.ConnectionError():
            return YouTubeNetworkError(video_id, "Impossible de joindre YouTube : la connexion a échoué")
        case requests.JSONDecodeError() | ParseError() | ValueError() | KeyError():
            return YouTubeUnexpectedError(video_id, "réponse de YouTube illisible")
        case requests.RequestException():
            return YouTubeNetworkError(video_id, f"La requête vers YouTube a échoué ({type(error).__name__})")
        case _:
            return YouTubeUnexpectedError(video_id, type(error).__name__)


# --- Cues and settings --------------------------------------------------------------------------------


class _Snippet(Protocol):
    text: str
    start: float
    duration: float


def cues_from_snippets(snippets: Iterable[_Snippet]) -> list[Cue]:
    """Cues from the library's snippets: whitespace collapsed, empty and « [Musique] »-like ones dropped.

    Light cleanup only; the caption parsers do the heavy lifting (rolling auto-captions and such).
    """
    cues = []
    for snippet in snippets:
        text = _SPACES.sub(" ", snippet.text).strip()
        if text and not _NON_SPEECH.match(text):
            cues.append(Cue(start=snippet.start, end=snippet.start + snippet.duration, text=text))
    return cues


def proxy_from_env(env: Mapping[str, str]) -> str | None:
    """The proxy URL for YouTube: PVD_YOUTUBE_PROXY, else the usual HTTPS_PROXY / HTTP_PROXY variables."""
    for name in PROXY_ENV_VARS:
        value = env.get(name, "").strip()
        if value:
            return value
    return None

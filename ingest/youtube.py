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

from ingest.errors import (CaptionsDisabledError, NoFrenchCaptionsError, TranscriptFetchError, VideoNotFoundError,
                           VideoUnplayableError, YouTubeBlockedError, YouTubeNetworkError, YouTubeUnexpectedError)
from ingest.models import Cue

FRENCH = ("fr", "fr-FR", "fr-CA")

#: Checked in this order; the first non-empty value is the proxy for YouTube.
PROXY_ENV_VARS = ("PVD_YOUTUBE_PROXY", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")

# A caption that is only a sound description: « [Musique] », « (Applaudissements) », « ♪ ».
_NON_SPEECH = re.compile(r"^(\[[^\]]*\]|\([^)]*\)|[♪♫\s]+)$")
_SPACES = re.compile(r"\s+")


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

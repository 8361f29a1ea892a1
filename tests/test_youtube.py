"""YouTubeFetcher through the real youtube-transcript-api, its HTTP served from recorded payloads.

The library gets a real ``requests.Session`` whose https:// transport is ``RecordedYouTube``: it answers
from tests/fixtures/youtube/ (see its README for where each payload comes from), records what it was
asked, and raises on any URL it was not told about, so no request ever reaches the network.
"""

from __future__ import annotations

import http
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ingest.errors import (
    CaptionsDisabledError,
    NoFrenchCaptionsError,
    TranscriptFetchError,
    VideoNotFoundError,
    VideoUnplayableError,
    YouTubeBlockedError,
    YouTubeNetworkError,
    YouTubeUnexpectedError,
)
from ingest.models import Cue
from ingest.youtube import YouTubeFetcher, proxy_from_env

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
WATCH = "https://www.youtube.com/watch"
PLAYER = "https://www.youtube.com/youtubei/v1/player"
TIMEDTEXT = "https://www.youtube.com/api/timedtext"
EXPORT_STEPS = "Sous-titres → ⋮ → Télécharger"
PROXY_VARS = ("PVD_YOUTUBE_PROXY", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
              "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy")


class UnexpectedRequest(Exception):
    """Not a requests exception on purpose: the code under test must not swallow it."""


@dataclass(frozen=True)
class Route:
    method: str
    url: str  # scheme, host and path
    fixture: str | None = None
    status: int = 200
    query: dict[str, str | None] = field(default_factory=dict)  # must match; None: must be absent
    error: Exception | None = None  # raised instead of answering

    def matches(self, method: str, url: str, query: dict[str, list[str]]) -> bool:
        return (
            method == self.method
            and url == self.url
            and all(query.get(k) == (None if v is None else [v]) for k, v in self.query.items())
        )


@dataclass(frozen=True)
class Sent:
    method: str
    url: str
    query: dict[str, list[str]]
    proxies: dict[str, str]


class RecordedYouTube(BaseAdapter):
    """A transport that replays fixtures for known URLs and records every request."""

    def __init__(self, *routes: Route) -> None:
        super().__init__()
        self.routes = routes
        self.sent: list[Sent] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # noqa: ANN001
        parts = urlsplit(request.url)
        url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        query = parse_qs(parts.query)
        self.sent.append(Sent(request.method, url, query, dict(proxies or {})))
        route = next((r for r in self.routes if r.matches(request.method, url, query)), None)
        if route is None:
            raise UnexpectedRequest(f"no recorded answer for {request.method} {request.url}")
        if route.error is not None:
            raise route.error
        response = requests.Response()
        response.status_code = route.status
        response.reason = http.HTTPStatus(route.status).phrase
        response._content = (FIXTURES / route.fixture).read_bytes() if route.fixture else b""
        response.encoding = "utf-8"
        response.headers = CaseInsensitiveDict({"Content-Type": _content_type(route.fixture)})
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


def _content_type(fixture: str | None) -> str:
    suffix = Path(fixture or "").suffix
    return {".json": "application/json", ".xml": "text/xml", ".html": "text/html"}.get(suffix, "text/plain")


def watch(fixture: str = "watch_page.html", **kw) -> Route:  # noqa: ANN003
    return Route("GET", WATCH, fixture, **kw)


def player(fixture: str, **kw) -> Route:  # noqa: ANN003
    return Route("POST", PLAYER, fixture, **kw)


def timedtext(fixture: str | None, *, lang: str, kind: str | None = None, tlang: str | None = None,
              **kw) -> Route:  # noqa: ANN003
    return Route("GET", TIMEDTEXT, fixture, query={"lang": lang, "kind": kind, "tlang": tlang}, **kw)


def youtube_serving(*routes: Route) -> tuple[requests.Session, RecordedYouTube]:
    session = requests.Session()
    adapter = RecordedYouTube(*routes)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine running the tests may have proxy variables; requests would read them."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


def fetch_error(video_id: str, *routes: Route, proxy_url: str | None = None) -> TranscriptFetchError:
    session, _ = youtube_serving(*routes)
    with pytest.raises(TranscriptFetchError) as caught:
        YouTubeFetcher(http_client=session, proxy_url=proxy_url).fetch(video_id)
    return caught.value


FRENCH_SITE = (
    watch(),
    player("player_fr_manual_and_generated.json"),
    timedtext("transcript_fr_manual.xml", lang="fr"),
    timedtext("transcript_fr_generated.xml", lang="fr", kind="asr"),
)

MANUAL_CUES = [
    Cue(4.25, 8.0, "Bonjour à toutes et à tous, bienvenue au CAUE de l'Aisne."),
    Cue(8.0, 13.5, "Ce premier module porte sur la revitalisation des centres-bourgs."),
    Cue(14.5, 20.75, "Petites villes de demain accompagne les communes lauréates du département."),
]


# --- Choosing the captions --------------------------------------------------------------------------


def test_fetch__french_manual_captions_preferred_over_generated() -> None:
    session, adapter = youtube_serving(*FRENCH_SITE)

    cues = YouTubeFetcher(http_client=session).fetch("PvdS01aisne")

    assert cues == MANUAL_CUES
    captions = [s for s in adapter.sent if s.url == TIMEDTEXT]
    assert len(captions) == 1
    assert captions[0].query["lang"] == ["fr"] and "kind" not in captions[0].query
    assert [s.method + " " + s.url for s in adapter.sent] == [f"GET {WATCH}", f"POST {PLAYER}", f"GET {TIMEDTEXT}"]


def test_fetch__cues_keep_one_line_of_speech_without_music_tags() -> None:
    session, _ = youtube_serving(*FRENCH_SITE)

    cues = YouTubeFetcher(http_client=session).fetch("PvdS01aisne")

    texts = [c.text for c in cues]
    assert not any("\n" in t or "  " in t or t != t.strip() for t in texts)
    assert not any("Musique" in t or "Applaudissements" in t for t in texts)
    assert all(c.end > c.start for c in cues)


def test_fetch__generated_french_captions_used_when_no_manual_french() -> None:
    session, adapter = youtube_serving(
        watch(),
        player("player_fr_generated_only.json"),
        timedtext("transcript_fr_generated.xml", lang="fr", kind="asr"),
    )

    cues = YouTubeFetcher(http_client=session).fetch("PvdS02aisne")

    assert cues == [
        Cue(5.0, 9.25, "bonjour à tous on va commencer l'atelier"),
        Cue(7.25, 12.25, "sur les centres-bourgs et les commerces vacants"),
    ]
    assert adapter.sent[-1].query["kind"] == ["asr"]


def test_fetch__english_only_is_translated_to_french_by_youtube() -> None:
    session, adapter = youtube_serving(
        watch(),
        player("player_en_only_translatable.json"),
        timedtext("transcript_translated_fr.xml", lang="en", tlang="fr"),
    )

    cues = YouTubeFetcher(http_client=session).fetch("PvdS03aisne")

    assert cues == [
        Cue(1.0, 4.5, "Bienvenue pour cette visite de site."),
        Cue(4.5, 8.5, "Nous sommes devant l'ancienne halle du marché."),
    ]
    assert adapter.sent[-1].query["tlang"] == ["fr"]


def test_fetch__no_french_and_nothing_translatable_says_no_french_captions() -> None:
    error = fetch_error("PvdS04aisne", watch(), player("player_en_only_not_translatable.json"))

    assert isinstance(error, NoFrenchCaptionsError)
    assert "https://www.youtube.com/watch?v=PvdS04aisne" in error.cause
    assert "pas de sous-titres en français" in error.cause
    assert "en, de (automatiques)" in error.cause
    assert "Ajoutez des sous-titres français" in error.fix and "transcripts/" in error.fix


# --- Failures, one per way YouTube refuses ------------------------------------------------------------


def test_fetch__captions_disabled_says_to_enable_them_or_export() -> None:
    error = fetch_error("PvdS05aisne", watch(), player("player_transcripts_disabled.json"))

    assert isinstance(error, CaptionsDisabledError)
    assert error.video_id == "PvdS05aisne"
    assert "sous-titres sont désactivés" in error.cause and "PvdS05aisne" in error.cause
    assert "Activez les sous-titres" in error.fix
    assert EXPORT_STEPS in error.fix and "transcripts/" in error.fix and "cycle.toml" in error.fix


def test_fetch__unavailable_video_says_to_check_the_url_in_cycle_toml() -> None:
    error = fetch_error("PvdS06aisne", watch(), player("player_video_unavailable.json"))

    assert isinstance(error, VideoNotFoundError)
    assert "PvdS06aisne" in error.cause and "introuvable" in error.cause
    assert "cycle.toml" in error.fix and "youtube =" in error.fix


def test_fetch__url_given_as_video_id_says_to_check_cycle_toml() -> None:
    url = "https://www.youtube.com/watch?v=PvdS06aisne"
    error = fetch_error(url, watch(), player("player_video_unavailable.json"))

    assert isinstance(error, VideoNotFoundError)
    assert f"« {url} » n'est pas un identifiant" in error.cause
    assert "cycle.toml" in error.fix


def test_fetch__age_restricted_video_says_to_lift_the_restriction_or_export() -> None:
    error = fetch_error("PvdS07aisne", watch(), player("player_age_restricted.json"))

    assert isinstance(error, VideoUnplayableError)
    assert "limite d'âge" in error.cause and "PvdS07aisne" in error.cause
    assert "sans limite d'âge" in error.fix and EXPORT_STEPS in error.fix


def test_fetch__unplayable_video_gives_youtube_reason() -> None:
    error = fetch_error("PvdS08aisne", watch(), player("player_unplayable.json"))

    assert isinstance(error, VideoUnplayableError)
    assert "refuse de lire la vidéo" in error.cause and "Custom Reason" in error.cause
    assert "publique ou non répertoriée" in error.fix


def test_fetch__ip_blocked_says_to_use_proxy_or_export() -> None:
    error = fetch_error("PvdS09aisne", watch("watch_page_recaptcha.html"))

    assert isinstance(error, YouTubeBlockedError)
    assert "bloque les requêtes de ce serveur" in error.cause and "PvdS09aisne" in error.cause
    assert "cloud" in error.cause
    assert "PVD_YOUTUBE_PROXY" in error.fix and "résidentiel" in error.fix
    assert EXPORT_STEPS in error.fix and "transcripts/" in error.fix and "cycle.toml" in error.fix


def test_fetch__too_many_requests_on_captions_says_to_use_proxy_or_export() -> None:
    error = fetch_error(
        "PvdS01aisne",
        watch(),
        player("player_fr_manual_and_generated.json"),
        timedtext(None, lang="fr", status=429),
    )

    assert isinstance(error, YouTubeBlockedError)
    assert "PVD_YOUTUBE_PROXY" in error.fix and EXPORT_STEPS in error.fix


def test_fetch__bot_check_says_to_use_proxy_or_export() -> None:
    error = fetch_error("PvdS10aisne", watch(), player("player_request_blocked.json"))

    assert isinstance(error, YouTubeBlockedError)
    assert "PVD_YOUTUBE_PROXY" in error.fix and EXPORT_STEPS in error.fix


def test_fetch__blocked_despite_proxy_says_the_proxy_is_blocked_too_without_its_password() -> None:
    error = fetch_error(
        "PvdS10aisne",
        watch(),
        player("player_request_blocked.json"),
        proxy_url="http://caue:s3cret@proxy.example.net:3128",
    )

    assert isinstance(error, YouTubeBlockedError)
    assert "même à travers le proxy" in error.cause
    assert "résidentiel" in error.fix and EXPORT_STEPS in error.fix
    assert "s3cret" not in str(error)


def test_fetch__youtube_server_error_says_to_retry_later() -> None:
    error = fetch_error("PvdS11aisne", watch(), player(None, status=500))

    assert isinstance(error, YouTubeNetworkError)
    assert "HTTP 500" in error.cause and "PvdS11aisne" in error.cause
    assert "connexion Internet" in error.fix and "plus tard" in error.fix


def test_fetch__connection_error_says_to_check_the_network() -> None:
    refused = requests.ConnectionError("[Errno 111] Connection refused")
    error = fetch_error("PvdS12aisne", watch(error=refused))

    assert isinstance(error, YouTubeNetworkError)
    assert "Impossible de joindre YouTube" in error.cause and "PvdS12aisne" in error.cause
    assert "connexion Internet" in error.fix and "PVD_YOUTUBE_PROXY" in error.fix


def test_fetch__unreachable_proxy_says_to_check_the_proxy() -> None:
    refused = requests.exceptions.ProxyError("Unable to connect to proxy")
    error = fetch_error("PvdS12aisne", watch(error=refused), proxy_url="http://proxy.example.net:3128")

    assert isinstance(error, YouTubeNetworkError)
    assert "proxy configuré est injoignable" in error.cause and "PvdS12aisne" in error.cause
    assert "PVD_YOUTUBE_PROXY" in error.fix


def test_fetch__timeout_says_to_check_the_network() -> None:
    error = fetch_error("PvdS12aisne", watch(), player(None, error=requests.ReadTimeout("read timed out")))

    assert isinstance(error, YouTubeNetworkError)
    assert "pas répondu à temps" in error.cause
    assert "plus tard" in error.fix


def test_fetch__unreadable_captions_say_youtube_answer_is_unreadable() -> None:
    error = fetch_error(
        "PvdS01aisne",
        watch(),
        player("player_fr_manual_and_generated.json"),
        timedtext("transcript_truncated.xml", lang="fr"),
    )

    assert isinstance(error, YouTubeUnexpectedError)
    assert "illisible" in error.cause and "PvdS01aisne" in error.cause
    assert EXPORT_STEPS in error.fix


def test_fetch__html_instead_of_player_json_says_youtube_answer_is_unreadable() -> None:
    error = fetch_error("PvdS01aisne", watch(), player("watch_page.html"))

    assert isinstance(error, YouTubeUnexpectedError)
    assert "illisible" in error.cause


def test_fetch__changed_player_format_says_youtube_answer_is_unreadable() -> None:
    error = fetch_error("PvdS02aisne", watch(), player("player_captions_format_changed.json"))

    assert isinstance(error, YouTubeUnexpectedError)
    assert "illisible" in error.cause and "PvdS02aisne" in error.cause
    assert "mettez à jour youtube-transcript-api" in error.fix


def test_fetch__other_library_failure_gives_a_generic_french_error() -> None:
    # The cookie-consent page YouTube shows in the EU, in a form the library cannot answer.
    error = fetch_error("PvdS13aisne", watch("watch_page_consent_invalid.html"))

    assert isinstance(error, YouTubeUnexpectedError)
    assert "n'a pas pu être récupérée" in error.cause and "PvdS13aisne" in error.cause
    assert "FailedToCreateConsentCookie" in error.cause
    assert "Relancez « pvd ingest » plus tard" in error.fix and EXPORT_STEPS in error.fix
    assert isinstance(error.__cause__, Exception)  # the library's error stays attached for the logs


def test_fetch__unexpected_url_is_never_sent_to_the_network() -> None:
    session, _ = youtube_serving(player("player_fr_manual_and_generated.json"))  # no watch page known

    with pytest.raises(UnexpectedRequest):
        YouTubeFetcher(http_client=session).fetch("PvdS01aisne")


# --- Proxy ----------------------------------------------------------------------------------------------


def test_fetch__proxy_url_carries_every_request() -> None:
    proxy = "http://caue:s3cret@proxy.example.net:3128"
    session, adapter = youtube_serving(*FRENCH_SITE)

    cues = YouTubeFetcher(http_client=session, proxy_url=proxy).fetch("PvdS01aisne")

    assert cues == MANUAL_CUES
    assert session.proxies == {"http": proxy, "https": proxy}  # set by the library from its proxy config
    assert adapter.sent and all(s.proxies.get("https") == proxy for s in adapter.sent)


def test_fetch__proxy_url_wins_over_the_machine_https_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://corporate.example.net:8080")
    proxy = "http://residential.example.net:3128"
    session, adapter = youtube_serving(*FRENCH_SITE)

    YouTubeFetcher(http_client=session, proxy_url=proxy).fetch("PvdS01aisne")

    assert {s.proxies.get("https") for s in adapter.sent} == {proxy}


def test_fetch__without_proxy_requests_go_direct() -> None:
    session, adapter = youtube_serving(*FRENCH_SITE)

    YouTubeFetcher(http_client=session).fetch("PvdS01aisne")

    assert session.proxies == {}
    assert all(not s.proxies.get("https") for s in adapter.sent)


def test_proxy_from_env__pvd_variable_first() -> None:
    env = {"PVD_YOUTUBE_PROXY": "http://residential:3128", "HTTPS_PROXY": "http://corporate:8080"}
    assert proxy_from_env(env) == "http://residential:3128"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HTTPS_PROXY": "http://a:1", "https_proxy": "http://b:2", "HTTP_PROXY": "http://c:3"}, "http://a:1"),
        ({"https_proxy": "http://b:2", "HTTP_PROXY": "http://c:3"}, "http://b:2"),
        ({"HTTP_PROXY": "http://c:3", "http_proxy": "http://d:4"}, "http://c:3"),
        ({"http_proxy": "http://d:4"}, "http://d:4"),
        ({"PVD_YOUTUBE_PROXY": "  ", "http_proxy": "http://d:4"}, "http://d:4"),
        ({"NO_PROXY": "localhost"}, None),
        ({}, None),
    ],
)
def test_proxy_from_env__falls_back_on_the_usual_variables(env: dict[str, str], expected: str | None) -> None:
    assert proxy_from_env(env) == expected


def test_default_session__a_stalled_server_times_out_instead_of_freezing_the_reindex(monkeypatch):
    import socket

    import ingest.youtube as youtube

    monkeypatch.setattr(youtube, "REQUEST_TIMEOUT_SECONDS", 0.3)
    with socket.socket() as server:  # accepts the connection, never answers
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with pytest.raises(requests.exceptions.Timeout):
            youtube.default_session().get(f"http://127.0.0.1:{port}/watch")

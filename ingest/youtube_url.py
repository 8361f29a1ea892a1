"""YouTube video ids and replay links: the one place where watch URLs are parsed and built."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com",
          "www.youtube-nocookie.com", "youtu.be", "www.youtu.be"}
_PATH_PREFIXES = ("/shorts/", "/embed/", "/live/", "/v/", "/e/")

#: How many seconds before a passage a replay link starts, so the listener hears the sentence begin.
LINK_LEAD_SECONDS = 3.0


def parse_video_id(value: str) -> str | None:
    """Return the 11-character video id of a YouTube URL or bare id, or None if it is not one.

    Accepts watch, youtu.be, shorts, embed and live URLs, with or without scheme and extra parameters.
    """
    value = value.strip()
    if _ID.match(value):
        return value
    try:
        url = urlparse(value if "://" in value else f"https://{value}")
        host = (url.hostname or "").lower()
    except ValueError:  # « Invalid IPv6 URL » for an unbalanced « [ », and the like: not a YouTube link
        return None
    if host not in _HOSTS:
        return None
    candidate: str | None = None
    if host.endswith("youtu.be"):
        candidate = url.path.strip("/").split("/")[0]
    elif url.path in ("/watch", "/watch/"):
        candidate = (parse_qs(url.query).get("v") or [""])[0]
    else:
        for prefix in _PATH_PREFIXES:
            if url.path.startswith(prefix):
                candidate = url.path[len(prefix):].split("/")[0]
                break
    return candidate if candidate and _ID.match(candidate) else None


def watch_url(video_id: str, seconds: float | None = None) -> str:
    """A link that opens the replay at ``seconds`` (minus a short lead-in), or at the start."""
    url = f"https://www.youtube.com/watch?v={video_id}"
    if seconds is None:
        return url
    return f"{url}&t={max(0, int(seconds - LINK_LEAD_SECONDS))}s"


def timestamp_label(seconds: float) -> str:
    """« 12:34 » or « 1:02:03 », as YouTube shows times."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

"""YouTube links as staff paste them into cycle.toml, and the replay links answers give back."""

from __future__ import annotations

import pytest

from ingest.youtube_url import parse_video_id, timestamp_label, watch_url

VIDEO = "pVd0S01aisn"


@pytest.mark.parametrize("value", [
    VIDEO,
    f"  {VIDEO}  ",
    f"https://www.youtube.com/watch?v={VIDEO}",
    f"https://www.youtube.com/watch?v={VIDEO}&list=PLcaue02&index=3&t=42s",
    f"https://www.youtube.com/watch?feature=share&v={VIDEO}",
    f"http://youtube.com/watch?v={VIDEO}",
    f"www.youtube.com/watch?v={VIDEO}",
    f"https://m.youtube.com/watch?v={VIDEO}",
    f"https://youtu.be/{VIDEO}",
    f"https://youtu.be/{VIDEO}?si=AbCdEfGh&t=12",
    f"https://www.youtube.com/shorts/{VIDEO}",
    f"https://youtube.com/shorts/{VIDEO}?feature=share",
    f"https://www.youtube.com/embed/{VIDEO}?start=30",
    f"https://www.youtube-nocookie.com/embed/{VIDEO}",
    f"https://www.youtube.com/live/{VIDEO}?si=x",
])
def test_parse_video_id__usual_url_forms_and_bare_id(value: str):
    assert parse_video_id(value) == VIDEO


@pytest.mark.parametrize("value", [
    "https://vimeo.com/123456789",
    "https://vimeo.com/pVd0S01aisn",
    "pVd0S01ais",                                   # 10 characters
    "pVd0S01aisnX",                                 # 12 characters
    "https://youtu.be/pVd0S01ais",
    "https://www.youtube.com/watch?v=pVd0S01ais",
    "https://www.youtube.com/watch?list=PLcaue02",  # a playlist, no video
    "https://www.youtube.com/@caue02",              # the channel
    "https://www.youtube.evil.com/watch?v=pVd0S01aisn",
    "voir la chaîne du CAUE",
    "pVd0S01ais!",
    "",
])
def test_parse_video_id__other_sites_wrong_lengths_and_text_rejected(value: str):
    assert parse_video_id(value) is None


def test_watch_url__starts_a_few_seconds_before_the_passage():
    assert watch_url(VIDEO) == f"https://www.youtube.com/watch?v={VIDEO}"
    assert watch_url(VIDEO, 612.4) == f"https://www.youtube.com/watch?v={VIDEO}&t=609s"
    assert watch_url(VIDEO, 1.0) == f"https://www.youtube.com/watch?v={VIDEO}&t=0s"


def test_timestamp_label__as_youtube_shows_times():
    assert timestamp_label(754) == "12:34"
    assert timestamp_label(3723.9) == "1:02:03"
    assert timestamp_label(5) == "0:05"

"""Caption files of the replays: WebVTT (with YouTube's auto captions), SRT, SBV, youtube-transcript-api
JSON and the text of YouTube's transcript panel, all read into clean, sorted cues."""

from ._common import FORMAT_LABELS, clean_text, tidy_cues
from ._json import dump_json
from ._read import FORMATS, detect_format, parse_caption_bytes, parse_captions, read_caption_file

__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
    "clean_text",
    "detect_format",
    "dump_json",
    "parse_caption_bytes",
    "parse_captions",
    "read_caption_file",
    "tidy_cues",
]

"""The README's usage block is the commands' own: an option added without `make docs` fails here."""

from __future__ import annotations

from pathlib import Path

from bot.cli import main
from bot.usage import usage_block

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_usage_block__is_what_the_commands_say():
    assert usage_block(main) in README.read_text(encoding="utf-8"), "README : lancez « make docs »"


def test_usage_block__lists_every_command_with_its_options_in_french():
    block = usage_block(main)
    for line in ("pvd ask QUESTION", "pvd ingest", "[--corpus ", "[--json]", "pvd eval QUESTIONS", "[--calibrer]"):
        assert line in block
    assert "Mesurer la qualité" in block

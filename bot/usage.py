"""The `pvd` usage block of the README, generated from the commands themselves so that it cannot drift.

    python -m bot.usage README.md      rewrite the block between the markers (`make docs`)

A test compares the README with ``usage_block()``: a new option without its README line fails there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

BEGIN = "<!-- usage: généré par `make docs` depuis les commandes elles-mêmes ; ne pas modifier à la main -->"
END = "<!-- fin de usage -->"


def usage_block(group: click.Group) -> str:
    """One line per command: its arguments and options, then its one-line help."""
    lines = []
    ctx = click.Context(group, info_name="pvd")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        words = [f"pvd {name}"]
        for param in command.params:
            if isinstance(param, click.Argument):
                words.append(param.make_metavar(ctx).upper())
            elif isinstance(param, click.Option) and not param.hidden and "--help" not in param.opts:
                flag = max(param.opts, key=len)
                words.append(f"[{flag}]" if param.is_flag else f"[{flag} {param.make_metavar(ctx).strip('[]')}]")
        lines.append(f"{' '.join(words)}\n    {command.get_short_help_str(limit=100)}")
    return "\n".join([BEGIN, "```", *lines, "```", END])


def rewrite(readme: Path, group: click.Group) -> bool:
    """Put the current block in ``readme``; True if it changed."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    updated = text[:start] + usage_block(group) + text[end:]
    readme.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":
    from bot.cli import main

    print("README mis à jour." if rewrite(Path(sys.argv[1]), main) else "README déjà à jour.")

"""tomllib's syntax errors, read in French for the staff who edit cycle.toml by hand."""

from __future__ import annotations

import re

_TOML_MESSAGES = (
    (r"^Invalid date or datetime", "date invalide"),
    (r"^Invalid value", "valeur illisible"),
    (r"^Unterminated string", "guillemet ouvrant sans guillemet fermant"),
    (r"^Unclosed array", "crochet [ sans crochet ] fermant"),
    (r"^Unclosed inline table", "accolade { sans accolade } fermante"),
    (r"^Unescaped '\\' in a string", "barre oblique inverse \\ dans un texte"),
    (r"^Expected ']]'", "il manque ]] pour fermer [[…]]"),
    (r"^Expected ']'", "il manque ] pour fermer […]"),
    (r"^Expected '=' after a key", "il manque le signe = après le nom du champ"),
    (r"^Expected newline or end of document", "texte en trop après la valeur"),
    (r"^Cannot (?:declare|overwrite|redefine|mutate)", "champ ou table déclaré deux fois"),
    (r"^(?:Invalid statement|Invalid initial character)", "ligne qui n'est ni « champ = valeur », ni [table]"),
    (r"^(?:Illegal|Found invalid) character", "caractère interdit"),
)


def syntax_problem(message: str, lines: list[str]) -> str:
    """A French reading of tomllib's message, with a hint about the usual mistakes on that line."""
    position = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line_no = int(position.group(1)) if position else None
    detail = re.sub(r"\s*\(at .*\)$", "", message)
    french = next((fr for pattern, fr in _TOML_MESSAGES if re.search(pattern, detail)), f"syntaxe ({detail})")
    where = f"ligne {line_no}, colonne {position.group(2)}" if position else "fin du fichier"
    text = lines[line_no - 1].strip() if line_no and line_no <= len(lines) else ""
    shown = f" : « {text} »" if text else ""
    if re.match(r"^date\s*=", text):
        hint = ("écrivez la date au format AAAA-MM-JJ sans guillemets, avec un mois et un jour qui existent : "
                "date = 2021-06-24.")
    elif "\\" in text:
        hint = "dans les chemins, utilisez des barres obliques / (fiches/programme.pdf), pas \\."
    elif re.search(r"[«»“”]", text) and "valeur" in french:
        hint = 'entourez les textes de guillemets droits "…", pas de « … » ni “…”.'
    elif french == "valeur illisible":
        hint = 'mettez les textes entre guillemets droits, par exemple title = "Lancement du cycle".'
    elif "deux fois" in french:
        hint = "chaque session commence par sa propre ligne [[session]] ; un champ n'apparaît qu'une fois par session."
    else:
        hint = "corrigez la syntaxe de cette ligne (exemple complet : examples/demo/cycle.toml)."
    return f"erreur de syntaxe TOML ({french}), {where}{shown}. Correction : {hint}"

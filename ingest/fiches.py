"""Reading the cycle's documents (« fiches »): .txt, .md, .pdf and .docx files into ``Fiche`` records.

The readers are the I/O edge; the structure (CAUE form, headings) comes from the pure functions of
``fiche_form``. Whatever a library raises on a damaged file is turned into a ``FicheError`` in French:
the caller reports it as a warning and carries on with the other documents.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path, PurePosixPath

from ingest.corpus_paths import FICHES_DIR, OutsideCorpus, inside, scanned_files
from ingest.encodings import UTF16_BOMS, decode_text
from ingest.errors import (CorruptFicheError, EmptyFicheError, FicheError, FicheNotFoundError, OutsideCorpusFicheError,
                           OversizedFicheError, ProtectedFicheError, ScannedPdfError, UnsupportedFicheError)
from ingest.fiche_form import Structure, parse_blocks, parse_form, parse_markdown, parse_plain
from ingest.fiche_text import cut_internal, normalise_chars
from ingest.models import Cycle, Fiche, FicheSection
from ingest.safe_text import strip_controls

SUPPORTED_EXTENSIONS = (".txt", ".md", ".pdf", ".docx")
#: Longest title or section heading kept (every passage repeats its heading to the encoder).
MAX_HEADING_CHARS = 200
#: Largest files read: far above any real fiche, low enough that reading one stays bounded.
MAX_FILE_BYTES = {".txt": 32 << 20, ".md": 32 << 20, ".pdf": 256 << 20, ".docx": 256 << 20}
#: Most a .docx may inflate to, by its own declared sizes (checked before anything is decompressed).
MAX_DOCX_INFLATED_BYTES = 256 << 20
MAX_DOCX_PARTS = 5000

logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported as FicheError, not log noise


# --- decoding -------------------------------------------------------------------------------------------

def read_text_bytes(data: bytes, document: str) -> str:
    """The text of a .txt/.md fiche (see ingest.encodings), or a CorruptFicheError saying why not."""
    utf16 = data.startswith(UTF16_BOMS)
    if b"\x00" in data and not utf16:
        raise CorruptFicheError(document, "ce n'est pas un fichier texte (contenu binaire)")
    text = decode_text(data)
    if text is None:
        raise CorruptFicheError(document, "texte UTF-16 mal formé" if utf16
                                else "encodage de caractères non reconnu (ni UTF-8 ni Windows-1252)")
    return text


# --- readers: each returns the document's structure ---------------------------------------------------------

def _structure(text: str, document: str, fallback: Structure | None = None) -> Structure:
    """The CAUE form if the text is one, else ``fallback`` or headings found in plain text."""
    text = cut_internal(normalise_chars(text))
    if not text.strip():
        raise EmptyFicheError(document)
    return parse_form(text) or fallback or parse_plain(text)


def _read_text(path: Path, document: str) -> Structure:
    data = path.read_bytes()
    if not data.strip():
        raise EmptyFicheError(document, f"Le fichier « {document} » est vide.")
    text = read_text_bytes(data, document)
    if path.suffix.lower() == ".md":
        cleaned = cut_internal(normalise_chars(text))
        if not cleaned.strip():
            raise EmptyFicheError(document)
        return parse_form(cleaned) or parse_markdown(cleaned)
    return _structure(text, document)


def _read_pdf(path: Path, document: str) -> Structure:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, EmptyFileError, FileNotDecryptedError

    if path.stat().st_size == 0:
        raise EmptyFicheError(
            document, f"Le PDF « {document} » est vide (0 octet).",
            "La copie ou le téléchargement du fichier a sans doute échoué : déposez-le à nouveau.",
        )
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ProtectedFicheError(document)
        pages = [page.extract_text() or "" for page in reader.pages]
    except FicheError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:  # DependencyError: AES without `cryptography`
        raise ProtectedFicheError(document) from exc
    except EmptyFileError as exc:
        raise EmptyFicheError(document, f"Le PDF « {document} » est vide (0 octet).") from exc
    except Exception as exc:  # pypdf raises many types on damaged files; none may reach the user raw
        raise CorruptFicheError(document, "PDF endommagé ou incomplet", exc) from exc
    text = "\n\n".join(pages)
    if not text.strip():
        raise ScannedPdfError(document)
    return _structure(text, document)


def _docx_blocks(path: Path, document: str) -> list[tuple[str | None, str]]:
    """(heading, None) for paragraphs in a heading style, (None, text) for paragraphs and table rows."""
    import docx
    from docx.table import Table

    _check_docx_sizes(path, document)
    try:
        doc = docx.Document(str(path))
        blocks: list[tuple[str | None, str]] = []
        for item in doc.iter_inner_content():
            if isinstance(item, Table):
                rows = []
                for row in item.rows:
                    cells: list[str] = []
                    for cell in row.cells:  # merged cells come back once per grid column
                        text = cell.text.strip()
                        if text and (not cells or cells[-1] != text):
                            cells.append(text)
                    if cells:
                        rows.append(" | ".join(" ".join(c.split()) for c in cells))
                blocks.append((None, "\n".join(rows)))
                continue
            style = (item.style.name if item.style is not None else "") or ""
            text = item.text.strip()
            if text and _is_heading_style(style):
                blocks.append((text, ""))
            elif text:
                blocks.append((None, text))
        return blocks
    except Exception as exc:  # zipfile, lxml, KeyError on missing parts...
        raise CorruptFicheError(document, "document Word endommagé ou qui n'est pas un vrai .docx", exc) from exc


def _check_docx_sizes(path: Path, document: str) -> None:
    """Refuse a .docx whose parts would inflate beyond a bound, from the sizes its zip directory declares.

    zipfile never inflates a member past its declared size (the CRC check fails first), so the declared
    sizes bound the memory python-docx will use.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFicheError(document, "document Word endommagé ou qui n'est pas un vrai .docx", exc) from exc
    inflated = sum(part.file_size for part in parts)
    if len(parts) > MAX_DOCX_PARTS or inflated > MAX_DOCX_INFLATED_BYTES:
        raise OversizedFicheError(
            document, f"une fois décompressé, le document ferait {_size(inflated)} en {len(parts)} parties "
                      f"(au plus {_size(MAX_DOCX_INFLATED_BYTES)} et {MAX_DOCX_PARTS} parties sont lues)")


def _size(count: int) -> str:
    """« 2,1 Go », « 256 Mo »: sizes as a French reader writes them."""
    for unit, scale in (("Go", 1 << 30), ("Mo", 1 << 20), ("ko", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}".replace(".", ",").replace(",0 ", " ")
    return f"{count} octets"


def _is_heading_style(style: str) -> bool:
    name = style.lower()
    return name in ("title", "titre") or name.startswith(("heading", "titre "))


def _read_docx(path: Path, document: str) -> Structure:
    if path.stat().st_size == 0:
        raise EmptyFicheError(document, f"Le document Word « {document} » est vide (0 octet).")
    blocks = _docx_blocks(path, document)
    text = "\n\n".join(heading or body for heading, body in blocks)
    # Word fiches are often the CAUE form itself: the same labels, one per paragraph or table row.
    return _structure(text, document, fallback=parse_blocks(_cut_blocks(blocks)))


def _cut_blocks(blocks: list[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    """The blocks before the internal part (see ``cut_internal``)."""
    kept: list[tuple[str | None, str]] = []
    for heading, body in blocks:
        text = normalise_chars(heading or body)
        cut = cut_internal(text)
        if cut != text:
            if cut.strip():
                kept.append((cut, "") if heading else (None, cut))
            break
        kept.append((heading, body))
    return kept


# --- public ------------------------------------------------------------------------------------------------

def read_fiche(corpus_root: Path, document: str, session_id: str | None = None) -> Fiche:
    """Read ``document`` (a path relative to ``corpus_root``) into a Fiche; raise a FicheError in French.

    A path that leads out of the corpus (``..``, a symbolic link) is refused and never opened.
    """
    document = PurePosixPath(document.replace("\\", "/")).as_posix()
    suffix = PurePosixPath(document).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFicheError(document)
    try:
        path = inside(corpus_root, document)
    except OutsideCorpus as refused:
        raise OutsideCorpusFicheError(document, refused.reason) from None
    if not path.is_file():
        raise FicheNotFoundError(document, corpus_root)
    try:
        if path.stat().st_size > MAX_FILE_BYTES[suffix]:
            raise OversizedFicheError(document, f"le fichier pèse {_size(path.stat().st_size)} (au plus "
                                                f"{_size(MAX_FILE_BYTES[suffix])} pour un {suffix})")
        if suffix == ".pdf":
            structure = _read_pdf(path, document)
        elif suffix == ".docx":
            structure = _read_docx(path, document)
        else:
            structure = _read_text(path, document)
    except OSError as exc:
        raise CorruptFicheError(document, "le fichier ne peut pas être lu", exc) from exc
    return _fiche(structure, document, session_id)


def _fiche(structure: Structure, document: str, session_id: str | None) -> Fiche:
    """The Fiche of a structure: no control characters anywhere (see safe_text), headings of bounded length."""
    sections = tuple((_heading(s.heading), strip_controls(s.text)) for s in structure.sections)
    sections = tuple((heading, text) for heading, text in sections if text.strip())
    fields = {_heading(label): strip_controls(value) for label, value in structure.fields.items()}
    if not sections and not fields:
        raise EmptyFicheError(document)
    title = _heading(structure.title or "") or _heading(_title_from_name(document))
    return Fiche(document=document, title=title, fields=fields,
                 sections=tuple(FicheSection(heading or title, text) for heading, text in sections),
                 session_id=session_id)


def _heading(text: str) -> str:
    text = " ".join(strip_controls(text).split())
    return text if len(text) <= MAX_HEADING_CHARS else text[: MAX_HEADING_CHARS - 1].rstrip() + "…"


def _title_from_name(document: str) -> str:
    return " ".join(PurePosixPath(document).stem.replace("_", " ").replace("-", " ").split()) or document


def _is_candidate(document: str) -> bool:
    # Skip hidden files and the « ~$fiche.docx » lock files Word leaves while a document is open.
    parts = PurePosixPath(document).parts
    return (PurePosixPath(document).suffix.lower() in SUPPORTED_EXTENSIONS
            and not any(part.startswith(".") for part in parts) and not parts[-1].startswith("~$"))


def discover_fiches(cycle: Cycle) -> list[tuple[str, str | None]]:
    """Every document to index, with the session it is attached to (None: the whole cycle), sorted by path.

    All supported files under ``fiches/``, plus the files sessions attach from elsewhere in the corpus, each
    in its canonical spelling (see corpus_paths): a file reached by two paths is one document, and a link
    leading out of the corpus is never listed. A document attached to several sessions is given to the
    first one in the catalogue.
    """
    attached: dict[str, str] = {}
    for session in cycle.sessions:
        for document in session.fiches:
            attached.setdefault(PurePosixPath(document).as_posix(), session.id)
    found = {document for path, document in scanned_files(cycle.root)[0].items()
             if path.startswith(f"{FICHES_DIR}/") and _is_candidate(path) and _is_candidate(document)}
    found.update(attached)
    return [(document, attached.get(document)) for document in sorted(found)]

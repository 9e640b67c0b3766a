"""Documents from `.pdf .docx .html .md .txt` files or folders (recursive).

Every parser returns a title and the text with `## ` section headings, so chunking works the same
for every format. Document id = path relative to the folder, without extension.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits, LimitExceeded, TimeBudget, strip_control_chars
from knowledge.ingest.records import DocumentRecord, LoadResult, Problem

log = logging.getLogger(__name__)

SUPPORTED = (".pdf", ".docx", ".html", ".htm", ".md", ".txt")


class DocumentParseError(ValueError):
    """A file that cannot be turned into text (corrupt, encrypted, empty)."""


def _title_from_filename(path: Path) -> str:
    stem = re.sub(r"^[A-Za-z]?\d+[-_ ]+", "", path.stem)
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or path.stem


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_markdown(text: str) -> tuple[str | None, str]:
    """Title from the first `# ` heading; `##`+ headings become sections."""
    title = None
    lines = []
    for line in text.splitlines():
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            level, content = len(heading.group(1)), heading.group(2).strip()
            if level == 1 and title is None:
                title = content
                continue
            lines.append(f"## {content}")
        else:
            lines.append(line)
    return title, "\n".join(lines).strip()


def parse_text(text: str) -> tuple[str | None, str]:
    """Plain text: the first non-empty line is the title."""
    lines = text.strip().splitlines()
    if not lines:
        return None, ""
    return lines[0].strip().lstrip("#").strip(), "\n".join(lines[1:]).strip()


_DROPPED_TAGS = ["script", "style", "nav", "header", "footer", "noscript", "form", "iframe"]
_HEADINGS = {"h2", "h3", "h4"}
_BLOCKS = {"p", "li", "br", "div", "tr", "section", "article"}


def _block_text(root: object) -> str:
    """The text below ``root`` with a newline after every block and ``## `` headings.

    One pass with an explicit stack: linear in the size of the tree and without recursion, so
    neither deeply nested nor very long pages take quadratic time (bs4's insert_after did).
    """
    from bs4 import CData, NavigableString, Tag

    out: list[str] = []
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            out.append("\n")
        elif isinstance(node, Tag):
            if node.name in _HEADINGS:
                out.append(f"\n\n## {node.get_text(' ', strip=True)}\n\n")
                continue
            if node.name in _BLOCKS:
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) is NavigableString or isinstance(node, CData):
            out.append(str(node))
    return "".join(out)


def html_to_text(html: str, limits: IngestLimits = DEFAULT_LIMITS) -> tuple[str | None, str]:
    """Title from `<title>`/`<h1>`; `<h2>`–`<h4>` become sections; scripts and navigation dropped."""
    from bs4 import BeautifulSoup

    tags = limits.count_tags(html.encode("utf-8", "ignore"))
    if tags > limits.max_elements:
        raise LimitExceeded(f"{tags} HTML elements (limit {limits.max_elements})")
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROPPED_TAGS):
        tag.decompose()
    title = None
    if soup.title and soup.title.get_text(strip=True):
        title = soup.title.get_text(" ", strip=True)
    h1 = soup.find("h1")
    if h1 is not None:
        title = title or h1.get_text(" ", strip=True)
        h1.decompose()
    if soup.title is not None:
        soup.title.decompose()
    body = soup.body or soup
    text = _block_text(body)
    text = re.sub(r"[ \t\xa0]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return title, text.strip()


def _check_zip(path: Path, limits: IngestLimits) -> None:
    """A DOCX is a zip: refuse archives that unpack to more than the limit (zip bombs)."""
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        if len(entries) > limits.max_elements:
            raise LimitExceeded(f"{len(entries)} entries in the DOCX archive (limit {limits.max_elements})")
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > limits.max_unpacked_bytes:
            raise LimitExceeded(f"DOCX unpacks to {unpacked} bytes (limit {limits.max_unpacked_bytes})")


def parse_docx(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> tuple[str | None, str]:
    import docx

    _check_zip(path, limits)
    document = docx.Document(str(path))
    title = (document.core_properties.title or "").strip() or None
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
        if style == "title" or (style == "heading 1" and title is None):
            title = title or text
            if style == "title" or text == title:
                continue
        if style.startswith("heading"):
            lines.append(f"\n## {text}")
        else:
            lines.append(text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return title, "\n".join(lines).strip()


@contextlib.contextmanager
def _pdf_warnings_named(path: Path) -> Iterator[None]:
    """pypdf's warnings of this file are logged once, with the file name (not anonymously)."""
    collected: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if len(collected) < 20:
                collected.append(record.getMessage())

    pypdf_log = logging.getLogger("pypdf")
    handler, propagate = _Collect(logging.WARNING), pypdf_log.propagate
    pypdf_log.addHandler(handler)
    pypdf_log.propagate = False
    try:
        yield
    finally:
        pypdf_log.removeHandler(handler)
        pypdf_log.propagate = propagate
        if collected:
            log.warning("%s: PDF warnings: %s", path, "; ".join(dict.fromkeys(collected)))


def parse_pdf(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> tuple[str | None, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    budget = TimeBudget(limits.time_budget_s, "PDF text extraction")
    try:
        with _pdf_warnings_named(path):
            return _pdf_text(PdfReader(str(path)), limits, budget)
    except (DocumentParseError, LimitExceeded):
        raise
    except PdfReadError as exc:
        raise DocumentParseError(f"corrupt PDF ({exc.__class__.__name__}: {exc})") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise DocumentParseError(f"corrupt PDF ({exc.__class__.__name__}: {exc})") from exc


def _pdf_text(reader: object, limits: IngestLimits, budget: TimeBudget) -> tuple[str | None, str]:
    from pypdf.errors import PdfReadError

    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise DocumentParseError("encrypted PDF (password required)")
        except (NotImplementedError, PdfReadError) as exc:
            raise DocumentParseError(f"encrypted PDF ({exc})") from exc
    title = None
    metadata = reader.metadata
    if metadata is not None and metadata.title and str(metadata.title).strip():
        title = str(metadata.title).strip()
    if len(reader.pages) > limits.max_elements:
        raise LimitExceeded(f"{len(reader.pages)} PDF pages (limit {limits.max_elements})")
    pages, size = [], 0
    for number, page in enumerate(reader.pages, start=1):
        budget.check()
        page_text = (page.extract_text() or "").strip()
        if page_text:
            pages.append(f"## Seite {number}\n{page_text}")
            size += len(page_text)
            if size > limits.max_document_chars:
                raise LimitExceeded(f"more than {limits.max_document_chars} characters of text")
    return title, "\n\n".join(pages)


def parse_document(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> tuple[str, str]:
    """(title, text) of one file; raises DocumentParseError for unusable files and broken limits."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentParseError(f"unsupported file type '{suffix or path.name}' (expected {', '.join(SUPPORTED)})")
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise DocumentParseError(f"file larger than {limits.max_file_bytes} bytes ({size})")
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentParseError(f"cannot read file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise DocumentParseError("empty file")
    try:
        if suffix == ".pdf":
            title, text = parse_pdf(path, limits)
        elif suffix == ".docx":
            try:
                title, text = parse_docx(path, limits)
            except LimitExceeded:
                raise
            except Exception as exc:  # noqa: BLE001 - zip/xml errors of broken files
                raise DocumentParseError(f"corrupt DOCX ({exc.__class__.__name__}: {exc})") from exc
        elif suffix in (".html", ".htm"):
            title, text = html_to_text(_decode(raw), limits)
        elif suffix == ".md":
            title, text = parse_markdown(_decode(raw))
        else:
            title, text = parse_text(_decode(raw))
    except LimitExceeded as exc:
        raise DocumentParseError(f"skipped, limit exceeded: {exc}") from exc
    text = strip_control_chars(text)
    if len(text) > limits.max_document_chars:
        raise DocumentParseError(f"skipped, limit exceeded: {len(text)} characters of text "
                                 f"(limit {limits.max_document_chars})")
    if not text.strip():
        raise DocumentParseError("no text could be extracted")
    title = strip_control_chars(title or "")[:500].strip()
    return (title or _title_from_filename(path)), text


def document_id(path: Path, root: Path | None) -> str:
    relative = path.relative_to(root) if root is not None else Path(path.name)
    return relative.with_suffix("").as_posix()


def _folder_files(root: Path, result: LoadResult) -> list[Path]:
    """Regular files below ``root`` (hidden ones skipped); symbolic links are reported, never followed.

    A link could point anywhere (``/etc/passwd``, the ``.env`` with the bot token, the pseudonym
    key): its target would be ingested, copied and sent to any user who asks.
    """
    resolved_root = root.resolve()
    files = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                result.problems.append(Problem(str(here / name), None, "symbolic link to a folder skipped"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(names):
            if name.startswith("."):
                continue
            candidate = here / name
            if candidate.is_symlink():
                target = "dangling " if not candidate.exists() else ""
                result.problems.append(Problem(str(candidate), None, f"{target}symbolic link skipped"))
                continue
            if not candidate.is_file() or not candidate.resolve().is_relative_to(resolved_root):
                result.problems.append(Problem(str(candidate), None, "not a regular file inside the folder; skipped"))
                continue
            files.append(candidate)
    return sorted(files)


def load_documents(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> LoadResult[DocumentRecord]:
    """Load one file or every supported file below a folder; bad files become problems."""
    path = Path(path)
    result: LoadResult[DocumentRecord] = LoadResult()
    if not path.exists():
        result.problems.append(Problem(str(path), None, "file or folder not found"))
        return result
    if path.is_dir():
        root: Path | None = path
        files = _folder_files(path, result)
    else:
        root, files = None, [path]
    for file in files:
        try:
            title, text = parse_document(file, limits)
        except DocumentParseError as exc:
            result.problems.append(Problem(str(file), None, str(exc)))
            continue
        result.records.append(DocumentRecord(id=document_id(file, root), title=title, text=text, path=file))
    return result

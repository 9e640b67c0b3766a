"""Documents from `.pdf .docx .html .md .txt` files or folders (recursive).

Every parser returns a title and the text with `## ` section headings, so chunking works the same
for every format. Document id = path relative to the folder, without extension.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

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


def html_to_text(html: str) -> tuple[str | None, str]:
    """Title from `<title>`/`<h1>`; `<h2>`–`<h4>` become sections; scripts and navigation dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form", "iframe"]):
        tag.decompose()
    title = None
    if soup.title and soup.title.get_text(strip=True):
        title = soup.title.get_text(" ", strip=True)
    h1 = soup.find("h1")
    if h1 is not None:
        title = title or h1.get_text(" ", strip=True)
        h1.decompose()
    for heading in soup.find_all(["h2", "h3", "h4"]):
        heading.replace_with(f"\n\n## {heading.get_text(' ', strip=True)}\n\n")
    for block in soup.find_all(["p", "li", "br", "div", "tr", "section", "article"]):
        block.insert_after("\n")
    body = soup.body or soup
    text = body.get_text("", strip=False)
    text = re.sub(r"[ \t\xa0]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return title, text.strip()


def parse_docx(path: Path) -> tuple[str | None, str]:
    import docx

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


def parse_pdf(path: Path) -> tuple[str | None, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
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
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            page_text = (page.extract_text() or "").strip()
            if page_text:
                pages.append(f"## Seite {number}\n{page_text}")
    except DocumentParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise DocumentParseError(f"corrupt PDF ({exc.__class__.__name__}: {exc})") from exc
    return title, "\n\n".join(pages)


def parse_document(path: Path) -> tuple[str, str]:
    """(title, text) of one file; raises DocumentParseError for unusable files."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentParseError(f"unsupported file type '{suffix or path.name}' (expected {', '.join(SUPPORTED)})")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentParseError(f"cannot read file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise DocumentParseError("empty file")
    if suffix == ".pdf":
        title, text = parse_pdf(path)
    elif suffix == ".docx":
        try:
            title, text = parse_docx(path)
        except Exception as exc:  # noqa: BLE001 - zip/xml errors of broken files
            raise DocumentParseError(f"corrupt DOCX ({exc.__class__.__name__}: {exc})") from exc
    elif suffix in (".html", ".htm"):
        title, text = html_to_text(_decode(raw))
    elif suffix == ".md":
        title, text = parse_markdown(_decode(raw))
    else:
        title, text = parse_text(_decode(raw))
    if not text.strip():
        raise DocumentParseError("no text could be extracted")
    return (title or _title_from_filename(path)), text


def document_id(path: Path, root: Path | None) -> str:
    relative = path.relative_to(root) if root is not None else Path(path.name)
    return relative.with_suffix("").as_posix()


def load_documents(path: Path) -> LoadResult[DocumentRecord]:
    """Load one file or every supported file below a folder; bad files become problems."""
    path = Path(path)
    result: LoadResult[DocumentRecord] = LoadResult()
    if not path.exists():
        result.problems.append(Problem(str(path), None, "file or folder not found"))
        return result
    if path.is_dir():
        root: Path | None = path
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    else:
        root, files = None, [path]
    for file in files:
        try:
            title, text = parse_document(file)
        except DocumentParseError as exc:
            result.problems.append(Problem(str(file), None, str(exc)))
            continue
        result.records.append(DocumentRecord(id=document_id(file, root), title=title, text=text, path=file))
    return result

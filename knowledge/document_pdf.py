"""A phone-friendly PDF made from a document's text (for sources that are not PDF or DOCX).

The stored text has ``## `` section headings (every parser produces them); they become PDF
headings and bookmarks (the outline a phone's viewer shows), paragraphs stay paragraphs, list
items stay list items. Rendering uses reportlab with the Bitstream Vera font bundled with it, so
umlauts, ß, §, € and typographic quotes show correctly and the text remains searchable.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import reportlab
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FONT, FONT_BOLD, FONT_ITALIC = "IKZVera", "IKZVera-Bold", "IKZVera-Italic"
SHORT_TEXT_CHARS = 1500  # below this a document is shown as a message instead of a file

_BULLET = re.compile(r"^\s*(?:[-*•]|\[[ xX]?\])\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_ITALIC, str(FONT_DIR / "VeraIt.ttf")))
    pdfmetrics.registerFont(TTFont(FONT + "-BoldItalic", str(FONT_DIR / "VeraBI.ttf")))
    from reportlab.lib.fonts import addMapping

    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT + "-BoldItalic")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, alignment=TA_LEFT, spaceAfter=5)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=21, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17,
                                  spaceBefore=10, spaceAfter=5),
        "body": base,
        "quote": ParagraphStyle("quote", parent=base, fontName=FONT_ITALIC, leftIndent=8 * mm),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=11),
    }


def inline_markup(text: str) -> str:
    """Escape text for reportlab's paragraph markup; Markdown **bold** and *italic* are kept."""
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
    escaped = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", escaped)
    return escaped


def _blocks(text: str) -> list[tuple[str, str | list[str]]]:
    """The text as blocks: ("heading", s), ("para", s), ("quote", s), ("bullets"/"numbers", [s])."""
    blocks: list[tuple[str, str | list[str]]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(("para", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if heading:
            flush()
            blocks.append(("heading", heading.group(1).strip()))
        elif bullet or numbered:
            flush()
            kind = "bullets" if bullet else "numbers"
            item = (bullet or numbered).group(1).strip()  # type: ignore[union-attr]
            if blocks and blocks[-1][0] == kind:
                blocks[-1][1].append(item)  # type: ignore[union-attr]
            else:
                blocks.append((kind, [item]))
        elif line.startswith(">"):
            flush()
            blocks.append(("quote", line.lstrip("> ").strip()))
        elif line.isupper() and len(line) < 90 and not paragraph:
            blocks.append(("heading", line.title() if len(line) > 3 else line))  # "1. VOR PROJEKTBEGINN"
        else:
            paragraph.append(line)
    flush()
    return blocks


class _OutlinedDoc(SimpleDocTemplate):
    """Adds a PDF bookmark for every heading (the outline phones show)."""

    def afterFlowable(self, flowable) -> None:  # noqa: ANN001, N802 - reportlab hook
        key = getattr(flowable, "_bookmark", None)
        if key is None:
            return
        level, title = key
        name = f"h{self.page}-{id(flowable)}"
        self.canv.bookmarkPage(name)
        self.canv.addOutlineEntry(title, name, level=level, closed=False)


def document_pdf(title: str, text: str, *, source_note: str | None = None) -> bytes:
    """The document as PDF bytes: title, ``## `` headings as headings and bookmarks, paragraphs, lists."""
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = _OutlinedDoc(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                       bottomMargin=16 * mm, title=title, author="IKZ-Assistent")
    story: list = []
    heading = Paragraph(inline_markup(title), styles["title"])
    heading._bookmark = (0, title)  # type: ignore[attr-defined]
    story.append(heading)
    for kind, content in _blocks(text):
        if kind == "heading":
            paragraph = Paragraph(inline_markup(str(content)), styles["heading"])
            paragraph._bookmark = (1, str(content))  # type: ignore[attr-defined]
            story.append(paragraph)
        elif kind in ("bullets", "numbers"):
            items = [ListItem(Paragraph(inline_markup(item), styles["body"])) for item in content]
            story.append(ListFlowable(items, bulletType="bullet" if kind == "bullets" else "1",
                                      bulletFontName=FONT, start="•" if kind == "bullets" else 1, leftIndent=6 * mm))
            story.append(Spacer(1, 3))
        elif kind == "quote":
            story.append(Paragraph(inline_markup(str(content)), styles["quote"]))
        else:
            story.append(Paragraph(inline_markup(str(content)), styles["body"]))
    if source_note:
        story.append(Spacer(1, 8))
        story.append(Paragraph(inline_markup(source_note), styles["note"]))
    doc.build(story)
    return buffer.getvalue()


def pdf_filename(file_name: str | None, document_id: str) -> str:
    """``D13-checkliste.txt`` → ``D13-checkliste.pdf``."""
    stem = Path(file_name).stem if file_name else re.sub(r"[^A-Za-z0-9_-]+", "-", document_id)
    return f"{stem or 'dokument'}.pdf"


def needs_conversion(file_name: str | None) -> bool:
    """Files a phone opens as they are (PDF, DOCX) are sent unchanged; everything else as a PDF."""
    return Path(file_name or "").suffix.lower() not in (".pdf", ".docx")

"""Split items into searchable passages: documents by section, with overlapping word windows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ChunkDraft:
    ordinal: int
    section: str
    text: str
    embed_text: str

    @property
    def content_hash(self) -> str:
        return content_hash(self.embed_text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) pairs from text with `## ` headings; text before the first heading has ''."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        match = re.match(r"^#{1,6}\s+(.*)$", line.strip())
        if match:
            sections.append((match.group(1).strip(), []))
        else:
            sections[-1][1].append(line)
    out = []
    for heading, lines in sections:
        body = "\n".join(lines).strip()
        if body or heading:
            out.append((heading, body))
    return [(h, b) for h, b in out if b]


def word_windows(text: str, size: int, overlap: int) -> list[str]:
    """Windows of about ``size`` words overlapping by ``overlap``; a short tail joins the last window."""
    words = text.split()
    if len(words) <= size + size // 3:
        return [" ".join(words)] if words else []
    step = max(1, size - overlap)
    windows = []
    start = 0
    while start < len(words):
        end = start + size
        if len(words) - end < size // 3:  # avoid a tiny last window
            end = len(words)
        windows.append(" ".join(words[start:end]))
        if end >= len(words):
            break
        start += step
    return windows


def chunk_document(title: str, text: str, *, size: int = 110, overlap: int = 25) -> list[ChunkDraft]:
    """Chunks per section; each embedded with the document title and section heading as context."""
    chunks: list[ChunkDraft] = []
    for heading, body in split_sections(text) or [("", text)]:
        for window in word_windows(body, size, overlap):
            context = f"{title} – {heading}" if heading else title
            chunks.append(ChunkDraft(len(chunks), heading, window, f"{context}: {window}"))
    return chunks


def single_chunk(embed_text: str, display_text: str, section: str = "") -> list[ChunkDraft]:
    return [ChunkDraft(0, section, display_text, embed_text)]

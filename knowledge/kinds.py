"""The one registry of item kinds: kind → table, loader, chunker, callback letter and icon.

Everything that needs to know "which kinds of items exist" (ingestion, the CLI's choices,
sources files, chunking, the bot's item references and icons) reads it from here.
``name`` is the singular item kind stored with chunks ("project"); ``plural`` is the ingest kind
used on the command line and in sources files ("projects").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel

from knowledge.chunking import ChunkDraft
from knowledge.ingest.documents import load_documents
from knowledge.ingest.events import load_events
from knowledge.ingest.faq import load_faq
from knowledge.ingest.projects import load_projects
from knowledge.ingest.records import LoadResult
from knowledge.item_chunks import ChunkOptions, document_chunks, event_chunks, faq_chunks, project_chunks
from knowledge.models import Document, Event, Faq, Project


@dataclass(frozen=True)
class ItemKind:
    name: str
    plural: str
    model: type[SQLModel]
    load: Callable[..., LoadResult]  # (path, limits=DEFAULT_LIMITS)
    chunks: Callable[[Any, ChunkOptions], list[ChunkDraft]]  # (row, options) -> the row's passages
    letter: str
    icon: str


ITEM_KINDS: tuple[ItemKind, ...] = (
    ItemKind("project", "projects", Project, load_projects, project_chunks, "p", "🤝"),
    ItemKind("document", "documents", Document, load_documents, document_chunks, "d", "📄"),
    ItemKind("faq", "faq", Faq, load_faq, faq_chunks, "f", "❓"),
    ItemKind("event", "events", Event, load_events, event_chunks, "e", "📅"),
)
_BY_NAME = {kind.name: kind for kind in ITEM_KINDS}
_BY_PLURAL = {kind.plural: kind for kind in ITEM_KINDS}
_BY_LETTER = {kind.letter: kind for kind in ITEM_KINDS}
INGEST_KINDS: tuple[str, ...] = tuple(kind.plural for kind in ITEM_KINDS)


def item_kind(name: str) -> ItemKind:
    """The kind by its singular name ("project"); KeyError for unknown names."""
    return _BY_NAME[name]


def ingest_kind(plural: str) -> ItemKind:
    """The kind by its ingest name ("projects"); ValueError listing the known ones otherwise."""
    try:
        return _BY_PLURAL[plural]
    except KeyError:
        raise ValueError(f"unknown kind {plural!r}; expected one of {', '.join(INGEST_KINDS)}") from None


def kind_by_letter(letter: str) -> ItemKind | None:
    return _BY_LETTER.get(letter)


def kind_icon(name: str) -> str:
    kind = _BY_NAME.get(name)
    return kind.icon if kind else ""

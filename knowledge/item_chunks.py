"""The searchable passages (chunks) that each kind of item yields; every chunker takes the row
and the :class:`ChunkOptions` (passage size for long texts, the time zone for event times)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from knowledge.chunking import ChunkDraft, chunk_document, single_chunk
from knowledge.models import Document, Event, Faq, Project


@dataclass(frozen=True)
class ChunkOptions:
    size: int  # words per passage of long documents
    overlap: int  # words shared by neighbouring passages
    timezone: ZoneInfo  # event times are written in local time


def project_chunks(project: Project, options: ChunkOptions) -> list[ChunkDraft]:
    towns = ", ".join(project.municipalities)
    facts = [
        f"Themenbereich: {project.topic}" if project.topic else "",
        f"Kreis: {project.kreis}" if project.kreis else "",
        f"Beteiligte: {towns}" if towns else "",
        f"Rechtsform: {project.legal_form}" if project.legal_form else "",
    ]
    facts_text = ". ".join(f for f in facts if f)
    embed = f"{project.title}. {facts_text}. {project.description}".strip()
    return single_chunk(embed, project.description or project.title)


def faq_chunks(faq: Faq, options: ChunkOptions) -> list[ChunkDraft]:
    return single_chunk(f"{faq.question} {faq.answer}", faq.answer)


def event_chunks(event: Event, options: ChunkOptions) -> list[ChunkDraft]:
    local = event.start.astimezone(options.timezone)
    where = event.location or event.online_url or ""
    embed = (
        f"Veranstaltung: {event.title}. Termin {local:%d.%m.%Y %H:%M}, {where}. "
        f"Thema: {event.topic}. {event.description}"
    )
    return single_chunk(embed, event.description or event.title)


def document_chunks(document: Document, options: ChunkOptions) -> list[ChunkDraft]:
    return chunk_document(document.title, document.text, size=options.size, overlap=options.overlap)

"""The searchable passages (chunks) that each kind of item yields."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from knowledge.chunking import ChunkDraft, chunk_document, single_chunk
from knowledge.models import Document, Event, Faq, Project


def project_chunks(project: Project) -> list[ChunkDraft]:
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


def faq_chunks(faq: Faq) -> list[ChunkDraft]:
    return single_chunk(f"{faq.question} {faq.answer}", faq.answer)


def event_chunks(event: Event) -> list[ChunkDraft]:
    local = event.start.astimezone(ZoneInfo("Europe/Berlin"))
    where = event.location or event.online_url or ""
    embed = (
        f"Veranstaltung: {event.title}. Termin {local:%d.%m.%Y %H:%M}, {where}. "
        f"Thema: {event.topic}. {event.description}"
    )
    return single_chunk(embed, event.description or event.title)


def document_chunks(document: Document, *, size: int, overlap: int) -> list[ChunkDraft]:
    return chunk_document(document.title, document.text, size=size, overlap=overlap)

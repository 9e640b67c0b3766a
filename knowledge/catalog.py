"""Lightweight, immutable views of items and chunks held in memory by the search snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from knowledge.models import Chunk, Document, Event, Faq, Project

ItemKey = tuple[str, str]


@dataclass(frozen=True)
class ItemInfo:
    kind: str
    id: str
    title: str
    url: str | None = None
    topic: str = ""
    kreis: str | None = None
    municipalities: tuple[str, ...] = ()
    legal_form: str | None = None
    start: datetime | None = None
    cancelled: bool = False
    start_year: int | None = None
    contact: str = ""  # projects: "name, e-mail, phone"
    location: str = ""  # events: where they take place ("Fulda, Kreishaus"; "Online")

    @property
    def key(self) -> ItemKey:
        return (self.kind, self.id)


@dataclass(frozen=True)
class ChunkInfo:
    id: int
    kind: str
    item_id: str
    section: str
    text: str
    embed_text: str = field(repr=False, default="")

    @property
    def item_key(self) -> ItemKey:
        return (self.kind, self.item_id)


def load_items(session: Session) -> dict[ItemKey, ItemInfo]:
    items: dict[ItemKey, ItemInfo] = {}
    for p in session.exec(select(Project)).all():
        items[("project", p.id)] = ItemInfo(
            "project", p.id, p.title, p.url, p.topic or "", p.kreis, tuple(p.municipalities or ()), p.legal_form,
            start_year=p.start_year,
            contact=", ".join(x for x in (p.contact_name, p.contact_email, p.contact_phone) if x),
        )
    for d in session.exec(select(Document)).all():
        items[("document", d.id)] = ItemInfo("document", d.id, d.title, d.url, d.topic or "")
    for f in session.exec(select(Faq)).all():
        items[("faq", f.id)] = ItemInfo("faq", f.id, f.question, None, f.topic or "")
    for e in session.exec(select(Event)).all():
        items[("event", e.id)] = ItemInfo(
            "event", e.id, e.title, e.registration_url or e.online_url, e.topic or "", start=e.start,
            cancelled=e.cancelled, location=e.location or "",
        )
    return items


def load_chunks(session: Session) -> dict[int, ChunkInfo]:
    return {
        c.id: ChunkInfo(c.id, c.item_kind, c.item_id, c.section, c.text, c.embed_text)
        for c in session.exec(select(Chunk)).all()
        if c.id is not None
    }

"""Upserts of validated records into the database, and the chunks that each item yields."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, delete, select

from knowledge.chunking import ChunkDraft, content_hash
from knowledge.ingest.records import DocumentRecord, EventRecord, FaqRecord, ProjectRecord
from knowledge.clock import utc_now
from knowledge.kinds import item_kind
from knowledge.models import Chunk, Document, Event, Faq, Project


@dataclass
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    changed_ids: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed"


def _hash_fields(values: dict[str, Any]) -> str:
    return content_hash(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False))


def _upsert(session: Session, model: type, values: dict[str, Any], counts: UpsertCounts) -> Any:
    digest = _hash_fields({k: v for k, v in values.items() if k != "origin"})
    row = session.get(model, values["id"])
    if row is None:
        row = model(**values, content_hash=digest)
        session.add(row)
        counts.added += 1
        counts.changed_ids.append(values["id"])
        return row
    if row.content_hash == digest and row.origin == values.get("origin", row.origin):
        counts.unchanged += 1
        return row
    for key, value in values.items():
        setattr(row, key, value)
    row.content_hash = digest
    row.modified_at = utc_now()
    session.add(row)
    counts.updated += 1
    counts.changed_ids.append(values["id"])
    return row


def _upsert_records(session: Session, model: type, records: Iterable, source: str) -> UpsertCounts:
    counts = UpsertCounts()
    for record in records:
        values = record.model_dump()
        values["origin"] = source
        _upsert(session, model, values, counts)
    return counts


def upsert_projects(session: Session, records: Iterable[ProjectRecord], *, source: str) -> UpsertCounts:
    return _upsert_records(session, Project, records, source)


def upsert_faqs(session: Session, records: Iterable[FaqRecord], *, source: str) -> UpsertCounts:
    return _upsert_records(session, Faq, records, source)


def schedule_hash(start: Any, end: Any, location: str | None, online_url: str | None) -> str:
    """Hash of time (normalised to UTC) and place: it changes only when the event moves."""
    from datetime import UTC, datetime

    def utc(value: Any) -> Any:
        return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value

    return _hash_fields(
        {"start": utc(start), "end": utc(end), "location": location or None, "online_url": online_url or None}
    )


def upsert_events(session: Session, records: Iterable[EventRecord], *, source: str) -> UpsertCounts:
    counts = UpsertCounts()
    for record in records:
        values = record.model_dump()
        values["origin"] = source
        row = _upsert(session, Event, values, counts)
        row.schedule_hash = schedule_hash(row.start, row.end, row.location, row.online_url)
    return counts


def upsert_documents(
    session: Session, records: Iterable[DocumentRecord], *, source: str, files_dir: Path | None = None
) -> UpsertCounts:
    """Upsert documents; their original files are copied to ``files_dir`` so the bot can send them."""
    counts = UpsertCounts()
    for record in records:
        values = record.model_dump(exclude={"path"})
        values["origin"] = source
        if record.path is not None:
            values["file_name"] = record.path.name
            if files_dir is not None:
                target = files_dir / f"{record.id}{record.path.suffix.lower()}"
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists() or target.read_bytes() != record.path.read_bytes():
                    shutil.copyfile(record.path, target)
                values["file"] = str(target.resolve())
            else:
                values["file"] = str(record.path.resolve())
        _upsert(session, Document, values, counts)
    return counts


def upsert_items(
    session: Session, kind: str, records: Sequence, *, source: str, files_dir: Path | None = None
) -> UpsertCounts:
    """Upsert records of one item kind ("project", "document", …)."""
    if kind == "document":
        return upsert_documents(session, records, source=source, files_dir=files_dir)
    if kind == "event":
        return upsert_events(session, records, source=source)
    return _upsert_records(session, item_kind(kind).model, records, source)


def remove_missing(session: Session, kind: str, *, source: str, keep_ids: Sequence[str]) -> list[str]:
    """Delete the items of ``source`` that are not in ``keep_ids`` (they disappeared from the source)."""
    model = item_kind(kind).model
    keep = set(keep_ids)
    rows = session.exec(select(model).where(model.origin == source)).all()
    removed = [row.id for row in rows if row.id not in keep]
    delete_items(session, kind, removed)
    return removed


def delete_items(session: Session, kind: str, ids: Sequence[str]) -> None:
    if not ids:
        return
    model = item_kind(kind).model
    session.exec(delete(model).where(col(model.id).in_(list(ids))))
    session.exec(delete(Chunk).where(Chunk.item_kind == kind, col(Chunk.item_id).in_(list(ids))))


# --- chunks -------------------------------------------------------------------------------
def sync_chunks(session: Session, kind: str, item_id: str, drafts: list[ChunkDraft]) -> int:
    """Replace the item's chunk rows when they differ; returns how many rows changed."""
    existing = session.exec(
        select(Chunk).where(Chunk.item_kind == kind, Chunk.item_id == item_id).order_by(Chunk.ordinal)
    ).all()
    if [(c.content_hash, c.section, c.text) for c in existing] == [
        (d.content_hash, d.section, d.text) for d in drafts
    ]:
        return 0
    session.exec(delete(Chunk).where(Chunk.item_kind == kind, Chunk.item_id == item_id))
    session.flush()
    for draft in drafts:
        session.add(
            Chunk(
                item_kind=kind,
                item_id=item_id,
                ordinal=draft.ordinal,
                section=draft.section[:500],
                text=draft.text,
                embed_text=draft.embed_text,
                content_hash=draft.content_hash,
            )
        )
    return len(drafts)

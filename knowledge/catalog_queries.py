"""Reading the knowledge base without a question: items by id, lists, topics and Kreise with
their project counts, pages of projects, counts — the browsing half of ``KnowledgeBase``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, func, select

from knowledge.kinds import ITEM_KINDS, item_kind
from knowledge.models import Chunk, Document, Embedding, Event, Faq, Project
from knowledge.search_index import SearchSnapshot


class CatalogQueries:
    """Mixed into `knowledge.service.KnowledgeBase`, which provides the session and the snapshot."""

    def session(self) -> Session:  # pragma: no cover - provided by KnowledgeBase
        raise NotImplementedError

    def snapshot(self) -> SearchSnapshot:  # pragma: no cover - provided by KnowledgeBase
        raise NotImplementedError

    def item(self, kind: str, item_id: str) -> Any:
        """The row of an item ("project", "document", "faq", "event"), None if there is none."""
        with self.session() as session:
            return session.get(item_kind(kind).model, item_id)

    def project(self, project_id: str) -> Project | None:
        return self.item("project", project_id)

    def document(self, document_id: str) -> Document | None:
        return self.item("document", document_id)

    def faq(self, faq_id: str) -> Faq | None:
        return self.item("faq", faq_id)

    def event(self, event_id: str) -> Event | None:
        return self.item("event", event_id)

    def documents(self) -> list[Document]:
        with self.session() as session:
            return list(session.exec(select(Document).order_by(Document.id)).all())

    def faqs(self) -> list[Faq]:
        with self.session() as session:
            return list(session.exec(select(Faq).order_by(Faq.id)).all())

    def upcoming_events(self, *, now: datetime | None = None, limit: int = 20) -> list[Event]:
        now = now or datetime.now(UTC)
        with self.session() as session:
            stmt = (
                select(Event)
                .where(Event.start >= now, Event.cancelled == False)  # noqa: E712
                .order_by(Event.start)
                .limit(limit)
            )
            return list(session.exec(stmt).all())

    def topics(self) -> list[tuple[str, int]]:
        """Topic areas of projects with their project counts, alphabetically."""
        with self.session() as session:
            rows = session.exec(
                select(Project.topic, func.count()).where(Project.topic != "").group_by(Project.topic)
            ).all()
        return sorted(((t, int(n)) for t, n in rows), key=lambda r: r[0].lower())

    def kreise(self) -> list[tuple[str, int]]:
        with self.session() as session:
            rows = session.exec(
                select(Project.kreis, func.count()).where(Project.kreis.is_not(None)).group_by(Project.kreis)  # type: ignore[union-attr]
            ).all()
        return sorted(((k, int(n)) for k, n in rows if k), key=lambda r: r[0].lower())

    def projects(
        self, *, topic: str | None = None, kreis: str | None = None, offset: int = 0, limit: int = 10
    ) -> tuple[list[Project], int]:
        """A page of projects (by title) filtered by topic and/or Kreis, with the total count."""
        with self.session() as session:
            stmt = select(Project)
            count = select(func.count()).select_from(Project)
            if topic:
                stmt, count = stmt.where(Project.topic == topic), count.where(Project.topic == topic)
            if kreis:
                stmt, count = stmt.where(Project.kreis == kreis), count.where(Project.kreis == kreis)
            total = int(session.exec(count).one())
            rows = session.exec(stmt.order_by(Project.title).offset(offset).limit(limit)).all()
        return list(rows), total

    def find_kreis(self, name: str) -> str | None:
        """Resolve a user-typed Kreis name ('borken', 'Kreis Borken', 'Hochsauerland') to the stored one."""
        if not name.strip():
            return None
        from embeddings.lexical import fold

        wanted = fold(name.strip())
        names = [k for k, _ in self.kreise()]
        for kreis in names:
            if fold(kreis) == wanted:
                return kreis
        understood = self.snapshot().gazetteer.understand(f"Kreis {name}")
        if understood.filters.kreise:
            return sorted(understood.filters.kreise)[0]
        for kreis in names:
            if wanted in fold(kreis):
                return kreis
        return None

    def counts(self) -> dict[str, int]:
        """Rows per item kind (by ingest name), chunks and cached embeddings."""
        tables = {kind.plural: kind.model for kind in ITEM_KINDS} | {"chunks": Chunk, "embeddings": Embedding}
        with self.session() as session:
            return {name: int(session.exec(select(func.count()).select_from(model)).one())
                    for name, model in tables.items()}

    def similar(self, kind: str, item_id: str, *, k: int = 5) -> list:
        """Items most similar to a given item (by its first chunk's vector)."""
        snapshot = self.snapshot()
        chunk_ids = snapshot.item_chunks.get((kind, item_id))
        if not chunk_ids:
            return []
        vectors = snapshot.vectors
        position = {int(i): p for p, i in enumerate(vectors.ids)}
        query = vectors.vectors[position[chunk_ids[0]]]
        seen = {(kind, item_id)}
        out = []
        for cid, score in vectors.search(query, 60):
            chunk = snapshot.chunks.get(cid)
            if chunk is None or chunk.item_key in seen or chunk.kind != kind:
                continue
            seen.add(chunk.item_key)
            out.append((snapshot.items[chunk.item_key], score))
            if len(out) >= k:
                break
        return out

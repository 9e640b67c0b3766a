"""An immutable, in-memory search snapshot: vectors, BM25, chunk and item metadata, gazetteer.

The knowledge base swaps the whole snapshot reference after a rebuild, so questions being
answered keep using the old one until the new one is complete.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session

from embeddings.lexical import GermanAnalyzer, LexicalIndex
from embeddings.vector_index import VectorIndex
from knowledge.catalog import ChunkInfo, ItemInfo, ItemKey, load_chunks, load_items
from knowledge.places import default_register
from knowledge.query_understanding import Gazetteer, legal_form_key


@dataclass
class SearchSnapshot:
    vectors: VectorIndex
    lexical: LexicalIndex
    chunks: dict[int, ChunkInfo]
    items: dict[ItemKey, ItemInfo]
    gazetteer: Gazetteer
    item_chunks: dict[ItemKey, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, session: Session, vectors: VectorIndex) -> "SearchSnapshot":
        items = load_items(session)
        indexed = {int(i) for i in vectors.ids}
        chunks = {cid: c for cid, c in load_chunks(session).items() if cid in indexed and c.item_key in items}
        analyzer = GermanAnalyzer()
        ordered = sorted(chunks)
        lexical = LexicalIndex(ordered, [chunks[c].embed_text for c in ordered], analyzer)
        item_chunks: dict[ItemKey, list[int]] = defaultdict(list)
        for cid in ordered:
            item_chunks[chunks[cid].item_key].append(cid)
        return cls(
            vectors=vectors,
            lexical=lexical,
            chunks=chunks,
            items=items,
            gazetteer=Gazetteer(items.values(), analyzer, default_register()),
            item_chunks=dict(item_chunks),
        )

    def projects_matching(
        self, *, kreise: frozenset[str] = frozenset(), towns: frozenset[str] = frozenset(),
        legal_forms: frozenset[str] = frozenset(), topics: frozenset[str] = frozenset(),
        year_min: int | None = None, year_max: int | None = None,
    ) -> list[ItemInfo]:
        """Projects satisfying every given restriction (empty restriction = no restriction)."""
        out = []
        for item in self.items.values():
            if item.kind != "project":
                continue
            if kreise and item.kreis not in kreise and not (kreise & set(item.municipalities)):
                continue
            if towns and not (towns & set(item.municipalities)):
                continue
            if legal_forms and legal_form_key(item.legal_form) not in legal_forms:
                continue
            if topics and item.topic not in topics:
                continue
            if year_min is not None and (item.start_year is None or item.start_year < year_min):
                continue
            if year_max is not None and (item.start_year is None or item.start_year > year_max):
                continue
            out.append(item)
        return out

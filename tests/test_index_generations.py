"""Published index generations (database and shared folder) and the approximate index for large bases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from embeddings.vector_index import EXACT, IVF, ApproximateParams, IndexModelMismatch, VectorIndex
from knowledge.index_publication import (
    GenerationCorrupt,
    IndexGeneration,
    IndexGenerationFile,
    fetch_generation,
    latest_generation,
)
from knowledge.service import KnowledgeBase
from knowledge.system_status import collect_status
from tests.conftest import make_settings


def _replica(kb: KnowledgeBase, tmp_path: Path, encoder, **overrides) -> KnowledgeBase:  # noqa: ANN001
    """Another process on the same database with its own, empty data directory."""
    return KnowledgeBase(make_settings(tmp_path / "replica", **overrides), engine=kb.engine, encoder=encoder)


def test_a_generation_in_the_database_is_loaded_by_another_replica(tiny_kb, tmp_path, encoder) -> None:
    tiny_kb.reindex()
    generation = latest_generation(tiny_kb.engine)
    assert generation is not None and generation.id == tiny_kb.generation and generation.storage == "database"
    # every file of the index directory is carried (vectors, chunk map, and whatever lies beside them)
    assert {"vectors.npz", "chunk_map.json.gz"} <= set(generation.manifest)
    replica = _replica(tiny_kb, tmp_path, encoder)
    assert not replica.has_index()
    folder = fetch_generation(replica.engine, generation, replica.settings.index_dir / "generations", store=None)
    replica.load_generation(folder, generation.id)
    assert replica.generation == generation.id
    ours, theirs = tiny_kb.ask("gemeinsames Standesamt"), replica.ask("gemeinsames Standesamt")
    assert [h.id for h in theirs.hits] == [h.id for h in ours.hits] and theirs.answered == ours.answered
    # /status of the replica describes the index it answers from, though it never built one itself
    now = datetime.now(UTC)
    status = collect_status(replica, [], started_at=now, now=now)
    assert status.generation == generation.id and status.index_built_at is not None
    assert status.index_chunks == collect_status(tiny_kb, [], started_at=now, now=now).index_chunks


def test_a_damaged_generation_is_refused(tiny_kb, tmp_path, encoder) -> None:
    tiny_kb.reindex()
    generation = latest_generation(tiny_kb.engine)
    with tiny_kb.session() as session:
        session.execute(sa.update(IndexGenerationFile).where(IndexGenerationFile.generation_id == generation.id,
                                                             IndexGenerationFile.name == "vectors.npz")
                        .values(data=b"garbage"))
        session.commit()
    replica = _replica(tiny_kb, tmp_path, encoder)
    with pytest.raises(GenerationCorrupt):
        fetch_generation(replica.engine, generation, replica.settings.index_dir / "generations", store=None)
    assert not (replica.settings.index_dir / "generations" / str(generation.id)).exists()


def test_generations_in_a_shared_folder_and_pruning(tiny_kb, tmp_path, encoder) -> None:
    store = tmp_path / "store"
    kb = KnowledgeBase(make_settings(tiny_kb.settings.data_dir, index_store=store, index_keep_generations=2),
                       engine=tiny_kb.engine, encoder=encoder)
    ids = [kb.reindex() and kb.generation for _ in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert sorted(p.name for p in store.iterdir()) == [f"gen-{i}" for i in sorted(ids[1:])]
    with kb.session() as session:
        kept = session.execute(sa.select(IndexGeneration.id)).scalars().all()
        assert sorted(kept) == ids[1:]
    generation = latest_generation(kb.engine)
    assert generation.storage == "store"
    replica = _replica(kb, tmp_path, encoder, index_store=store)
    folder = fetch_generation(replica.engine, generation, replica.settings.index_dir / "generations", store=store)
    replica.load_generation(folder, generation.id)
    assert replica.ask("Standesamt").hits


def _clustered(n: int, dim: int, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    """Synthetic embedding-like vectors: noisy points around cluster centres, L2-normalised."""
    picks = rng.integers(0, len(centres), n)
    vectors = centres[picks] + rng.normal(scale=0.6 / np.sqrt(dim), size=(n, dim)).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_large_bases_get_an_approximate_index_with_high_recall(tmp_path) -> None:
    rng = np.random.default_rng(7)
    dim, n = 64, 20_000
    centres = rng.normal(size=(200, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors = _clustered(n, dim, rng, centres)
    queries = _clustered(100, dim, rng, centres)
    ids = np.arange(1000, 1000 + n)
    exact = VectorIndex(model_id="m", dim=dim, ids=ids, vectors=vectors)
    params = ApproximateParams(min_vectors=10_000, nprobe=24)
    approx = VectorIndex(model_id="m", dim=dim, ids=ids, vectors=vectors, approximate=params)
    small = VectorIndex(model_id="m", dim=dim, ids=ids[:5000], vectors=vectors[:5000], approximate=params)
    assert exact.kind == EXACT and approx.kind == IVF and small.kind == EXACT

    def recall(index: VectorIndex) -> float:
        found = 0
        for q in queries:
            truth = {i for i, _ in exact.search(q, 10)}
            found += len(truth & {i for i, _ in index.search(q, 10)})
        return found / (10 * len(queries))

    assert recall(approx) >= 0.95
    path = tmp_path / "vectors.npz"
    approx.save(path)
    assert VectorIndex.read_meta(path)["kind"] == IVF
    loaded = VectorIndex.load(path, model_id="m", dim=dim, nprobe=24)
    assert loaded.kind == IVF and recall(loaded) >= 0.95
    assert loaded.scores_for(queries[0], [1000, 1001]) == pytest.approx(exact.scores_for(queries[0], [1000, 1001]))
    with pytest.raises(IndexModelMismatch):
        VectorIndex.load(path, model_id="other", dim=dim)

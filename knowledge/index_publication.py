"""Published index generations: the builder publishes, every replica loads the newest.

A generation is every file of the builder's index directory at publish time (the FAISS vector
index, the chunk map the BM25 index and the snapshot are rebuilt from, and whatever else is
stored next to the index, e.g. a per-base calibration), with a SHA-256 per file and one checksum
over the manifest. The row in ``index_generations`` is committed only after the files are in place:
in the shared folder ``settings.index_store`` (``<store>/gen-<id>/``), or — without a store, for
bases up to ``settings.index_db_max_bytes`` — in ``index_generation_files``. Replicas poll for a
newer id, copy the files into ``<data dir>/index/generations/<id>/``, verify every checksum, load
the snapshot in the background and swap it in atomically (``KnowledgeBase.load_generation``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.clock import utc_now as utcnow
from knowledge.models import aware_column

log = logging.getLogger(__name__)

STORAGE_DATABASE = "database"
STORAGE_STORE = "store"


class IndexGeneration(SQLModel, table=True):
    """One published index build."""

    __tablename__ = "index_generations"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())
    model_id: str = Field(max_length=300)
    dim: int
    chunks: int
    storage: str = Field(max_length=20)
    checksum: str = Field(max_length=64, description="SHA-256 over the manifest.")
    manifest: dict = Field(default_factory=dict, sa_type=sa.JSON, description="file name → {sha256, bytes}")
    published_by: str = Field(default="", max_length=200)


class IndexGenerationFile(SQLModel, table=True):
    """A file of a generation stored in the database (small bases without an index store)."""

    __tablename__ = "index_generation_files"

    generation_id: int = Field(foreign_key="index_generations.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(primary_key=True, max_length=200)
    data: bytes = Field(sa_type=sa.LargeBinary)


class GenerationCorrupt(RuntimeError):
    """A fetched file does not match the published checksum."""


def index_files(index_dir: Path) -> list[Path]:
    """The files that make up the index: every regular file directly in ``index_dir`` except temporaries."""
    if not index_dir.exists():
        return []
    return sorted(
        p for p in index_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".tmp") and ".tmp" not in p.suffixes
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_checksum(manifest: dict) -> str:
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def publish_generation(
    engine: Engine, index_dir: Path, *, model_id: str, dim: int, chunks: int, store: Path | None,
    db_max_bytes: int, keep: int, published_by: str,
) -> int | None:
    """Publish the files of ``index_dir`` as a new generation; returns its id (None when too big
    for the database and no store is configured — then only this process uses the new index)."""
    files = index_files(index_dir)
    manifest = {p.name: {"sha256": _sha256(p), "bytes": p.stat().st_size} for p in files}
    total = sum(entry["bytes"] for entry in manifest.values())
    storage = STORAGE_STORE if store is not None else STORAGE_DATABASE
    if storage == STORAGE_DATABASE and total > db_max_bytes:
        log.warning("index of %d bytes is larger than IKZ_INDEX_DB_MAX_BYTES (%d) and IKZ_INDEX_STORE is not set: "
                    "not published, other replicas keep their index", total, db_max_bytes)
        return None
    with Session(engine) as session:
        generation = IndexGeneration(model_id=model_id, dim=dim, chunks=chunks, storage=storage,
                                     checksum=manifest_checksum(manifest), manifest=manifest,
                                     published_by=published_by)
        session.add(generation)
        session.flush()
        generation_id = int(generation.id)  # type: ignore[arg-type]
        target: Path | None = None
        try:
            if storage == STORAGE_STORE:
                assert store is not None
                target = store / f"gen-{generation_id}"
                staging = store / f".gen-{generation_id}.tmp"
                shutil.rmtree(staging, ignore_errors=True)
                staging.mkdir(parents=True)
                for path in files:
                    shutil.copy2(path, staging / path.name)
                os.replace(staging, target)
            else:
                for path in files:
                    session.add(IndexGenerationFile(generation_id=generation_id, name=path.name,
                                                    data=path.read_bytes()))
            session.commit()
        except BaseException:
            session.rollback()
            if target is not None:
                shutil.rmtree(target, ignore_errors=True)
            raise
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_notify('ikz_index_generation', :id)"), {"id": str(generation_id)})
            connection.commit()
    prune_generations(engine, keep=keep, store=store)
    log.info("published index generation %d (%d chunks, %d bytes, %s)", generation_id, chunks, total, storage)
    return generation_id


def latest_generation(engine: Engine) -> IndexGeneration | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(IndexGeneration).order_by(col(IndexGeneration.id).desc()).limit(1)).first()


def latest_generation_id(engine: Engine) -> int | None:
    with Session(engine) as session:
        value = session.exec(select(sa.func.max(IndexGeneration.id))).one()
        return int(value) if value is not None else None


def fetch_generation(engine: Engine, generation: IndexGeneration, target_root: Path, *, store: Path | None) -> Path:
    """Copy a generation's files to ``target_root/<id>/`` and verify them; returns that folder."""
    target = target_root / str(generation.id)
    if target.exists():
        return target
    staging = target_root / f".{generation.id}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        if generation.storage == STORAGE_STORE:
            if store is None:
                raise GenerationCorrupt(f"generation {generation.id} lies in an index store, but IKZ_INDEX_STORE is not set")
            for name in generation.manifest:
                shutil.copy2(store / f"gen-{generation.id}" / name, staging / name)
        else:
            with Session(engine) as session:
                for row in session.exec(
                    select(IndexGenerationFile).where(IndexGenerationFile.generation_id == generation.id)
                ).all():
                    (staging / row.name).write_bytes(row.data)
        if manifest_checksum(generation.manifest) != generation.checksum:
            raise GenerationCorrupt(f"generation {generation.id}: manifest checksum mismatch")
        for name, entry in generation.manifest.items():
            path = staging / name
            if not path.exists() or _sha256(path) != entry["sha256"]:
                raise GenerationCorrupt(f"generation {generation.id}: file {name} is missing or damaged")
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def prune_generations(engine: Engine, *, keep: int, store: Path | None) -> list[int]:
    """Delete all but the newest ``keep`` generations (rows, database files, store folders)."""
    with Session(engine) as session:
        ids = list(session.exec(select(IndexGeneration.id).order_by(col(IndexGeneration.id).desc())).all())
        old = [int(i) for i in ids[keep:]]
        if not old:
            return []
        session.execute(sa.delete(IndexGenerationFile).where(col(IndexGenerationFile.generation_id).in_(old)))
        session.execute(sa.delete(IndexGeneration).where(col(IndexGeneration.id).in_(old)))
        session.commit()
    if store is not None:
        for generation_id in old:
            shutil.rmtree(store / f"gen-{generation_id}", ignore_errors=True)
    return old


def prune_local(target_root: Path, *, keep_ids: set[int]) -> None:
    """Remove fetched generation folders that are no longer in use."""
    if not target_root.exists():
        return
    for path in target_root.iterdir():
        if path.is_dir() and path.name.isdigit() and int(path.name) not in keep_ids:
            shutil.rmtree(path, ignore_errors=True)

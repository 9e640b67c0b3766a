"""What maintainers see in ``/status``: items, chunks, model, index age, sources, database size, version."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa

from embeddings.vector_index import IndexMissing, VectorIndex
from knowledge.coordination import ReplicaState, live_replicas
from knowledge.service import KnowledgeBase
from knowledge.settings import PROJECT_ROOT
from knowledge.source_state import SourceState, all_states


def app_version() -> str:
    """The installed package version, or the one in pyproject.toml for a source checkout."""
    try:
        return metadata.version("ikz-assistent")
    except metadata.PackageNotFoundError:
        try:
            with (PROJECT_ROOT / "pyproject.toml").open("rb") as handle:
                return str(tomllib.load(handle)["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def database_size_bytes(kb: KnowledgeBase) -> int | None:
    """Size of the database: the SQLite files, or ``pg_database_size`` on PostgreSQL."""
    engine = kb.engine
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            return None
        files = [Path(database), Path(f"{database}-wal")]
        return sum(p.stat().st_size for p in files if p.exists())
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one())
    return None


@dataclass
class SourceStatus:
    name: str
    kind: str
    interval_s: float
    state: SourceState | None


@dataclass
class SystemStatus:
    counts: dict[str, int]
    embedding_model: str
    index_built_at: datetime | None
    index_chunks: int | None
    database_bytes: int | None
    version: str
    started_at: datetime
    now: datetime
    sources: list[SourceStatus] = field(default_factory=list)
    sources_error: str | None = None
    replicas: list[ReplicaState] = field(default_factory=list)
    generation: int | None = None

    @property
    def uptime_s(self) -> float:
        return (self.now - self.started_at).total_seconds()

    @property
    def index_age_s(self) -> float | None:
        return (self.now - self.index_built_at).total_seconds() if self.index_built_at else None


def collect_status(kb: KnowledgeBase, sources: list, *, started_at: datetime, now: datetime,
                   sources_error: str | None = None) -> SystemStatus:
    """Gather the status (blocking: database and index file)."""
    try:
        path = kb.served_index_path  # a replica answering from a published generation: that index
        meta = VectorIndex.read_meta(path)
        built_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if meta.get("built_at"):
            built_at = datetime.fromisoformat(meta["built_at"])
            built_at = built_at if built_at.tzinfo else built_at.replace(tzinfo=UTC)
        index_chunks = int(meta["count"]) if "count" in meta else None
    except IndexMissing:
        meta, built_at, index_chunks = {}, None, None
    states = all_states(kb.engine)
    return SystemStatus(
        counts=kb.counts(),
        embedding_model=str(meta.get("model_id") or kb.settings.embedding_model),
        index_built_at=built_at,
        index_chunks=index_chunks,
        database_bytes=database_size_bytes(kb),
        version=app_version(),
        started_at=started_at,
        now=now,
        sources=[SourceStatus(s.name, s.type, s.interval.total_seconds(), states.get(s.name)) for s in sources],
        sources_error=sources_error,
        replicas=live_replicas(kb.engine, now=now),
        generation=kb.generation,
    )

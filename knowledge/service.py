"""The knowledge base service: ingestion, (re)indexing with atomic swap, questions and browsing.

Plain class, no Telegram: the bot, the jobs and the command line all call into it. Blocking
methods (encoding, FAISS, database) are meant to be run off the event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from embeddings.encoder import Encoder, create_encoder
from embeddings.vector_index import IndexMissing, VectorIndex
from knowledge.answers import Answer
from knowledge.catalog_queries import CatalogQueries
from knowledge.confidence import Calibration, ConfidenceModel, Signals
from knowledge.db import create_db_and_tables, make_engine
from knowledge.follow_up import is_follow_up, merged_question
from knowledge.glossary import expand_query, expansion_terms
from knowledge.index_publication import publish_generation
from knowledge.indexing import approximate_params, build_vector_index, embed_missing
from knowledge.ingest.limits import IngestLimits
from knowledge.ingest.records import LoadResult, Problem
from knowledge.item_chunks import ChunkOptions
from knowledge.kinds import ITEM_KINDS, ingest_kind
from knowledge.models import Chunk
from knowledge.probes import IN_SCOPE_PROBES, OUT_OF_SCOPE_PROBES
from knowledge.query_understanding import QueryFilters
from knowledge.query_vocabulary import REGISTER_OWN_PROJECT_QUERY, registers_own_project
from knowledge.question_vector import question_vector
from knowledge.retrieval import Anchors, RetrievalParams, retrieve
from knowledge.scope import IN_SCOPE_TOPICS, OUT_OF_SCOPE_TOPICS
from knowledge.search_index import SearchSnapshot
from knowledge.settings import Settings
from knowledge.small_talk import small_talk_kind
from knowledge.store import UpsertCounts, remove_missing, sync_chunks, upsert_items

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
CHUNK_MAP_NAME = "chunk_map.json.gz"


@dataclass
class IngestReport:
    kind: str
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    problems: list[Problem] = field(default_factory=list)
    embedded: int = 0
    chunks: int = 0

    def summary(self) -> str:
        return (f"{self.kind}: {self.counts}; {self.embedded} chunks embedded, {self.chunks} chunks in index; "
                f"{len(self.problems)} problem(s)")


class KnowledgeBase(CatalogQueries):
    """Owns the database engine, the encoder and the current search snapshot."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None, encoder: Encoder | None = None) -> None:
        self.settings = settings
        settings.ensure_dirs()
        self.engine = engine or make_engine(settings.resolved_database_url)
        create_db_and_tables(self.engine)
        self._encoder = encoder
        self._encoder_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._snapshot: SearchSnapshot | None = None
        self._snapshot_mtime: float | None = None
        self.model = ConfidenceModel()
        self._anchors: Anchors | None = None
        self._calibration: Calibration | None = None
        self._probes: tuple[np.ndarray, np.ndarray] | None = None
        # the published index generation answered from (None: the local index); once loaded, it
        # pins the snapshot, and the files beside the index (calibration) are the generation's
        self.generation: int | None = None
        self._pinned = False
        self._active_index_dir: Path = settings.index_dir
        self.params = RetrievalParams(fusion=settings.fusion)

    # --- parts ---------------------------------------------------------------------------------
    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._encoder_lock:
                if self._encoder is None:
                    self._encoder = create_encoder(
                        self.settings.embedding_model,
                        device=self.settings.embedding_device,
                        batch_size=self.settings.embedding_batch_size,
                    )
        return self._encoder

    @property
    def index_path(self) -> Path:
        return self.settings.index_dir / "vectors.npz"

    @property
    def served_index_path(self) -> Path:
        """The index answered from: the local one, or that of the loaded published generation."""
        return self._active_index_dir / self.index_path.name

    @property
    def calibration_path(self) -> Path:
        return self._active_index_dir / "calibration.json"

    @property
    def chunk_map_path(self) -> Path:
        return self.settings.index_dir / CHUNK_MAP_NAME

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    # --- ingestion -------------------------------------------------------------------------------
    @property
    def ingest_limits(self) -> IngestLimits:
        return IngestLimits.from_settings(self.settings)

    def load(self, kind: str, path: Path) -> LoadResult:
        return ingest_kind(kind).load(Path(path), self.ingest_limits)

    def ingest(self, kind: str, path: Path, *, source: str | None = None, progress: Progress | None = None) -> IngestReport:
        """Load a file/folder, upsert its records and update the index (changed chunks only)."""
        loaded = self.load(kind, path)
        report = self.apply(kind, loaded.records, source=source or f"file:{Path(path).name}", progress=progress)
        report.problems = loaded.problems + report.problems
        return report

    def apply(
        self,
        kind: str,
        records: Sequence,
        *,
        source: str,
        remove_others_of_source: bool = False,
        progress: Progress | None = None,
        update_index: bool = True,
    ) -> IngestReport:
        """Upsert records (and optionally remove the source's items that are gone), then re-index."""
        report = IngestReport(kind)
        item = ingest_kind(kind)
        with self._write_lock:
            with self.session() as session:
                report.counts = upsert_items(
                    session, item.name, records, source=source, files_dir=self.settings.documents_dir
                )
                if remove_others_of_source:
                    removed = remove_missing(session, item.name, source=source, keep_ids=[r.id for r in records])
                    report.counts.removed = len(removed)
                session.commit()
            if update_index:
                report.embedded, report.chunks = self._update_index(progress)
        return report

    # --- indexing ----------------------------------------------------------------------------------
    def _sync_all_chunks(self, session: Session) -> int:
        changed = 0
        options = ChunkOptions(self.settings.chunk_words, self.settings.chunk_overlap_words,
                               ZoneInfo(self.settings.timezone))
        for kind in ITEM_KINDS:
            for row in session.exec(select(kind.model)).all():
                changed += sync_chunks(session, kind.name, row.id, kind.chunks(row, options))
            # chunks of items that no longer exist
            ids = select(kind.model.id)
            session.exec(
                sa.delete(Chunk).where(Chunk.item_kind == kind.name, col(Chunk.item_id).not_in(ids))  # type: ignore[arg-type]
            )
        session.commit()
        return changed

    def _update_index(self, progress: Progress | None = None) -> tuple[int, int]:
        """Sync chunks, embed what is new, build and atomically persist + swap the index."""
        with self.session() as session:
            self._sync_all_chunks(session)
            embedded = embed_missing(
                session,
                self.encoder,
                batch_size=self.settings.embedding_batch_size,
                progress=(lambda done, total: progress("embedding", done, total)) if progress else None,
            )
            vectors = build_vector_index(session, self.encoder, approximate=approximate_params(self.settings))
            snapshot = SearchSnapshot.build(session, vectors)
        self._active_index_dir = self.settings.index_dir
        # the confidence decision's reference points for this base, stored with the index
        calibration = self.calibrate(snapshot)
        calibration.save(self.calibration_path)
        vectors.save(self.index_path)
        snapshot.write_chunk_map(self.chunk_map_path)
        self._swap(snapshot, calibration)
        self._publish(len(vectors))
        return embedded, len(vectors)

    def _publish(self, chunks: int) -> None:
        """Publish every file of the index directory as a new generation for the other replicas."""
        generation = publish_generation(
            self.engine, self.settings.index_dir, model_id=self.encoder.model_id, dim=self.encoder.dim, chunks=chunks,
            store=self.settings.index_store, db_max_bytes=self.settings.index_db_max_bytes,
            keep=self.settings.index_keep_generations, published_by=self.settings.replica,
        )
        if generation is not None:
            self.generation = generation
        self._pinned = False

    def load_generation(self, directory: Path, generation: int) -> None:
        """Load a published generation (verified files in ``directory``) and swap it in atomically.

        Blocking and slow for large bases: run it in a worker thread; questions keep being answered
        from the previous snapshot meanwhile.
        """
        vectors = VectorIndex.load(directory / self.index_path.name, model_id=self.encoder.model_id,
                                   dim=self.encoder.dim, nprobe=self.settings.ivf_nprobe)
        snapshot = SearchSnapshot.from_chunk_map(directory / CHUNK_MAP_NAME, vectors)
        with self._write_lock:
            self._snapshot, self._calibration = snapshot, None
            self._active_index_dir = directory  # the generation's calibration, if it carries one
            self.generation = generation
            self._pinned = True

    @property
    def snapshot_loaded(self) -> bool:
        return self._snapshot is not None

    def reindex(self, *, progress: Progress | None = None) -> IngestReport:
        """Rebuild the index for the configured model (embeds only what has no cached vector)."""
        report = IngestReport("all")
        with self._write_lock:
            report.embedded, report.chunks = self._update_index(progress)
        return report

    def _swap(self, snapshot: SearchSnapshot, calibration: Calibration) -> None:
        self._snapshot, self._calibration = snapshot, calibration
        try:
            self._snapshot_mtime = self.index_path.stat().st_mtime_ns
        except FileNotFoundError:
            self._snapshot_mtime = None

    def snapshot(self) -> SearchSnapshot:
        """The current snapshot, (re)loaded from disk when the index file changed (another process)."""
        try:
            mtime = self.index_path.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if self._pinned and self._snapshot is not None:
            return self._snapshot  # a published generation: replaced by the generation watcher only
        if self._snapshot is None or (mtime is not None and mtime != self._snapshot_mtime):
            with self._write_lock:
                if mtime is None:
                    raise IndexMissing(f"No search index at {self.index_path}. Ingest data or run 'python bot.py reindex'.")
                vectors = VectorIndex.load(self.index_path, model_id=self.encoder.model_id, dim=self.encoder.dim,
                                           nprobe=self.settings.ivf_nprobe)
                with self.session() as session:
                    snapshot = SearchSnapshot.build(session, vectors)
                self._snapshot, self._calibration = snapshot, None
                self._snapshot_mtime = mtime
        return self._snapshot

    def anchors(self) -> Anchors:
        """Vectors of the in-scope and out-of-scope descriptions, encoded once per process."""
        if self._anchors is None:
            generic = (mean := self._probe_vectors()[0].mean(axis=0)) / np.linalg.norm(mean)  # a generic question
            self._anchors = Anchors(self.encoder.encode_passages(list(IN_SCOPE_TOPICS)),
                                    self.encoder.encode_passages(list(OUT_OF_SCOPE_TOPICS)), generic)
        return self._anchors

    def calibration(self) -> Calibration:
        """This base's calibration: stored beside the index, computed once after each index build."""
        snapshot = self.snapshot()
        calibration = self._calibration
        if calibration is None:
            with self._write_lock:
                calibration = Calibration.load(self.calibration_path)
                if calibration is None or calibration.model_id != self.encoder.model_id:
                    calibration = self.calibrate(snapshot)
                    calibration.save(self.calibration_path)
                if snapshot is self._snapshot:
                    self._calibration = calibration
        return calibration

    def _probe_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        if self._probes is None:
            self._probes = (self.encoder.encode_queries([expand_query(q) for q in IN_SCOPE_PROBES]),
                            self.encoder.encode_queries([expand_query(q) for q in OUT_OF_SCOPE_PROBES]))
        return self._probes

    def calibrate(self, snapshot: SearchSnapshot) -> Calibration:
        """Score the generic in-scope and out-of-scope probe questions against this base."""
        inside_vectors, outside_vectors = self._probe_vectors()

        def signals(questions: tuple[str, ...], vectors: np.ndarray) -> list[Signals]:
            out = []
            for question, vector in zip(questions, vectors):
                understood = snapshot.gazetteer.understand(question, expansion_terms(question))
                answer = retrieve(snapshot, vector, understood, k=2, params=self.params,
                                  search_text=expand_query(question), anchors=self.anchors())
                if answer.hits:
                    out.append(Signals(**answer.signals))
            return out

        return Calibration.from_probe_signals(signals(IN_SCOPE_PROBES, inside_vectors),
                                              signals(OUT_OF_SCOPE_PROBES, outside_vectors), self.encoder.model_id)

    def confidence_model(self) -> ConfidenceModel:
        return self.model.with_calibration(self.calibration())

    def has_index(self) -> bool:
        return self.index_path.exists()

    # --- questions ---------------------------------------------------------------------------------
    def ask(
        self, question: str, *, k: int = 5, previous: tuple[str, QueryFilters] | None = None,
        now: datetime | None = None,
    ) -> Answer:
        """Answer a question; ``previous`` (text, filters): the chat's previous question, which a
        follow-up ("und im Kreis Borken?", see knowledge.follow_up) refines; ``answer.follow_up``
        says whether it did. ``now`` (default: the current time) anchors periods ("nächsten Monat")."""
        started = time.perf_counter()
        now = now or datetime.now(UTC)
        if previous is None and small_talk_kind(question):
            return Answer(question, False, [], level="none", intent="smalltalk")
        snapshot = self.snapshot()
        search_text = expand_query(question)
        understood = snapshot.gazetteer.understand(question, expansion_terms(question), now=now,
                                                   timezone=self.settings.timezone)
        follow_up = previous is not None and is_follow_up(question, understood.filters)
        if follow_up and previous is not None:
            understood = merged_question(snapshot.gazetteer, understood, *previous, now=now,
                                         timezone=self.settings.timezone)
            search_text = f"{previous[0]} {search_text}"
        if not follow_up and registers_own_project(question):  # "unser Projekt zum Friedhof bei euch eintragen?"
            search_text = question = REGISTER_OWN_PROJECT_QUERY
        vector = question_vector(self.encoder, snapshot.lexical, search_text, question,
                                 clause_weight=self.params.clause_weight)
        answer = retrieve(snapshot, vector, understood, k=k, model=self.confidence_model(), params=self.params,
                          search_text=search_text, anchors=self.anchors(), now=now)
        answer.latency_ms, answer.follow_up = (time.perf_counter() - started) * 1000, follow_up
        return answer

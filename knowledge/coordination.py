"""Several processes on one database: PostgreSQL is the coordinator, no cluster protocol of our own.

* ``claim_update``: a unique ``update_id`` row decides which replica handles a Telegram update
  (Telegram retries and a load balancer may deliver one update twice).
* ``LeaderElection``: the holder of a PostgreSQL session advisory lock runs the schedule. The lock
  lives on one dedicated connection; when the holder dies its connection closes and PostgreSQL
  frees the lock, so a follower trying every ``lease/3`` seconds takes over within the lease. On
  SQLite (one process on one machine) the process is always the leader.

The jobs' own records live with the jobs: job runs unique on (job, scheduled time) in
``jobs.job_runs``, the shared send budget and ``SKIP LOCKED`` claiming in ``jobs.ledger``.
* ``ReplicaState``: each replica's heartbeat, role and loaded index generation (for ``/status``).

All functions are blocking (database); call them through ``asyncio.to_thread`` from the bot.
"""

from __future__ import annotations

import logging
import threading
import zlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.clock import utc_now as utcnow
from knowledge.models import aware_column

log = logging.getLogger(__name__)

# One advisory-lock key per deployment database (crc32 of a fixed name, fits in int4 → bigint).
LEADER_LOCK_KEY = zlib.crc32(b"ikz-assistent:scheduler")


class ProcessedUpdate(SQLModel, table=True):
    """A Telegram update taken by some replica (unique on ``update_id``)."""

    __tablename__ = "processed_updates"

    update_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    replica: str = Field(max_length=200)
    received_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(index=True))


class ReplicaState(SQLModel, table=True):
    """A running bot process: heartbeat, whether it leads the schedule, its index generation."""

    __tablename__ = "replica_states"

    replica: str = Field(primary_key=True, max_length=200)
    mode: str = Field(default="polling", max_length=20)
    leader: bool = False
    generation: int | None = None
    started_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())
    heartbeat_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())


# --- updates ---------------------------------------------------------------------------------------
def claim_update(engine: Engine, update_id: int, *, replica: str, now: datetime | None = None) -> bool:
    """True when this process is the first to take ``update_id`` (then it must handle it)."""
    with Session(engine) as session:
        try:
            session.execute(
                sa.insert(ProcessedUpdate).values(update_id=update_id, replica=replica, received_at=now or utcnow())
            )
            session.commit()
            return True
        except sa.exc.IntegrityError:
            session.rollback()
            return False


def purge_processed_updates(engine: Engine, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Forget update ids older than ``older_than`` (Telegram stops retrying after a day)."""
    cutoff = (now or utcnow()) - older_than
    with Session(engine) as session:
        result = session.execute(sa.delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < cutoff))
        session.commit()
        return int(result.rowcount or 0)


# --- leader election -------------------------------------------------------------------------------
class LeaderElection:
    """Who runs the schedule: the holder of a PostgreSQL advisory lock (SQLite: this process).

    ``check()`` is called every ``lease_s / 3`` seconds by every replica: the leader verifies its
    lock connection is alive (else it steps down), a follower tries to take the lock.
    """

    def __init__(self, engine: Engine, *, lease_s: float, key: int = LEADER_LOCK_KEY) -> None:
        self.lease_s = lease_s
        self.key = key
        self._single = engine.dialect.name != "postgresql"
        self._engine: Engine | None = None
        if not self._single:
            # A separate, unpooled engine: the lock connection must not be handed to other work.
            idle = max(1, int(lease_s / 3))
            self._engine = sa.create_engine(
                engine.url, poolclass=sa.pool.NullPool,
                connect_args={"keepalives": 1, "keepalives_idle": idle, "keepalives_interval": idle,
                              "keepalives_count": 2, "tcp_user_timeout": int(lease_s * 1000 / 2),
                              "connect_timeout": max(1, int(lease_s / 3))},
            )
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self.is_leader = self._single

    @property
    def single_process(self) -> bool:
        return self._single

    def check(self) -> bool:
        """Keep or try to take the leadership; returns whether this process leads now."""
        if self._single:
            return True
        with self._lock:
            if self._conn is not None:
                try:
                    held = self._conn.execute(
                        sa.text("SELECT count(*) FROM pg_locks WHERE locktype='advisory' AND granted "
                                "AND pid=pg_backend_pid() AND objid=:k"), {"k": self.key & 0xFFFFFFFF}
                    ).scalar_one()
                    if held:
                        return True
                    log.warning("advisory lock lost; stepping down")
                except Exception:  # noqa: BLE001 - a broken lock connection means we are no longer leader
                    log.warning("lock connection broken; stepping down", exc_info=True)
                self._drop()
            try:
                conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")  # type: ignore[union-attr]
            except Exception:  # noqa: BLE001
                log.warning("cannot reach the database for the leader lock", exc_info=True)
                self.is_leader = False
                return False
            try:
                got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar_one())
            except Exception:  # noqa: BLE001
                conn.close()
                self.is_leader = False
                return False
            if got:
                self._conn = conn
                self.is_leader = True
                log.info("this replica now leads the schedule")
            else:
                conn.close()
                self.is_leader = False
            return got

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._conn = None
        self.is_leader = False

    def release(self) -> None:
        """Give the lock up (clean shutdown): another replica takes over at its next check."""
        if self._single:
            return
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                except Exception:  # noqa: BLE001
                    pass
            self._drop()
        if self._engine is not None:
            self._engine.dispose()


# --- replicas --------------------------------------------------------------------------------------
def heartbeat(engine: Engine, replica: str, *, mode: str, leader: bool, generation: int | None,
              now: datetime | None = None) -> None:
    """Upsert this replica's row."""
    now = now or utcnow()
    with Session(engine) as session:
        row = session.get(ReplicaState, replica)
        if row is None:
            row = ReplicaState(replica=replica, mode=mode, started_at=now)
        row.mode, row.leader, row.generation, row.heartbeat_at = mode, leader, generation, now
        session.add(row)
        try:
            session.commit()
        except sa.exc.IntegrityError:  # two heartbeats of a new replica raced: the other one wrote it
            session.rollback()


def live_replicas(engine: Engine, *, now: datetime | None = None, within: timedelta = timedelta(minutes=5)) -> list[ReplicaState]:
    """Replicas with a heartbeat in the last ``within``, by name."""
    cutoff = (now or utcnow()) - within
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(
            select(ReplicaState).where(col(ReplicaState.heartbeat_at) >= cutoff).order_by(ReplicaState.replica)
        ).all())


def remove_replica(engine: Engine, replica: str) -> None:
    with Session(engine) as session:
        row = session.get(ReplicaState, replica)
        if row is not None:
            session.delete(row)
            session.commit()

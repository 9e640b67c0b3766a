"""Every run of a scheduled job is a row unique on (job, scheduled time): whichever replica leads
the schedule records the run first, so a fail-over never runs one twice (see ``bot.replicas``).

All functions are blocking (database); call them through ``asyncio.to_thread`` from the bot.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from knowledge.clock import utc_now as utcnow
from knowledge.models import aware_column

DONE = "done"
FAILED = "failed"
RUNNING = "running"


class JobRun(SQLModel, table=True):
    """One run of a scheduled job; unique on (job, scheduled time)."""

    __tablename__ = "job_runs"
    __table_args__ = (sa.UniqueConstraint("job", "scheduled_at", name="uq_job_run_job_scheduled"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=200)
    scheduled_at: datetime = Field(sa_column=aware_column())
    replica: str = Field(max_length=200)
    status: str = Field(default=RUNNING, max_length=20)
    started_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())
    finished_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))


def claim_job_run(engine: Engine, job: str, scheduled_at: datetime, *, replica: str, now: datetime | None = None) -> bool:
    """True when nobody has run (or is running) ``job`` for ``scheduled_at`` yet; records the run."""
    with Session(engine) as session:
        try:
            session.execute(
                sa.insert(JobRun).values(job=job, scheduled_at=scheduled_at, replica=replica, status=RUNNING,
                                         started_at=now or utcnow())
            )
            session.commit()
            return True
        except sa.exc.IntegrityError:
            session.rollback()
            return False


def finish_job_run(engine: Engine, job: str, scheduled_at: datetime, *, status: str = DONE,
                   now: datetime | None = None) -> None:
    with Session(engine) as session:
        session.execute(
            sa.update(JobRun)
            .where(JobRun.job == job, JobRun.scheduled_at == scheduled_at)
            .values(status=status, finished_at=now or utcnow())
        )
        session.commit()


def job_runs(engine: Engine, job: str | None = None) -> list[JobRun]:
    with Session(engine, expire_on_commit=False) as session:
        stmt = select(JobRun).order_by(JobRun.scheduled_at)
        if job is not None:
            stmt = stmt.where(JobRun.job == job)
        return list(session.exec(stmt).all())


def interval_slot(now: datetime, interval_s: float) -> datetime:
    """The scheduled time of an interval job that fires at multiples of ``interval_s`` since the epoch."""
    stamp = now.timestamp()
    return datetime.fromtimestamp(stamp - (stamp % interval_s), UTC)


def next_interval_slot(now: datetime, interval_s: float) -> datetime:
    return interval_slot(now, interval_s) + timedelta(seconds=interval_s)

"""The delivery ledger of the jobs: "what was sent to whom", one row per (kind, ref, chat).

The unique constraint on (kind, ref, chat) is what makes every job idempotent. The state machine
of a row is described in :mod:`jobs.delivery`; its kind is a typed :class:`DeliveryKind`
(stored as ``announce``, ``remind:7``, ``change:<schedule hash>``, ``digest:2026-W19`` …).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.clock import utc_now
from knowledge.models import aware_column

# Delivery states.
PENDING = "pending"  # planned, not attempted yet (or released after a retryable failure)
SENDING = "sending"  # committed right before the HTTP call; if the process dies here it stays ambiguous
SENT = "sent"
FAILED = "failed"  # permanent: blocked bot, bad request, too many attempts
UNCONFIRMED = "unconfirmed"  # was 'sending' when a process died; never re-sent (at-most-once)
SKIPPED = "skipped"  # no longer relevant (event cancelled/removed, subscriber inactive)
COMMUNICATED = (SENDING, SENT, UNCONFIRMED)  # the subscriber has (probably) seen it


class NoticeKind(StrEnum):
    """What a delivery tells the subscriber."""

    ANNOUNCE = "announce"
    REMIND = "remind"
    CHANGE = "change"
    CANCEL = "cancel"
    DIGEST = "digest"
    BROADCAST = "broadcast"


@dataclass(frozen=True)
class DeliveryKind:
    """A ledger row's kind: the notice plus its detail (days before, schedule hash, ISO week)."""

    notice: NoticeKind
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.notice}:{self.detail}" if self.detail else str(self.notice)

    @classmethod
    def parse(cls, text: str) -> DeliveryKind:
        """The kind stored in a ledger row; ValueError for anything unknown."""
        name, _, detail = text.partition(":")
        return cls(NoticeKind(name), detail)

    @property
    def days(self) -> int:
        """Reminders: days before the event."""
        return int(self.detail)


ANNOUNCE = DeliveryKind(NoticeKind.ANNOUNCE)
CANCEL = DeliveryKind(NoticeKind.CANCEL)
BROADCAST = DeliveryKind(NoticeKind.BROADCAST)


def change_kind(schedule_hash: str) -> DeliveryKind:
    return DeliveryKind(NoticeKind.CHANGE, schedule_hash)


def remind_kind(days: int) -> DeliveryKind:
    return DeliveryKind(NoticeKind.REMIND, str(days))


def digest_kind(week: str) -> DeliveryKind:
    return DeliveryKind(NoticeKind.DIGEST, week)


class Delivery(SQLModel, table=True):
    """One message for one chat: an event notice, a digest or a maintainers' broadcast."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("kind", "ref", "chat_id", name="uq_delivery_kind_ref_chat"),
        sa.Index("ix_delivery_status_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=100, description="A DeliveryKind as text.")
    ref: str = Field(max_length=300, index=True, description="Event id, broadcast id or digest week.")
    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))
    status: str = Field(default=PENDING, max_length=20)
    attempts: int = 0
    not_before: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    schedule_hash: str | None = Field(default=None, max_length=64, description="Event time/place when sent.")
    message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utc_now, sa_column=aware_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=aware_column())


class Broadcast(SQLModel, table=True):
    """A maintainers' message to all active subscribers."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_type=sa.Text)
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    created_at: datetime = Field(default_factory=utc_now, sa_column=aware_column())
    recipients: int = 0


class SendBudgetRow(SQLModel, table=True):
    """The token bucket all processes share when sending (one row per name; see `SendBudget`)."""

    __tablename__ = "send_budget"

    name: str = Field(primary_key=True, max_length=50)
    tokens: float = 0.0
    updated: float = 0.0  # epoch seconds
    paused_until: float = 0.0


class EventSnapshot(SQLModel, table=True):
    """What subscribers were told about an event, kept so a notice can be sent if it disappears."""

    __tablename__ = "event_snapshots"

    event_id: str = Field(primary_key=True, max_length=300)
    title: str = Field(max_length=500)
    start: datetime = Field(sa_column=aware_column())
    end: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    location: str | None = Field(default=None, max_length=500)
    online_url: str | None = Field(default=None, max_length=1000)
    topic: str = Field(default="", max_length=200)
    removed: bool = False
    updated_at: datetime = Field(default_factory=utc_now, sa_column=aware_column())


# --- planning and counting ----------------------------------------------------------------------------------
def insert_deliveries(engine: Engine, rows: Sequence[dict], *, now: datetime) -> int:
    """Insert planned deliveries that do not exist yet, in one transaction (idempotent).

    ``rows``: dicts with kind (a DeliveryKind), ref, chat_id (optionally not_before, schedule_hash). Safe with
    concurrent planners: on a unique-constraint race it falls back to row-by-row inserts.
    Returns how many rows were new.
    """
    if not rows:
        return 0
    with Session(engine) as session:
        refs = sorted({r["ref"] for r in rows})
        existing: set[tuple[str, str, int]] = set()
        for start in range(0, len(refs), 500):
            part = refs[start : start + 500]
            existing.update(
                (k, r, c)
                for k, r, c in session.exec(
                    select(Delivery.kind, Delivery.ref, Delivery.chat_id).where(col(Delivery.ref).in_(part))
                ).all()
            )
        new = []
        seen: set[tuple[str, str, int]] = set()
        for r in rows:
            key = (str(r["kind"]), r["ref"], r["chat_id"])
            if key in existing or key in seen:
                continue
            seen.add(key)
            new.append({"status": PENDING, "attempts": 0, "created_at": now, "updated_at": now,
                        "not_before": None, "schedule_hash": None, **r, "kind": str(r["kind"])})
        if not new:
            return 0
        try:
            session.execute(sa.insert(Delivery), new)
            session.commit()
            return len(new)
        except sa.exc.IntegrityError:
            session.rollback()
    inserted = 0
    for values in new:
        with Session(engine) as session:
            try:
                session.execute(sa.insert(Delivery), [values])
                session.commit()
                inserted += 1
            except sa.exc.IntegrityError:
                session.rollback()
    return inserted


def delivery_counts(engine: Engine, *, kind: DeliveryKind | str | None = None, ref: str | None = None
                    ) -> dict[str, int]:
    """Number of deliveries per status (optionally for one kind/ref)."""
    with Session(engine) as session:
        stmt = select(Delivery.status, sa.func.count()).group_by(Delivery.status)
        if kind is not None:
            stmt = stmt.where(Delivery.kind == str(kind))
        if ref is not None:
            stmt = stmt.where(Delivery.ref == ref)
        return {status: int(n) for status, n in session.exec(stmt).all()}


# --- ledger operations (blocking) -----------------------------------------------------------------
def expire_stale_sending(engine: Engine, *, now: datetime, lease_s: float) -> int:
    """Rows left in 'sending' by a dead process become 'unconfirmed' (they are never re-sent)."""
    with Session(engine) as session:
        result = session.exec(
            sa.update(Delivery)
            .where(Delivery.status == SENDING, Delivery.updated_at < now - timedelta(seconds=lease_s))
            .values(status=UNCONFIRMED, updated_at=now)
        )
        session.commit()
        return int(result.rowcount or 0)


def due_batch(engine: Engine, *, now: datetime, after_id: int, limit: int) -> list[Delivery]:
    with Session(engine, expire_on_commit=False) as session:
        stmt = (
            select(Delivery)
            .where(Delivery.status == PENDING, Delivery.id > after_id)
            .where((Delivery.not_before == None) | (Delivery.not_before <= now))  # noqa: E711
            .order_by(Delivery.id)
            .limit(limit)
        )
        return list(session.exec(stmt).all())


def next_retry_at(engine: Engine) -> datetime | None:
    with Session(engine) as session:
        return session.exec(
            select(sa.func.min(Delivery.not_before)).where(Delivery.status == PENDING, Delivery.not_before != None)  # noqa: E711
        ).one()


def claim(engine: Engine, delivery_id: int, *, worker: str, now: datetime, schedule_hash: str | None) -> bool:
    """pending → sending, committed before the HTTP call; False if another process has it.

    The row is first locked with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite ignores it): a
    replica whose competitor is claiming the same row moves on at once instead of waiting."""
    with Session(engine) as session:
        free = session.exec(
            select(Delivery.id).where(Delivery.id == delivery_id, Delivery.status == PENDING)
            .with_for_update(skip_locked=True)
        ).first()
        if free is None:
            session.rollback()
            return False
        result = session.exec(
            sa.update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == PENDING)
            .values(status=SENDING, claimed_by=worker, updated_at=now, attempts=Delivery.attempts + 1,
                    schedule_hash=schedule_hash)
        )
        session.commit()
        return result.rowcount == 1


def finish(engine: Engine, delivery_id: int, *, status: str, now: datetime, message_id: int | None = None,
            error: str | None = None, not_before: datetime | None = None) -> None:
    with Session(engine) as session:
        session.exec(
            sa.update(Delivery)
            .where(Delivery.id == delivery_id)
            .values(status=status, updated_at=now, message_id=message_id, error=error[:500] if error else None,
                    not_before=not_before)
        )
        session.commit()


def skip(engine: Engine, ids: list[int], *, now: datetime, reason: str) -> None:
    if not ids:
        return
    with Session(engine) as session:
        session.exec(
            sa.update(Delivery)
            .where(col(Delivery.id).in_(ids), Delivery.status == PENDING)
            .values(status=SKIPPED, error=reason, updated_at=now)
        )
        session.commit()


# --- the send budget of all processes -------------------------------------------------------------
@dataclass
class SendBudget:
    """A token bucket in the database (``SELECT … FOR UPDATE`` on one row): ``rate`` sends per second
    over all replicas together. Same interface as ``jobs.delivery.TokenBucket``."""

    engine: Engine
    rate: float
    capacity: float = 1.0
    name: str = "telegram"
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    wall: Callable[[], float] = time.time

    def _take(self) -> float:
        """Take a token (returns 0) or say how long to wait."""
        with Session(self.engine) as session:
            row = session.exec(select(SendBudgetRow).where(SendBudgetRow.name == self.name).with_for_update()).first()
            now = self.wall()
            if row is None:
                try:
                    session.add(SendBudgetRow(name=self.name, tokens=self.capacity - 1.0, updated=now))
                    session.commit()
                    return 0.0
                except sa.exc.IntegrityError:  # another process made the row first
                    session.rollback()
                    return 0.001
            if now < row.paused_until:
                return row.paused_until - now
            tokens = min(self.capacity, row.tokens + max(0.0, now - row.updated) * self.rate)
            if tokens >= 1.0 - 1e-9:
                row.tokens, row.updated = max(0.0, tokens - 1.0), now
                session.add(row)
                session.commit()
                return 0.0
            session.rollback()
            return max(0.001, (1.0 - tokens) / self.rate)

    async def acquire(self) -> None:
        while (wait := await asyncio.to_thread(self._take)) > 0:
            await self.sleep(wait)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: every process stops for ``seconds``."""
        until = self.wall() + seconds
        paused = (sa.func.greatest(SendBudgetRow.paused_until, until)
                  if self.engine.dialect.name == "postgresql" else until)
        with Session(self.engine) as session:
            session.execute(sa.update(SendBudgetRow).where(SendBudgetRow.name == self.name)
                            .values(paused_until=paused, tokens=0.0))
            session.commit()

"""Subscribers, their topic choices and the delivery ledger ("what was sent to whom").

Portable SQLModel tables (SQLite and PostgreSQL) plus keyword-only CRUD functions. The delivery
ledger has one row per (kind, ref, chat): the unique constraint is what makes every job idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.models import aware_column, utcnow

# Delivery states (see docs/README-events.md for the state machine).
PENDING = "pending"  # planned, not attempted yet (or released after a retryable failure)
SENDING = "sending"  # committed right before the HTTP call; if the process dies here it stays ambiguous
SENT = "sent"
FAILED = "failed"  # permanent: blocked bot, bad request, too many attempts
UNCONFIRMED = "unconfirmed"  # was 'sending' when a process died; never re-sent (at-most-once)
COMMUNICATED = (SENDING, SENT, UNCONFIRMED)  # the subscriber has (probably) seen it

# Delivery kinds; change notices carry the schedule hash, reminders the number of days.
ANNOUNCE = "announce"
CANCEL = "cancel"
BROADCAST = "broadcast"


def change_kind(schedule_hash: str) -> str:
    return f"change:{schedule_hash}"


def remind_kind(days: int) -> str:
    return f"remind:{days}"


def digest_kind(week: str) -> str:
    return f"digest:{week}"


class Subscriber(SQLModel, table=True):
    """One subscribed chat (a private chat is the user)."""

    __tablename__ = "subscribers"

    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(default="de", max_length=8)
    active: bool = Field(default=True, index=True)
    all_topics: bool = True
    digest: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())
    deactivated_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    deactivated_reason: str | None = Field(default=None, max_length=50)


class SubscriberTopic(SQLModel, table=True):
    """A topic area a subscriber chose (only used when ``all_topics`` is false)."""

    __tablename__ = "subscriber_topics"

    chat_id: int = Field(
        sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("subscribers.chat_id", ondelete="CASCADE"), primary_key=True)
    )
    topic: str = Field(primary_key=True, max_length=200)


class Delivery(SQLModel, table=True):
    """One message for one chat: an event notice, a digest or a maintainers' broadcast."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("kind", "ref", "chat_id", name="uq_delivery_kind_ref_chat"),
        sa.Index("ix_delivery_status_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=100)
    ref: str = Field(max_length=300, index=True, description="Event id, broadcast id or digest week.")
    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))
    status: str = Field(default=PENDING, max_length=20)
    attempts: int = 0
    not_before: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    schedule_hash: str | None = Field(default=None, max_length=64, description="Event time/place when sent.")
    message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())


class Broadcast(SQLModel, table=True):
    """A maintainers' message to all active subscribers."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_type=sa.Text)
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())
    recipients: int = 0


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
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())


# --- subscribers ---------------------------------------------------------------------------------
def get_subscriber(engine: Engine, *, chat_id: int) -> tuple[Subscriber | None, list[str]]:
    """The subscriber row and its chosen topics (sorted)."""
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Subscriber, chat_id)
        topics = _topics(session, chat_id) if row is not None else []
    return row, topics


def _topics(session: Session, chat_id: int) -> list[str]:
    rows = session.exec(select(SubscriberTopic.topic).where(SubscriberTopic.chat_id == chat_id)).all()
    return sorted(rows, key=str.lower)


def subscribe(
    engine: Engine,
    *,
    chat_id: int,
    language: str = "de",
    all_topics: bool | None = None,
    add_topics: Iterable[str] = (),
    toggle_topics: Iterable[str] = (),
    digest: bool | None = None,
    now: datetime | None = None,
) -> tuple[Subscriber, list[str]]:
    """Create or update (and re-activate) a subscription; returns the row and its topics.

    ``all_topics=True`` clears the topic choice; adding or toggling topics switches to the
    topic filter. When the last topic is toggled off, the subscriber gets all topics again.
    """
    now = now or utcnow()
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Subscriber, chat_id)
        if row is None:
            row = Subscriber(chat_id=chat_id, language=language, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
        row.active = True
        row.deactivated_at = None
        row.deactivated_reason = None
        row.language = language
        row.updated_at = now
        if digest is not None:
            row.digest = digest
        add, toggle = list(add_topics), list(toggle_topics)
        current = set(_topics(session, chat_id))
        wanted = current | set(add)
        for topic in toggle:
            wanted.symmetric_difference_update({topic})
        if all_topics:
            wanted = set()
            row.all_topics = True
        elif add or toggle:
            row.all_topics = not wanted
        for topic in current - wanted:
            session.exec(
                sa.delete(SubscriberTopic).where(SubscriberTopic.chat_id == chat_id, SubscriberTopic.topic == topic)
            )
        for topic in wanted - current:
            session.add(SubscriberTopic(chat_id=chat_id, topic=topic))
        session.add(row)
        session.commit()
        return row, _topics(session, chat_id)


def unsubscribe(engine: Engine, *, chat_id: int, reason: str = "unsubscribed", now: datetime | None = None) -> bool:
    """Deactivate a subscriber (kept for the delivery ledger); False if it was not active."""
    now = now or utcnow()
    with Session(engine) as session:
        result = session.exec(
            sa.update(Subscriber)
            .where(Subscriber.chat_id == chat_id, Subscriber.active == True)  # noqa: E712
            .values(active=False, deactivated_at=now, deactivated_reason=reason, updated_at=now)
        )
        session.commit()
        return bool(result.rowcount)


def active_subscribers(session: Session) -> list[tuple[Subscriber, set[str]]]:
    """All active subscribers with their topic sets (empty set = all topics)."""
    rows = session.exec(select(Subscriber).where(Subscriber.active == True)).all()  # noqa: E712
    topics: dict[int, set[str]] = {}
    for chat_id, topic in session.exec(select(SubscriberTopic.chat_id, SubscriberTopic.topic)).all():
        topics.setdefault(chat_id, set()).add(topic)
    return [(row, set() if row.all_topics else topics.get(row.chat_id, set())) for row in rows]


def count_active(engine: Engine) -> int:
    with Session(engine) as session:
        return int(
            session.exec(select(sa.func.count()).select_from(Subscriber).where(Subscriber.active == True)).one()  # noqa: E712
        )


# --- deliveries ----------------------------------------------------------------------------------
def insert_deliveries(engine: Engine, rows: Sequence[dict], *, now: datetime) -> int:
    """Insert planned deliveries that do not exist yet, in one transaction (idempotent).

    ``rows``: dicts with kind, ref, chat_id (optionally not_before, schedule_hash). Safe with
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
            key = (r["kind"], r["ref"], r["chat_id"])
            if key in existing or key in seen:
                continue
            seen.add(key)
            new.append({"status": PENDING, "attempts": 0, "created_at": now, "updated_at": now,
                        "not_before": None, "schedule_hash": None, **r})
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


def delivery_counts(engine: Engine, *, kind: str | None = None, ref: str | None = None) -> dict[str, int]:
    """Number of deliveries per status (optionally for one kind/ref)."""
    with Session(engine) as session:
        stmt = select(Delivery.status, sa.func.count()).group_by(Delivery.status)
        if kind is not None:
            stmt = stmt.where(Delivery.kind == kind)
        if ref is not None:
            stmt = stmt.where(Delivery.ref == ref)
        return {status: int(n) for status, n in session.exec(stmt).all()}


def known_topics(engine: Engine) -> list[str]:
    """Topic areas one can subscribe to: those of projects and events, alphabetically."""
    from knowledge.models import Event, Project

    with Session(engine) as session:
        names = set(session.exec(select(Project.topic).where(Project.topic != "").distinct()).all())
        names |= set(session.exec(select(Event.topic).where(Event.topic != "").distinct()).all())
    return sorted(names, key=str.lower)

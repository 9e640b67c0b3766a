"""Subscribers of event notices and their topic choices.

Portable SQLModel tables (SQLite and PostgreSQL) plus keyword-only functions. What was sent to
whom is the jobs' delivery ledger (:mod:`jobs.ledger`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from knowledge.clock import utc_now
from knowledge.models import aware_column


class Subscriber(SQLModel, table=True):
    """One subscribed chat (a private chat is the user)."""

    __tablename__ = "subscribers"

    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(default="de", max_length=8)
    active: bool = Field(default=True, index=True)
    all_topics: bool = True
    digest: bool = False
    created_at: datetime = Field(default_factory=utc_now, sa_column=aware_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=aware_column())
    deactivated_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    deactivated_reason: str | None = Field(default=None, max_length=50)


class SubscriberTopic(SQLModel, table=True):
    """A topic area a subscriber chose (only used when ``all_topics`` is false)."""

    __tablename__ = "subscriber_topics"

    chat_id: int = Field(
        sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("subscribers.chat_id", ondelete="CASCADE"), primary_key=True)
    )
    topic: str = Field(primary_key=True, max_length=200)


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
    now = now or utc_now()
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
    now = now or utc_now()
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


def known_topics(engine: Engine) -> list[str]:
    """Topic areas one can subscribe to: those of projects and events, alphabetically."""
    from knowledge.models import Event, Project

    with Session(engine) as session:
        names = set(session.exec(select(Project.topic).where(Project.topic != "").distinct()).all())
        names |= set(session.exec(select(Event.topic).where(Event.topic != "").distinct()).all())
    return sorted(names, key=str.lower)

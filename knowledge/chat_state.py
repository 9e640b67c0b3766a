"""Conversation state that must survive a change of replica: it lives in the database.

Any replica may take the next message or button press of a chat, so nothing that matters is
kept per process:

* ``chat_contexts`` — each chat's previous question (for follow-ups like "und im Kreis Borken?");
* ``answer_contexts`` — the follow-up context an answer was computed with, so a button of that
  answer ("more results") re-derives the same answer on another replica (the answer itself is
  derivable: the question is in ``query_log``, the index is the published generation);
* ``rate_events`` — the per-user question rate limit (one row per question, kept one minute);
* ``pending_broadcasts`` — a maintainer's broadcast waiting for its confirmation button.

Every table here holds personal data and is registered in ``jobs.personal_data`` (export,
erasure, retention after ``conversation_state_retention_days``). All functions are blocking
(database): call them off the event loop.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.ingest.limits import strip_control_chars
from knowledge.models import aware_column
from knowledge.query_understanding import QueryFilters

RATE_WINDOW = timedelta(minutes=1)


class ChatContext(SQLModel, table=True):
    """The previous question of a chat."""

    __tablename__ = "chat_contexts"

    chat_key: str = Field(primary_key=True, max_length=100)
    user_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True, index=True))
    search_text: str = Field(sa_type=sa.Text)
    question: str = Field(sa_type=sa.Text)
    filters: dict = Field(default_factory=dict, sa_type=sa.JSON)
    at: datetime = Field(sa_column=aware_column(index=True))


class AnswerContext(SQLModel, table=True):
    """The follow-up context of a logged question (only follow-ups have one)."""

    __tablename__ = "answer_contexts"

    query_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    user_hash: str | None = Field(default=None, max_length=64, index=True)
    previous_search_text: str = Field(sa_type=sa.Text)
    previous_filters: dict = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(sa_column=aware_column(index=True))


class RateEvent(SQLModel, table=True):
    """One question of one user (by pseudonym), kept for the rate-limit window."""

    __tablename__ = "rate_events"
    __table_args__ = (sa.Index("ix_rate_events_user_at", "user_hash", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_hash: str = Field(max_length=64)
    at: datetime = Field(sa_column=aware_column(index=True))


class PendingBroadcastRow(SQLModel, table=True):
    """A maintainer's broadcast shown for confirmation, not yet sent or cancelled."""

    __tablename__ = "pending_broadcasts"

    token: str = Field(primary_key=True, max_length=64)
    text: str = Field(sa_type=sa.Text)
    admin_id: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    created_at: datetime = Field(sa_column=aware_column(index=True))


# --- filters as JSON -------------------------------------------------------------------------------
def filters_to_json(filters: QueryFilters) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(filters):
        value = getattr(filters, f.name)
        out[f.name] = sorted(value) if isinstance(value, (frozenset, set)) else list(value) if isinstance(value, tuple) else value
    return out


def filters_from_json(data: dict[str, Any]) -> QueryFilters:
    defaults = QueryFilters()
    values: dict[str, Any] = {}
    for f in dataclasses.fields(QueryFilters):
        if f.name not in data:
            continue
        value, default = data[f.name], getattr(defaults, f.name)
        if isinstance(default, frozenset):
            value = frozenset(value or ())
        elif isinstance(default, tuple):
            value = tuple(value or ())
        values[f.name] = value
    return QueryFilters(**values)


# --- follow-up context ---------------------------------------------------------------------------
def remember_context(engine: Engine, chat_key: int | str, *, user_id: int | str | None, search_text: str,
                     question: str, filters: QueryFilters, now: datetime) -> None:
    key = str(chat_key)
    with Session(engine) as session:
        row = session.get(ChatContext, key) or ChatContext(chat_key=key, search_text="", question="", at=now)
        row.user_id = user_id if isinstance(user_id, int) else None
        # no NUL and other control characters: PostgreSQL refuses them in text
        row.search_text, row.question = strip_control_chars(search_text), strip_control_chars(question)
        row.filters, row.at = filters_to_json(filters), now
        session.add(row)
        try:
            session.commit()
        except sa.exc.IntegrityError:  # the same chat on two replicas at once: the other one wrote it
            session.rollback()


def previous_context(engine: Engine, chat_key: int | str, *, now: datetime, window: timedelta
                     ) -> tuple[str, str, QueryFilters, datetime] | None:
    """(search text, question, filters, when) of the chat's previous question within ``window``."""
    with Session(engine) as session:
        row = session.get(ChatContext, str(chat_key))
        if row is None or now - row.at > window:
            return None
        return row.search_text, row.question, filters_from_json(row.filters or {}), row.at


def forget_chat_contexts(engine: Engine, user_id: int | str) -> int:
    """Drop every previous question of ``user_id`` (also the console's, keyed by name only)."""
    with Session(engine) as session:
        where = col(ChatContext.chat_key) == str(user_id)
        if isinstance(user_id, int):
            where = where | (col(ChatContext.user_id) == user_id)
        n = session.execute(sa.delete(ChatContext).where(where)).rowcount
        session.commit()
        return int(n or 0)


def store_answer_context(engine: Engine, query_id: int, *, user_hash: str | None, previous_search_text: str,
                         previous_filters: QueryFilters, now: datetime) -> None:
    with Session(engine) as session:
        session.merge(AnswerContext(query_id=query_id, user_hash=user_hash,
                                    previous_search_text=strip_control_chars(previous_search_text),
                                    previous_filters=filters_to_json(previous_filters), created_at=now))
        session.commit()


def answer_context(engine: Engine, query_id: int) -> tuple[str, QueryFilters] | None:
    with Session(engine) as session:
        row = session.get(AnswerContext, query_id)
        return (row.previous_search_text, filters_from_json(row.previous_filters or {})) if row else None


# --- rate limit ------------------------------------------------------------------------------------
def _wait_s(times: list[datetime], per_minute: int, now: datetime) -> int:
    if len(times) < per_minute:
        return 0
    return max(1, int((times[-per_minute] + RATE_WINDOW - now).total_seconds() + 0.999))


def take_rate_slot(engine: Engine, user_hash: str, *, per_minute: int, now: datetime) -> int:
    """Record a question of the user ``user_hash`` if within ``per_minute`` per sliding minute: 0,
    else the seconds until they may ask again. Serialised per user on PostgreSQL (advisory lock)."""
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": user_hash})
        session.execute(sa.delete(RateEvent).where(col(RateEvent.at) <= now - RATE_WINDOW))
        times = list(session.exec(
            select(RateEvent.at).where(RateEvent.user_hash == user_hash).order_by(RateEvent.at)).all())
        wait = _wait_s(times, per_minute, now)
        if not wait:
            session.add(RateEvent(user_hash=user_hash, at=now))
        session.commit()
        return wait


def rate_wait_s(engine: Engine, user_hash: str, *, per_minute: int, now: datetime) -> int:
    """Seconds until the user ``user_hash`` may ask again (0: now), without recording anything."""
    with Session(engine) as session:
        times = list(session.exec(
            select(RateEvent.at).where(RateEvent.user_hash == user_hash, col(RateEvent.at) > now - RATE_WINDOW)
            .order_by(RateEvent.at)
        ).all())
    return _wait_s(times, per_minute, now)


# --- pending broadcasts ----------------------------------------------------------------------------
def put_pending_broadcast(engine: Engine, token: str, *, text: str, admin_id: int, now: datetime) -> None:
    with Session(engine) as session:
        session.add(PendingBroadcastRow(token=token, text=text, admin_id=admin_id, created_at=now))
        session.commit()


def take_pending_broadcast(engine: Engine, token: str, *, admin_id: int) -> str | None:
    """The text of the pending broadcast, removed — exactly one caller (on any replica) gets it."""
    with Session(engine) as session:
        row = session.get(PendingBroadcastRow, token)
        if row is None or row.admin_id != admin_id:
            return None
        text = row.text
        deleted = session.execute(sa.delete(PendingBroadcastRow).where(PendingBroadcastRow.token == token)).rowcount
        session.commit()
        return text if deleted == 1 else None

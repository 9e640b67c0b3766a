"""Why an answer was rated 👎: a reason code (and optionally the user's own words) per question.

Stored beside the query log (``query_id``), with the same pseudonymised user hash so that a
user's reasons are deleted with the rest of their data and by the query-log retention.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.clock import utc_now as utcnow
from knowledge.models import aware_column
from knowledge.query_log import QueryLog

REASONS = ("wrong", "outdated", "incomplete", "off_topic", "other")
MAX_REASON_TEXT = 500


class FeedbackReason(SQLModel, table=True):
    """One reason given for a 👎 (the latest one per question counts)."""

    __tablename__ = "feedback_reasons"

    id: int | None = Field(default=None, primary_key=True)
    query_id: int = Field(index=True)
    user_hash: str | None = Field(default=None, max_length=64, index=True)
    reason: str = Field(max_length=20)
    text: str | None = Field(default=None, max_length=MAX_REASON_TEXT)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(index=True))


def record_reason(engine: Engine, query_id: int, reason: str, *, text: str | None = None,
                  clock: Callable[[], datetime] = utcnow) -> bool:
    """Store the reason for the 👎 on ``query_id`` (replacing an earlier one); False if unknown."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    cleaned = " ".join((text or "").split())[:MAX_REASON_TEXT] or None
    with Session(engine) as session:
        logged = session.get(QueryLog, query_id)
        if logged is None:
            return False
        session.exec(sa.delete(FeedbackReason).where(col(FeedbackReason.query_id) == query_id))  # type: ignore[call-overload]
        session.add(FeedbackReason(query_id=query_id, user_hash=logged.user_hash, reason=reason, text=cleaned,
                                   created_at=clock()))
        session.commit()
        return True


def reason_counts(engine: Engine, *, since: datetime, until: datetime | None = None) -> dict[str, int]:
    """How often each reason was given in the period, every reason listed (0 when never)."""
    stmt = select(FeedbackReason.reason).where(FeedbackReason.created_at >= since)
    if until is not None:
        stmt = stmt.where(FeedbackReason.created_at <= until)
    with Session(engine) as session:
        counted = Counter(session.exec(stmt).all())
    return {reason: counted.get(reason, 0) for reason in REASONS}


def own_texts(engine: Engine, *, since: datetime, limit: int = 10) -> list[str]:
    """The latest reasons users wrote in their own words."""
    stmt = (select(FeedbackReason.text).where(FeedbackReason.created_at >= since, col(FeedbackReason.text).is_not(None))
            .order_by(col(FeedbackReason.created_at).desc()).limit(limit))
    with Session(engine) as session:
        return [t for t in session.exec(stmt).all() if t]


def delete_for_user(engine: Engine, user_hash: str) -> int:
    with Session(engine) as session:
        result = session.exec(sa.delete(FeedbackReason).where(col(FeedbackReason.user_hash) == user_hash))  # type: ignore[call-overload]
        session.commit()
        return int(result.rowcount or 0)


def purge_older_than(engine: Engine, *, days: int, now: datetime) -> int:
    with Session(engine) as session:
        result = session.exec(sa.delete(FeedbackReason).where(col(FeedbackReason.created_at) < now - timedelta(days=days)))  # type: ignore[call-overload]
        session.commit()
        return int(result.rowcount or 0)

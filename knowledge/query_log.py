"""The query log: every asked question (pseudonymised user), what was answered, and the feedback.

Plain functions over an engine or session, used by the bot (writing) and by maintenance
statistics (reading). User ids never enter the database: they are replaced by a keyed HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from knowledge.answers import Answer
from knowledge.clock import utc_now
from knowledge.db import get_row
from knowledge.ingest.limits import strip_control_chars
from knowledge.models import aware_column
from knowledge.settings import Settings

log = logging.getLogger(__name__)


class QueryLog(SQLModel, table=True):
    """One asked question: what was answered, how fast, and the user's feedback (pseudonymised)."""

    __tablename__ = "query_log"

    id: int | None = Field(default=None, primary_key=True)
    asked_at: datetime = Field(default_factory=utc_now, sa_column=aware_column(index=True))
    user_hash: str | None = Field(default=None, max_length=64, index=True)
    channel: str = Field(default="telegram", max_length=20)
    question: str = Field(sa_type=sa.Text)
    answered: bool = True
    top_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    top_topic: str | None = Field(default=None, max_length=200)
    latency_ms: float | None = None
    feedback: int | None = Field(default=None, description="+1 helpful, -1 not helpful.")
    feedback_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))


PSEUDONYM_KEY_FILE = "pseudonym.key"


def pseudonym_key(settings: Settings) -> bytes:
    """The HMAC key: ``settings.pseudonym_key`` or a random key created once in the data dir."""
    if settings.pseudonym_key is not None and settings.pseudonym_key.get_secret_value():
        return settings.pseudonym_key.get_secret_value().encode()
    path = Path(settings.data_dir) / PSEUDONYM_KEY_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:  # exclusive create: when two processes race, the first one's key wins
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key


def pseudonymise(key: bytes, user_id: int | str) -> str:
    """A stable pseudonym for a user id (hex HMAC-SHA256, 32 characters)."""
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


def _session(session_or_engine: Session | Engine) -> tuple[Session, bool]:
    if isinstance(session_or_engine, Session):
        return session_or_engine, False
    return Session(session_or_engine, expire_on_commit=False), True


def log_question(
    session_or_engine: Session | Engine,
    *,
    user_id_hash: str | None,
    question: str,
    answer: Answer | None,
    channel: str = "telegram",
    asked_at: datetime | None = None,
) -> int:
    """Store one question with its outcome; returns the row id (used in feedback buttons)."""
    row = QueryLog(
        asked_at=asked_at or utc_now(),
        user_hash=user_id_hash,
        channel=channel,
        question=strip_control_chars(question)[:4000],  # NUL would make PostgreSQL refuse the row
        answered=bool(answer and answer.answered),
        top_ids=[f"{hit.kind}:{hit.id}" for hit in (answer.hits[:5] if answer else [])],
        top_topic=(answer.best.item.topic or None) if answer and answer.best else None,
        latency_ms=round(answer.latency_ms, 2) if answer else None,
    )
    session, own = _session(session_or_engine)
    try:
        session.add(row)
        session.commit()
        session.refresh(row)
        assert row.id is not None
        return row.id
    finally:
        if own:
            session.close()


def record_feedback(
    engine: Engine, query_id: int, value: int, *, clock: Callable[[], datetime] = utc_now
) -> bool:
    """Set 👍 (+1) / 👎 (-1) on a logged question; False when the question is unknown."""
    if value not in (1, -1):
        raise ValueError("feedback must be +1 or -1")
    with Session(engine) as session:
        row = session.get(QueryLog, query_id)
        if row is None:
            return False
        row.feedback = value
        row.feedback_at = clock()
        session.add(row)
        session.commit()
        return True


def logged_question(engine: Engine, query_id: int) -> QueryLog | None:
    """The logged question ``query_id`` (e.g. to page through its results after a restart)."""
    return get_row(engine, QueryLog, query_id)


# --- reading and retention (maintenance: /unbeantwortet, retention job) ----------------------
def purge_older_than(engine: Engine, *, days: int, now: datetime | None = None) -> int:
    """Delete questions asked more than ``days`` days before ``now``; returns how many."""
    from datetime import timedelta

    from sqlmodel import delete

    cutoff = (now or utc_now()) - timedelta(days=days)
    with Session(engine) as session:
        result = session.exec(delete(QueryLog).where(QueryLog.asked_at < cutoff))  # type: ignore[call-overload]
        session.commit()
        return int(result.rowcount or 0)


def unanswered(engine: Engine, *, limit: int = 10, since: datetime | None = None) -> list[QueryLog]:
    """The latest questions that were abstained from or rated 👎 — the content gaps — except those
    the advisory service has answered meanwhile (see knowledge.handoffs)."""
    from sqlmodel import or_, select

    from knowledge.handoffs import ADOPTED, ANSWERED, Handoff

    answered_by_advice = select(Handoff.query_id).where(
        Handoff.query_id.is_not(None), Handoff.status.in_((ANSWERED, ADOPTED))  # type: ignore[union-attr, attr-defined]
    )
    stmt = select(QueryLog).where(or_(QueryLog.answered == False, QueryLog.feedback == -1))  # noqa: E712
    stmt = stmt.where(QueryLog.id.not_in(answered_by_advice))  # type: ignore[union-attr]
    if since is not None:
        stmt = stmt.where(QueryLog.asked_at >= since)
    stmt = stmt.order_by(QueryLog.asked_at.desc(), QueryLog.id.desc()).limit(limit)  # type: ignore[union-attr]
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(stmt).all())

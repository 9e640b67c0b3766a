"""Hand-offs to the advisory service (Beratungsstelle): a question the assistant could not answer
well, forwarded to people, and their reply delivered back.

State machine of one hand-off (every transition is a conditional UPDATE, so two processes or a
double tap never apply one twice)::

    draft ──confirm──► sent ──advisor replies──► answered ──"Als FAQ übernehmen"──► adopted
      └──cancel──► cancelled                        └──another reply──► answered (latest reply kept)

Only private chats can hand off (``chat_id`` > 0: the user's own chat), and a reply is only
accepted from the advisory chat as a reply to the very message the bot posted there: nothing in
this path can reach a group chat or another user. The Telegram name is stored only when the user
agreed to send it. Rows hold personal data (the user's chat id): they are deleted with the
user's data and after the query-log retention period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select, update

from knowledge.clock import utc_now as utcnow
from knowledge.models import aware_column

DRAFT, SENT, ANSWERED, ADOPTED, CANCELLED = "draft", "sent", "answered", "adopted", "cancelled"
STATES = (DRAFT, SENT, ANSWERED, ADOPTED, CANCELLED)
OPEN_STATES = (SENT,)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    SENT: (DRAFT,),
    CANCELLED: (DRAFT,),
    ANSWERED: (SENT, ANSWERED),
    ADOPTED: (ANSWERED,),
}
MAX_ANSWER_CHARS = 3500
MAX_NAME_CHARS = 120


class Handoff(SQLModel, table=True):
    """One question forwarded (or about to be forwarded) to the advisory service."""

    __tablename__ = "handoffs"
    __table_args__ = (sa.Index("ix_handoffs_advice_message", "advice_chat_id", "advice_message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=DRAFT, max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=aware_column(index=True))
    chat_id: int = Field(sa_type=sa.BigInteger, index=True, description="The user's private chat (= user id).")
    query_id: int | None = Field(default=None, index=True, description="query_log row of the question.")
    question: str = Field(sa_type=sa.Text)
    lang: str = Field(default="de", max_length=5)
    include_name: bool = False
    sender_name: str | None = Field(default=None, max_length=MAX_NAME_CHARS, description="Only with consent.")
    advice_chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    advice_message_id: int | None = None
    sent_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    answer: str | None = Field(default=None, sa_type=sa.Text)
    answered_at: datetime | None = Field(default=None, sa_column=aware_column(nullable=True))
    faq_id: str | None = Field(default=None, max_length=120)


class HandoffError(ValueError):
    """A hand-off that may not be created or changed (with a reason code for the message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class HandoffPolicy:
    """Limits of hand-offs: open ones per user, length of a question."""

    max_open_per_user: int = 3
    max_question_chars: int = 1000


def _session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def create_draft(
    engine: Engine,
    *,
    user_chat_id: int,
    question: str,
    query_id: int | None = None,
    lang: str = "de",
    policy: HandoffPolicy = HandoffPolicy(),
    clock: Callable[[], datetime] = utcnow,
) -> Handoff:
    """A draft hand-off for a private chat; refuses groups, empty questions and too many open ones."""
    if user_chat_id <= 0:
        raise HandoffError("private_only")
    question = " ".join(question.split())
    if not question:
        raise HandoffError("empty")
    if open_count(engine, user_chat_id) >= policy.max_open_per_user:
        raise HandoffError("too_many_open")
    row = Handoff(chat_id=user_chat_id, question=question[: policy.max_question_chars], query_id=query_id,
                  lang=lang, created_at=clock())
    with _session(engine) as session:
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def get(engine: Engine, handoff_id: int) -> Handoff | None:
    with _session(engine) as session:
        return session.get(Handoff, handoff_id)


def _transition(engine: Engine, handoff_id: int, to: str, values: dict, *, user_chat_id: int | None = None) -> Handoff | None:
    """Apply one transition if the row is in an allowed state; the changed row, or None."""
    allowed = TRANSITIONS[to]
    stmt = update(Handoff).where(col(Handoff.id) == handoff_id, col(Handoff.status).in_(allowed))
    if user_chat_id is not None:
        stmt = stmt.where(col(Handoff.chat_id) == user_chat_id)
    with _session(engine) as session:
        result = session.exec(stmt.values(status=to, **values))  # type: ignore[call-overload]
        session.commit()
        if not result.rowcount:
            return None
        return session.get(Handoff, handoff_id)


def set_include_name(engine: Engine, handoff_id: int, *, user_chat_id: int, include: bool) -> Handoff | None:
    """Toggle the consent to send the Telegram name (drafts only, own drafts only)."""
    stmt = (
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.status) == DRAFT, col(Handoff.chat_id) == user_chat_id)
        .values(include_name=include)
    )
    with _session(engine) as session:
        result = session.exec(stmt)  # type: ignore[call-overload]
        session.commit()
        return session.get(Handoff, handoff_id) if result.rowcount else None


def claim_for_sending(engine: Engine, handoff_id: int, *, user_chat_id: int, sender_name: str | None,
                      advice_chat_id: int, clock: Callable[[], datetime] = utcnow) -> Handoff | None:
    """draft → sent (before the message is posted, so a double tap posts once). None if not a draft
    of this user. The name is stored only when the user agreed to include it."""
    row = get(engine, handoff_id)
    if row is None or row.chat_id != user_chat_id:
        return None
    name = ((sender_name or "")[:MAX_NAME_CHARS] or None) if row.include_name else None
    return _transition(engine, handoff_id, SENT,
                       {"sender_name": name, "advice_chat_id": advice_chat_id, "sent_at": clock()},
                       user_chat_id=user_chat_id)


def record_advice_message(engine: Engine, handoff_id: int, message_id: int) -> None:
    """Remember which message in the advisory chat carries the hand-off (replies are matched to it)."""
    with _session(engine) as session:
        session.exec(update(Handoff).where(col(Handoff.id) == handoff_id).values(advice_message_id=message_id))  # type: ignore[call-overload]
        session.commit()


def release(engine: Engine, handoff_id: int) -> Handoff | None:
    """sent → draft when posting to the advisory chat failed (nothing was posted)."""
    stmt = (update(Handoff)
            .where(col(Handoff.id) == handoff_id, col(Handoff.status) == SENT, col(Handoff.advice_message_id).is_(None))
            .values(status=DRAFT, sent_at=None, advice_chat_id=None))
    with _session(engine) as session:
        result = session.exec(stmt)  # type: ignore[call-overload]
        session.commit()
        return session.get(Handoff, handoff_id) if result.rowcount else None


def cancel(engine: Engine, handoff_id: int, *, user_chat_id: int) -> Handoff | None:
    return _transition(engine, handoff_id, CANCELLED, {}, user_chat_id=user_chat_id)


def for_advice_message(engine: Engine, advice_chat_id: int, message_id: int) -> Handoff | None:
    """The hand-off posted as ``message_id`` in the advisory chat (what an advisor replied to)."""
    stmt = select(Handoff).where(Handoff.advice_chat_id == advice_chat_id, Handoff.advice_message_id == message_id)
    with _session(engine) as session:
        return session.exec(stmt).first()


def record_answer(engine: Engine, handoff_id: int, answer: str, *, clock: Callable[[], datetime] = utcnow) -> Handoff | None:
    """sent/answered → answered with the advisor's text (the latest reply counts)."""
    text = answer.strip()[:MAX_ANSWER_CHARS]
    if not text:
        raise HandoffError("empty_answer")
    return _transition(engine, handoff_id, ANSWERED, {"answer": text, "answered_at": clock()})


def mark_adopted(engine: Engine, handoff_id: int, faq_id: str) -> Handoff | None:
    return _transition(engine, handoff_id, ADOPTED, {"faq_id": faq_id})


def open_count(engine: Engine, user_chat_id: int) -> int:
    stmt = select(sa.func.count()).select_from(Handoff).where(
        Handoff.chat_id == user_chat_id, col(Handoff.status).in_(OPEN_STATES)
    )
    with _session(engine) as session:
        return int(session.exec(stmt).one())


def open_handoffs(engine: Engine, *, limit: int = 20) -> list[Handoff]:
    """Hand-offs posted to the advisory chat and not answered yet, oldest first."""
    stmt = select(Handoff).where(col(Handoff.status).in_(OPEN_STATES)).order_by(col(Handoff.sent_at), col(Handoff.id)).limit(limit)
    with _session(engine) as session:
        return list(session.exec(stmt).all())


def answered_query_ids(engine: Engine, query_ids: list[int]) -> set[int]:
    """Which of these logged questions the advisory service has answered."""
    if not query_ids:
        return set()
    stmt = select(Handoff.query_id).where(col(Handoff.query_id).in_(query_ids), col(Handoff.status).in_((ANSWERED, ADOPTED)))
    with _session(engine) as session:
        return {int(q) for q in session.exec(stmt).all() if q is not None}


def delete_for_user(engine: Engine, user_chat_id: int) -> int:
    """Forget every hand-off of a user (/loeschen); returns how many rows went."""
    with _session(engine) as session:
        result = session.exec(sa.delete(Handoff).where(col(Handoff.chat_id) == user_chat_id))  # type: ignore[call-overload]
        session.commit()
        return int(result.rowcount or 0)


def purge_older_than(engine: Engine, *, days: int, now: datetime) -> int:
    """Delete hand-offs created more than ``days`` days ago (same retention as the query log)."""
    cutoff = now - timedelta(days=days)
    with _session(engine) as session:
        result = session.exec(sa.delete(Handoff).where(col(Handoff.created_at) < cutoff))  # type: ignore[call-overload]
        session.commit()
        return int(result.rowcount or 0)


def counts_since(engine: Engine, since: datetime) -> tuple[int, int]:
    """(forwarded, answered) hand-offs sent since ``since`` (for /stats)."""
    stmt = select(Handoff.status).where(col(Handoff.sent_at).is_not(None), col(Handoff.sent_at) >= since)
    with _session(engine) as session:
        states = list(session.exec(stmt).all())
    return len(states), sum(1 for s in states if s in (ANSWERED, ADOPTED))

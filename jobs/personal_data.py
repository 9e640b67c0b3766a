"""Everything the assistant stores about a person, declared in one list (DSGVO Art. 15, 17, 5(1)e).

``PERSONAL_DATA`` names every table that holds a chat id, a Telegram user id or a user's
pseudonym, and how to find one person's rows there. The three uses read only this list:

* :func:`erase_person` — ``/loeschen`` (``/delete``): deletes every row of the person;
* :func:`export_person` — ``/meine_daten`` (``/mydata``): every row of the person as JSON;
* :func:`apply_retention` — the daily retention job: rows past their table's retention period,
  and everything about chats that unsubscribed or blocked the bot longer than
  ``subscriber_retention_days`` ago.

A new table with personal data is registered with one line in ``PERSONAL_DATA`` (see the
examples below and docs/SECURITY.md); tests check that every table with a ``chat_id``,
``user_id`` or ``user_hash`` column is registered. Order matters: rows are deleted in list order,
so list child tables before their parents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from jobs.ledger import Broadcast, Delivery
from knowledge.chat_state import AnswerContext, ChatContext, PendingBroadcastRow, RateEvent
from knowledge.clock import utc_now as utcnow
from knowledge.feedback_reasons import FeedbackReason
from knowledge.handoffs import Handoff
from knowledge.home_municipality import HomeMunicipality
from knowledge.query_log import QueryLog
from knowledge.subscription_regions import SubscriberRegion
from knowledge.subscriptions import Subscriber, SubscriberTopic

Key = Literal["chat_id", "user_id", "pseudonym"]


@dataclass(frozen=True)
class PersonalTable:
    """One table with personal data.

    ``column`` holds the person's key: ``"chat_id"`` (the chat, for private chats the user),
    ``"user_id"`` (the Telegram user) or ``"pseudonym"`` (the keyed hash of the user id, see
    :func:`knowledge.query_log.pseudonymise`). ``expires`` optionally names a timestamp column and
    the settings field with the retention period in days (rows older than that are deleted).
    """

    model: type[SQLModel]
    column: str
    key: Key
    purpose: str
    expires: tuple[str, str] | None = None  # (timestamp column, settings field with days)
    on_erase: Literal["delete", "clear"] = "delete"  # "clear": keep the row, set the column to NULL

    @property
    def name(self) -> str:
        return str(self.model.__tablename__)  # type: ignore[attr-defined]


PERSONAL_DATA: tuple[PersonalTable, ...] = (
    PersonalTable(FeedbackReason, "user_hash", "pseudonym", "reasons given for 👎",
                  expires=("created_at", "query_log_retention_days")),
    PersonalTable(Handoff, "chat_id", "chat_id", "questions forwarded to the advisory service and its answers",
                  expires=("created_at", "query_log_retention_days")),
    PersonalTable(QueryLog, "user_hash", "pseudonym",
                  "questions asked, results shown, feedback (statistics and content gaps)",
                  expires=("asked_at", "query_log_retention_days")),
    PersonalTable(HomeMunicipality, "user_hash", "pseudonym", "the municipality set with /meine_kommune"),
    PersonalTable(Delivery, "chat_id", "chat_id", "event notices, digests and announcements sent to the chat"),
    PersonalTable(SubscriberRegion, "chat_id", "chat_id", "the region event notices are limited to"),
    PersonalTable(SubscriberTopic, "chat_id", "chat_id", "topic areas chosen for notices"),
    PersonalTable(Subscriber, "chat_id", "chat_id", "subscription to event notices and the weekly digest"),
    PersonalTable(ChatContext, "user_id", "user_id", "the chat's previous question (for follow-up questions)",
                  expires=("at", "conversation_state_retention_days")),
    PersonalTable(AnswerContext, "user_hash", "pseudonym", "the previous question a follow-up answer refined",
                  expires=("created_at", "conversation_state_retention_days")),
    PersonalTable(RateEvent, "user_hash", "pseudonym", "times of the last minute's questions (rate limit)",
                  expires=("at", "conversation_state_retention_days")),
    PersonalTable(PendingBroadcastRow, "admin_id", "user_id", "a maintainer's announcement awaiting confirmation",
                  expires=("created_at", "conversation_state_retention_days")),
    PersonalTable(Broadcast, "created_by", "user_id", "announcements a maintainer wrote (the author)",
                  on_erase="clear"),
)


@dataclass(frozen=True)
class Person:
    """Who asks: their private chat (or the chat they are in), their user id and pseudonym."""

    chat_id: int | None
    user_id: int | None
    pseudonym: str | None

    def value(self, key: Key) -> object:
        return {"chat_id": self.chat_id, "user_id": self.user_id, "pseudonym": self.pseudonym}[key]


def person_of(user_id: int, pseudonym: str) -> Person:
    """The person behind a private chat: chat id = user id, plus the user's pseudonym."""
    return Person(chat_id=user_id, user_id=user_id, pseudonym=pseudonym)


def question_ids(engine: Engine, pseudonym: str) -> set[int]:
    """Ids of the logged questions of a pseudonym (to drop them from caches after erasure)."""
    with Session(engine) as session:
        return {int(i) for i in session.exec(select(QueryLog.id).where(QueryLog.user_hash == pseudonym)).all()}


def _rows_of(table: PersonalTable, person: Person):  # noqa: ANN202 - a select statement
    value = person.value(table.key)
    if value is None:
        return None
    return select(table.model).where(getattr(table.model, table.column) == value)


def erase_person(engine: Engine, person: Person, tables: Sequence[PersonalTable] = PERSONAL_DATA) -> dict[str, int]:
    """Delete every row of ``person`` in every registered table (one transaction); counts per table."""
    counts: dict[str, int] = {}
    with Session(engine) as session:
        for table in tables:
            value = person.value(table.key)
            if value is None:
                continue
            where = getattr(table.model, table.column) == value
            statement = (sa.update(table.model).where(where).values({table.column: None})
                         if table.on_erase == "clear" else sa.delete(table.model).where(where))
            result = session.exec(statement)  # type: ignore[call-overload]
            counts[table.name] = int(result.rowcount or 0)
        session.commit()
    return counts


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def export_person(engine: Engine, person: Person, tables: Sequence[PersonalTable] = PERSONAL_DATA,
                  *, now: datetime | None = None) -> dict[str, Any]:
    """Every stored row of ``person`` as a JSON-ready dict (table → purpose and rows)."""
    export: dict[str, Any] = {"created_at": (now or utcnow()).isoformat(), "tables": {}}
    with Session(engine) as session:
        for table in tables:
            statement = _rows_of(table, person)
            if statement is None:
                continue
            rows = session.exec(statement).all()
            export["tables"][table.name] = {
                "purpose": table.purpose,
                "rows": [{k: _jsonable(v) for k, v in row.model_dump().items()} for row in rows],
            }
    return export


def apply_retention(engine: Engine, settings: object, *, now: datetime | None = None,
                    tables: Sequence[PersonalTable] = PERSONAL_DATA) -> dict[str, int]:
    """Delete what is past its retention period; counts per table. Idempotent.

    1. rows of tables with ``expires`` older than their period;
    2. chats whose subscription ended (unsubscribed, bot blocked, chat gone) more than
       ``settings.subscriber_retention_days`` ago: every row keyed by their chat id;
    3. deliveries to chats that have no subscriber row any more, older than that period.
    """
    now = now or utcnow()
    counts: dict[str, int] = {}
    with Session(engine) as session:
        for table in tables:
            if table.expires is None:
                continue
            column, setting = table.expires
            cutoff = now - timedelta(days=int(getattr(settings, setting)))
            result = session.exec(  # type: ignore[call-overload]
                sa.delete(table.model).where(getattr(table.model, column) < cutoff)
            )
            counts[table.name] = counts.get(table.name, 0) + int(result.rowcount or 0)
        cutoff = now - timedelta(days=int(getattr(settings, "subscriber_retention_days")))
        ended = list(session.exec(
            select(Subscriber.chat_id).where(
                Subscriber.active == False,  # noqa: E712
                col(Subscriber.deactivated_at).is_not(None),
                col(Subscriber.deactivated_at) < cutoff,
            )
        ).all())
        if ended:
            for table in tables:
                if table.key != "chat_id":
                    continue
                result = session.exec(  # type: ignore[call-overload]
                    sa.delete(table.model).where(col(getattr(table.model, table.column)).in_(ended))
                )
                counts[table.name] = counts.get(table.name, 0) + int(result.rowcount or 0)
        orphans = session.exec(  # type: ignore[call-overload]
            sa.delete(Delivery).where(
                col(Delivery.chat_id).not_in(select(Subscriber.chat_id)),
                col(Delivery.updated_at) < cutoff,
            )
        )
        counts[Delivery.__tablename__] = counts.get(Delivery.__tablename__, 0) + int(orphans.rowcount or 0)
        session.commit()
    return counts

"""The personal-data registry: erasure leaves nothing, export shows everything, retention deletes
ended subscriptions with their deliveries — on SQLite and PostgreSQL (DSGVO Art. 15, 17, 5(1)e)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, select

from knowledge.db import create_db_and_tables, make_engine
from knowledge.query_log import QueryLog
from jobs.personal_data import PERSONAL_DATA, Person, apply_retention, erase_person, export_person
from knowledge.query_log import log_question, pseudonymise, record_feedback
from jobs.ledger import Broadcast, Delivery, insert_deliveries
from knowledge.subscriptions import Subscriber, SubscriberTopic, subscribe, unsubscribe
from tests.conftest import make_settings

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
KEY = b"k" * 32
PERSONAL_COLUMNS = {"chat_id", "user_id", "user_hash", "created_by", "admin_id"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(url)
    create_db_and_tables(engine)
    yield engine
    engine.dispose()


def _person_with_data(engine, chat_id: int) -> Person:
    person = Person(chat_id=chat_id, user_id=chat_id, pseudonym=pseudonymise(KEY, chat_id))
    subscribe(engine, chat_id=chat_id, add_topics=["Abwasser"], digest=True, now=NOW)
    insert_deliveries(engine, [{"kind": "announce", "ref": f"ev-{chat_id}", "chat_id": chat_id}], now=NOW)
    qid = log_question(engine, user_id_hash=person.pseudonym, question="Wer kooperiert beim Abwasser?", answer=None,
                       asked_at=NOW)
    record_feedback(engine, qid, -1, clock=lambda: NOW)
    with Session(engine) as session:
        session.add(Broadcast(text="Hinweis", created_by=chat_id, created_at=NOW))
        session.commit()
    return person


def _rows(engine, person: Person) -> dict[str, int]:
    with Session(engine) as session:
        return {
            "query_log": len(session.exec(select(QueryLog).where(QueryLog.user_hash == person.pseudonym)).all()),
            "deliveries": len(session.exec(select(Delivery).where(Delivery.chat_id == person.chat_id)).all()),
            "subscriber_topics": len(session.exec(
                select(SubscriberTopic).where(SubscriberTopic.chat_id == person.chat_id)).all()),
            "subscribers": len(session.exec(select(Subscriber).where(Subscriber.chat_id == person.chat_id)).all()),
            "broadcast_authors": len(session.exec(
                select(Broadcast).where(Broadcast.created_by == person.user_id)).all()) if person.user_id else 0,
        }


def test_every_table_with_a_person_column_is_registered(engine) -> None:
    registered = {(t.name, t.column) for t in PERSONAL_DATA}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if column.name in PERSONAL_COLUMNS:
                assert (table.name, column.name) in registered, (
                    f"{table.name}.{column.name} holds personal data: register it in jobs.personal_data")


def test_export_then_erase_leaves_nothing_and_spares_others(engine) -> None:
    base = uuid.uuid4().int % 10**9
    me, other = _person_with_data(engine, base), _person_with_data(engine, base + 1)
    assert all(n >= 1 for n in _rows(engine, me).values())

    export = export_person(engine, me, now=NOW)
    text = json.dumps(export, ensure_ascii=False)
    assert "Wer kooperiert beim Abwasser?" in text and "Abwasser" in text
    tables = export["tables"]
    assert tables["query_log"]["rows"][0]["feedback"] == -1 and tables["subscribers"]["rows"][0]["digest"] is True
    assert tables["deliveries"]["rows"][0]["ref"] == f"ev-{base}"
    assert all(t["purpose"] for t in tables.values())

    counts = erase_person(engine, me)

    assert counts["query_log"] == 1 and counts["subscribers"] == 1 and counts["deliveries"] == 1
    assert all(n == 0 for n in _rows(engine, me).values())
    assert all(n >= 1 for n in _rows(engine, other).values())
    with Session(engine) as session:  # the announcement itself stays, without its author
        assert session.exec(select(Broadcast).where(Broadcast.text == "Hinweis", Broadcast.created_by.is_(None))).all()
    assert all(not t["rows"] for t in export_person(engine, me)["tables"].values())


def test_retention_deletes_ended_subscriptions_and_their_deliveries_after_the_period(engine) -> None:
    base = uuid.uuid4().int % 10**9
    active, ended_old, ended_new = base, base + 1, base + 2
    for chat_id in (active, ended_old, ended_new):
        subscribe(engine, chat_id=chat_id, add_topics=["Abwasser"], now=NOW - timedelta(days=100))
        insert_deliveries(engine, [{"kind": "announce", "ref": f"ev-{chat_id}", "chat_id": chat_id}],
                          now=NOW - timedelta(days=100))
    unsubscribe(engine, chat_id=ended_old, reason="blocked", now=NOW - timedelta(days=31))
    unsubscribe(engine, chat_id=ended_new, now=NOW - timedelta(days=29))
    log_question(engine, user_id_hash="old", question="alt", answer=None, asked_at=NOW - timedelta(days=91))
    log_question(engine, user_id_hash="new", question="neu", answer=None, asked_at=NOW - timedelta(days=89))
    settings = make_settings(Path("/nonexistent"), subscriber_retention_days=30, query_log_retention_days=90)

    counts = apply_retention(engine, settings, now=NOW)

    assert counts["subscribers"] >= 1 and counts["deliveries"] >= 1 and counts["query_log"] >= 1
    gone = Person(chat_id=ended_old, user_id=None, pseudonym=None)
    assert _rows(engine, gone) == {"query_log": 0, "deliveries": 0, "subscriber_topics": 0, "subscribers": 0,
                                   "broadcast_authors": 0}
    for kept in (active, ended_new):
        rows = _rows(engine, Person(chat_id=kept, user_id=None, pseudonym=None))
        assert rows["subscribers"] == 1 and rows["deliveries"] == 1
    with Session(engine) as session:
        questions = set(session.exec(select(QueryLog.question).where(QueryLog.user_hash.in_(["old", "new"]))).all())
    assert questions == {"neu"}
    assert apply_retention(engine, settings, now=NOW).get("subscribers", 0) == 0  # idempotent


def test_a_question_with_nul_bytes_is_logged(engine) -> None:
    qid = log_question(engine, user_id_hash="nul", question="Bau\u0000hof\u0007 gemeinsam?", answer=None, asked_at=NOW)
    with Session(engine) as session:
        assert session.get(QueryLog, qid).question == "Bauhof gemeinsam?"

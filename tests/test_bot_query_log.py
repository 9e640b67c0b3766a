"""The query log on SQLite and PostgreSQL: pseudonymised users, answers and feedback."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from knowledge.db import create_db_and_tables, make_engine
from knowledge.query_log import QueryLog
from knowledge.query_log import log_question, logged_question, pseudonym_key, pseudonymise, record_feedback
from tests.conftest import make_settings


def test_pseudonym_key_is_created_once_and_stable(tmp_path) -> None:
    settings = make_settings(tmp_path / "d")
    key = pseudonym_key(settings)
    assert len(key) == 32 and pseudonym_key(settings) == key
    assert pseudonym_key(make_settings(tmp_path / "other")) != key
    assert pseudonym_key(make_settings(tmp_path / "d", pseudonym_key="geheim")) == b"geheim"
    assert pseudonymise(key, 42) == pseudonymise(key, "42") != pseudonymise(key, 43)
    # a keyed hash, not the id: different keys give unrelated pseudonyms of the same id
    assert pseudonymise(key, 42) != "42" and pseudonymise(b"x" * 32, 42) != pseudonymise(key, 42)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_log_question_and_feedback(backend: str, tmp_path, tiny_kb, request) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(url)
    create_db_and_tables(engine)
    answer = tiny_kb.ask("Gemeinsames Standesamt")
    qid = log_question(engine, user_id_hash="abc", question="Gemeinsames Standesamt", answer=answer, channel="telegram")
    with Session(engine) as session:
        other = log_question(session, user_id_hash=None, question="?", answer=None, channel="console")
    assert other == qid + 1
    row = logged_question(engine, qid)
    assert row.answered and row.top_ids[0] == "project:T001" and row.top_topic == "Standesamt"
    assert row.asked_at.tzinfo is not None and row.latency_ms > 0
    assert record_feedback(engine, qid, -1) and not record_feedback(engine, 99999, 1)
    with pytest.raises(ValueError):
        record_feedback(engine, qid, 5)
    with Session(engine) as session:
        rows = session.exec(select(QueryLog).order_by(QueryLog.id)).all()
    assert [r.feedback for r in rows][-2:] == [-1, None]
    engine.dispose()

"""Schema migrations (Alembic) on SQLite and PostgreSQL: a database made by the previous schema,
with data in every table, is upgraded to the current schema without losing anything; a database
made by ``create_all`` before migrations existed is recognised and upgraded the same way; and the
models match what the migrations build."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

from knowledge.db import BASELINE_REVISION, current_revision, head_revision, make_engine, migrate
from knowledge.models import Chunk, Embedding, Event, Project
from knowledge.query_log import QueryLog
from knowledge.source_state import SourceState
import bot.application  # noqa: F401 - every table of the bot is in the models' metadata
import bot.webhook  # noqa: F401
from jobs.ledger import Broadcast, Delivery, EventSnapshot
from knowledge.subscriptions import Subscriber, SubscriberTopic

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
# One row per table of the baseline schema, written with plain SQL as the previous code did.
BASELINE_ROWS: dict[str, list[dict]] = {
    "projects": [{"id": "P1", "title": "Gemeinsamer Bauhof", "description": "Maschinen teilen.", "topic": "Bauhof",
                  "municipalities": ["Alpen", "Sonsbeck"], "kreis": "Kreis Wesel", "origin": "sample",
                  "content_hash": "h1", "created_at": NOW, "modified_at": NOW}],
    "documents": [{"id": "D1", "title": "Leitfaden", "topic": "", "text": "## Teil\nText", "origin": "sample",
                   "content_hash": "h2", "created_at": NOW, "modified_at": NOW}],
    "faqs": [{"id": "F1", "question": "Was ist IKZ?", "answer": "Zusammenarbeit.", "topic": "", "origin": "sample",
              "content_hash": "h3", "created_at": NOW, "modified_at": NOW}],
    "events": [{"id": "E1", "title": "Spotlight", "start": NOW, "topic": "Standesamt", "description": "",
                "cancelled": False, "origin": "sample", "content_hash": "h4", "schedule_hash": "s4",
                "created_at": NOW, "modified_at": NOW}],
    "chunks": [{"id": 1, "item_kind": "project", "item_id": "P1", "ordinal": 0, "section": "", "text": "Maschinen",
                "embed_text": "Bauhof Maschinen", "content_hash": "c1"}],
    "embeddings": [{"model_id": "m", "content_hash": "c1", "vector": b"\x00\x01\x02\x03"}],
    "query_log": [{"id": 1, "asked_at": NOW, "user_hash": "u", "channel": "telegram", "question": "Bauhof?",
                   "answered": True, "top_ids": ["P1"], "feedback": 1, "feedback_at": NOW}],
    "source_states": [{"name": "projekte", "last_run_at": NOW, "last_status": "ok", "item_ids": {"projects": ["P1"]}}],
    "subscribers": [{"chat_id": 9_000_000_001, "language": "de", "active": True, "all_topics": False, "digest": True,
                     "created_at": NOW, "updated_at": NOW}],
    "subscriber_topics": [{"chat_id": 9_000_000_001, "topic": "Bauhof"}],
    "deliveries": [{"id": 1, "kind": "remind:7", "ref": "E1", "chat_id": 9_000_000_001, "status": "sent",
                    "attempts": 1, "message_id": 77, "created_at": NOW, "updated_at": NOW}],
    "broadcasts": [{"id": 1, "text": "Hallo", "created_by": 5, "created_at": NOW, "recipients": 1}],
    "event_snapshots": [{"event_id": "E1", "title": "Spotlight", "start": NOW, "topic": "Standesamt",
                         "removed": False, "updated_at": NOW}],
    "key_values": [{"key": "index_version", "value": "3", "updated_at": NOW}],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of each kind (PostgreSQL: its own database, dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    yield request.getfixturevalue("postgres_server").create_database()


def _fill_baseline(engine: sa.Engine) -> None:
    metadata = sa.MetaData()
    metadata.reflect(engine)
    assert set(BASELINE_ROWS) <= set(metadata.tables), "every baseline table gets a row"
    with engine.begin() as conn:
        for table, rows in BASELINE_ROWS.items():
            values = [{k: (v.replace(tzinfo=None) if isinstance(v, datetime) and engine.dialect.name == "sqlite"
                           else v) for k, v in row.items()} for row in rows]
            conn.execute(metadata.tables[table].insert(), values)


def _assert_nothing_lost(engine: sa.Engine) -> None:
    """Every row is still there and reads back through the current models."""
    with Session(engine) as session:
        project = session.get(Project, "P1")
        assert project.municipalities == ["Alpen", "Sonsbeck"] and project.created_at == NOW
        assert session.get(Event, "E1").start == NOW
        assert session.exec(select(Chunk)).one().embed_text == "Bauhof Maschinen"
        assert session.exec(select(Embedding)).one().vector == b"\x00\x01\x02\x03"
        logged = session.exec(select(QueryLog)).one()
        assert logged.top_ids == ["P1"] and logged.feedback == 1 and logged.feedback_at == NOW
        assert session.get(SourceState, "projekte").item_ids == {"projects": ["P1"]}
        subscriber = session.get(Subscriber, 9_000_000_001)
        assert subscriber.digest and not subscriber.all_topics
        assert session.exec(select(SubscriberTopic)).one().topic == "Bauhof"
        delivery = session.exec(select(Delivery)).one()
        assert (delivery.kind, delivery.message_id, delivery.status) == ("remind:7", 77, "sent")
        assert session.exec(select(Broadcast)).one().text == "Hallo"
        assert session.get(EventSnapshot, "E1").title == "Spotlight"
    with engine.connect() as conn:
        for table in BASELINE_ROWS.keys() - {"key_values"}:  # key_values was dropped on purpose (unused)
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == len(BASELINE_ROWS[table])


@pytest.fixture
def engine(empty_database: str) -> Iterator[sa.Engine]:
    engine = make_engine(empty_database)
    yield engine
    engine.dispose()


def test_upgrade_from_the_previous_schema_keeps_every_row(engine: sa.Engine) -> None:
    migrate(engine, revision=BASELINE_REVISION)
    _fill_baseline(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision()
    _assert_nothing_lost(engine)
    migrate(engine)  # again at the next start: nothing to do, nothing lost
    _assert_nothing_lost(engine)


def test_database_from_create_all_without_history_is_stamped_and_upgraded(engine: sa.Engine) -> None:
    migrate(engine, revision=BASELINE_REVISION)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))  # as create_all left it
    _fill_baseline(engine)
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == head_revision()
    _assert_nothing_lost(engine)


def test_the_models_match_the_migrations(engine: sa.Engine) -> None:
    """A table or column added to the models needs a migration (see docs/DEVELOPMENT.md)."""
    migrate(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == [], f"models and migrations differ; add a migration: {differences}"

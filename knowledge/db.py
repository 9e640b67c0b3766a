"""Database engine and schema: Alembic migrations (knowledge/migrations) bring any database to
the current schema, at start-up and by ``python bot.py migrate``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE_REVISION = "0001"
_MIGRATION_LOCK_ID = 0x494B5A01  # PostgreSQL advisory lock: one process migrates at a time


T = TypeVar("T")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL and a busy timeout for several processes."""
    if url.startswith("sqlite"):
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, echo=echo, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for our migrations, bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Upgrade the database to ``revision``; a database made by ``create_all`` before migrations
    existed is first stamped with the baseline. Safe to call at every start, from every process."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        config = alembic_config(connection)
        if MigrationContext.configure(connection).get_current_revision() is None:
            tables = sa.inspect(connection).get_table_names()
            if "projects" in tables:
                log.info("database without migration history: stamping it as revision %s", BASELINE_REVISION)
                command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, revision)


def draft_migration(engine: Engine, metadata: sa.MetaData, message: str) -> str:
    """Write the next migration script, drafted from ``metadata`` against the (current) database."""
    number = f"{int(head_revision() or 0) + 1:04d}"
    with engine.begin() as connection:
        config = alembic_config(connection)
        config.attributes["target_metadata"] = metadata
        script = command.revision(config, message=message, autogenerate=True, rev_id=number)
    return str(script.path) if script is not None and not isinstance(script, list) else number


def create_db_and_tables(engine: Engine) -> None:
    """The schema of the current code (by migrations, never by ``create_all``)."""
    migrate(engine)


def get_row(engine: Engine, model: type[T], key: object) -> T | None:
    """One row by primary key, detached from its session (readable after it closes)."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(model, key)

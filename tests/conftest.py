"""Shared fixtures: the real embedding model (one per session), knowledge bases built once and
copied per test, and a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from embeddings.encoder import create_encoder  # noqa: E402
from knowledge.sample_base import load_base  # noqa: E402
from knowledge.service import KnowledgeBase  # noqa: E402
from knowledge.settings import SAMPLE_DIR, Settings  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
# The database every knowledge base of the tests lives in: "sqlite" (default: a file in its data
# directory) or "postgresql" (IKZ_TEST_BACKEND=postgresql: a fresh database per test, knowledge
# bases cloned from a template database). `.ci/run` runs the suite once with each.
TEST_BACKEND = os.environ.get("IKZ_TEST_BACKEND", "sqlite")
_TEMPLATE_DATABASES: dict[Path, str] = {}


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings isolated from the developer's environment and .env file."""
    values: dict = {"data_dir": data_dir, "telegram_bot_token": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def encoder():
    """The real default encoder (multilingual-e5-small, 4-bit), loaded once."""
    return create_encoder("e5-small-q4")


TINY_FILES = {"projects": "tiny_projects.jsonl", "documents": "docs", "faq": "tiny_faq.jsonl",
              "events": "tiny_events.jsonl"}


def _template_database(request: pytest.FixtureRequest, data_dir: Path) -> dict:
    """Overrides for a template knowledge base: its own PostgreSQL database on that backend."""
    if TEST_BACKEND != "postgresql":
        return {}
    url = request.getfixturevalue("postgres_server").create_database()
    _TEMPLATE_DATABASES[data_dir] = url
    return {"database_url": url}


def _built_base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, encoder, name: str,
                folder: Path, files: dict[str, str] | None) -> Path:
    data_dir = tmp_path_factory.mktemp(name)
    kb = KnowledgeBase(make_settings(data_dir, **_template_database(request, data_dir)), encoder=encoder)
    load_base(kb, folder, files=files)
    kb.close()
    return data_dir


@pytest.fixture(scope="session")
def tiny_kb_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:
    """The tiny test knowledge base (tests/fixtures), embedded once per test session."""
    return _built_base(request, tmp_path_factory, encoder, "tiny-kb", FIXTURES, TINY_FILES)


@pytest.fixture(scope="session")
def sample_kb_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:
    """The bundled sample knowledge base, embedded once per test session."""
    return _built_base(request, tmp_path_factory, encoder, "sample-kb", SAMPLE_DIR, None)


def _private_kb(request: pytest.FixtureRequest, template: Path, tmp_path: Path, encoder  # noqa: ANN001
                ) -> Iterator[KnowledgeBase]:
    """A private copy of a knowledge base built once per session, closed after the test."""
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir, dirs_exist_ok=True)
    overrides: dict = {}
    if TEST_BACKEND == "postgresql":
        import sqlalchemy as sa

        server = request.getfixturevalue("postgres_server")
        template_name = sa.engine.make_url(_TEMPLATE_DATABASES[template]).database
        overrides["database_url"] = server.create_database(template=template_name)
        # processes and settings the test makes itself use the same copy
        request.getfixturevalue("monkeypatch").setenv("IKZ_DATABASE_URL", overrides["database_url"])
    kb = KnowledgeBase(make_settings(data_dir, **overrides), encoder=encoder)
    yield kb
    kb.close()


@pytest.fixture
def tiny_kb(request: pytest.FixtureRequest, tiny_kb_template: Path, tmp_path: Path, encoder) -> Iterator[KnowledgeBase]:
    """A private copy of the tiny test knowledge base."""
    yield from _private_kb(request, tiny_kb_template, tmp_path, encoder)


@pytest.fixture
def sample_kb(request: pytest.FixtureRequest, sample_kb_template: Path, tmp_path: Path, encoder
              ) -> Iterator[KnowledgeBase]:
    """A private copy of the bundled sample knowledge base."""
    yield from _private_kb(request, sample_kb_template, tmp_path, encoder)


@pytest.fixture(autouse=True)
def backend_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str | None]:
    """On the PostgreSQL backend every test gets a fresh database through IKZ_DATABASE_URL
    (settings made by the test and processes it starts inherit it)."""
    if TEST_BACKEND != "postgresql":
        yield None
        return
    url = request.getfixturevalue("postgres_server").create_database()
    monkeypatch.setenv("IKZ_DATABASE_URL", url)
    yield url


def _driver_url(url: str) -> str:
    """SQLAlchemy URL with the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url(admin_url: str, name: str) -> str:
    """``admin_url`` with another database name (host, port, socket query kept)."""
    import sqlalchemy as sa

    return sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class PostgresServerForTests:
    """The PostgreSQL the tests use: ``IKZ_TEST_DATABASE_URL`` (any database on a server where the user
    may create databases, e.g. the machine's ``postgresql://postgres@127.0.0.1:5432/test``), else
    a private server started from the ``pgserver`` wheel (PostgreSQL binaries on PyPI) — so the
    tests need nothing but Python. Every test database is created fresh and dropped afterwards."""

    def __init__(self) -> None:
        self._server = None
        self._dir: str | None = None
        self.admin_url = ""
        self.created: list[str] = []

    def start(self) -> "PostgresServerForTests":
        import tempfile

        url = os.environ.get("IKZ_TEST_DATABASE_URL") or os.environ.get("IKZ_TEST_PG_ADMIN_URL")
        if url:
            self.admin_url = _driver_url(url)
            return self
        import pgserver

        self._dir = tempfile.mkdtemp(prefix="ikz-pg-")
        os.chmod(self._dir, 0o755)
        self._server = pgserver.get_server(self._dir, cleanup_mode="delete")
        self.admin_url = _driver_url(self._server.get_uri())
        return self

    def create_database(self, *, template: str | None = None) -> str:
        import sqlalchemy as sa

        name = f"ikz_test_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with admin.connect() as conn:
                suffix = f' TEMPLATE "{template}"' if template else ""
                conn.execute(sa.text(f'CREATE DATABASE "{name}"{suffix}'))
        except sa.exc.OperationalError as exc:  # pragma: no cover - environment problem, reported clearly
            pytest.fail(f"PostgreSQL ({self.admin_url}) is required for these tests: {exc}")
        finally:
            admin.dispose()
        self.created.append(name)
        return _database_url(self.admin_url, name)

    def stop(self) -> None:
        import sqlalchemy as sa

        if self.admin_url and self.created:
            admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            try:
                with admin.connect() as conn:
                    for name in self.created:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except sa.exc.OperationalError:  # pragma: no cover
                pass
            admin.dispose()
        if self._server is not None:
            self._server.cleanup()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServerForTests]:
    server = PostgresServerForTests().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(postgres_server: PostgresServerForTests) -> str:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    return postgres_server.create_database()


@pytest.fixture
def pg_database(postgres_server: PostgresServerForTests) -> str:
    """A fresh PostgreSQL database for one test."""
    return postgres_server.create_database()

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
PG_ADMIN_URL = os.environ.get("IKZ_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


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


def _built_base(tmp_path_factory: pytest.TempPathFactory, encoder, name: str, folder: Path,
                files: dict[str, str] | None) -> Path:
    data_dir = tmp_path_factory.mktemp(name)
    kb = KnowledgeBase(make_settings(data_dir), encoder=encoder)
    load_base(kb, folder, files=files)
    kb.close()
    return data_dir


@pytest.fixture(scope="session")
def tiny_kb_template(tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:
    """The tiny test knowledge base (tests/fixtures), embedded once per test session."""
    return _built_base(tmp_path_factory, encoder, "tiny-kb", FIXTURES, TINY_FILES)


@pytest.fixture(scope="session")
def sample_kb_template(tmp_path_factory: pytest.TempPathFactory, encoder) -> Path:
    """The bundled sample knowledge base, embedded once per test session."""
    return _built_base(tmp_path_factory, encoder, "sample-kb", SAMPLE_DIR, None)


def _private_kb(template: Path, tmp_path: Path, encoder) -> Iterator[KnowledgeBase]:
    """A private copy of a knowledge base built once per session, closed after the test."""
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir, dirs_exist_ok=True)
    kb = KnowledgeBase(make_settings(data_dir), encoder=encoder)
    yield kb
    kb.close()


@pytest.fixture
def tiny_kb(tiny_kb_template: Path, tmp_path: Path, encoder) -> Iterator[KnowledgeBase]:
    """A private copy of the tiny test knowledge base."""
    yield from _private_kb(tiny_kb_template, tmp_path, encoder)


@pytest.fixture
def sample_kb(sample_kb_template: Path, tmp_path: Path, encoder) -> Iterator[KnowledgeBase]:
    """A private copy of the bundled sample knowledge base."""
    yield from _private_kb(sample_kb_template, tmp_path, encoder)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database on 127.0.0.1:5432 for this test session, dropped afterwards."""
    import sqlalchemy as sa

    name = f"ikz_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:  # pragma: no cover - environment problem, reported clearly
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is required for these tests: {exc}")
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()

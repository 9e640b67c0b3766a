"""Shared pieces of the bot tests: an injectable clock and an in-process bot against FakeBotApi."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from telegram import Update
from telegram.ext import Application

from bot.application import build_application
from knowledge.db import create_db_and_tables, make_engine
from knowledge.ingest.records import EventRecord
from knowledge.store import upsert_events
from knowledge.subscriptions import Subscriber
from knowledge.service import KnowledgeBase
from tests.conftest import make_settings
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApi


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class BotUnderTest:
    """The application plus the fake server; ``send`` feeds one update through ``process_update``."""

    def __init__(self, application: Application, api: FakeBotApi, clock: FakeClock) -> None:
        self.application = application
        self.api = api
        self.clock = clock

    async def send(self, update: dict[str, Any]) -> None:
        await self.application.process_update(Update.de_json(update, self.application.bot))

    async def text(self, chat_id: int, text: str, **kwargs: Any) -> None:
        await self.send(self.api.push_text(chat_id, text, **kwargs))

    async def reply_to(self, chat_id: int, text: str, **kwargs: Any) -> str:
        """Send ``text`` and return the text of the bot's last message in that chat."""
        await self.text(chat_id, text, **kwargs)
        return self.api.last_message(chat_id).text

    async def press(self, chat_id: int, data: str, message_id: int = 1, **kwargs: Any) -> None:
        await self.send(self.api.push_callback(chat_id, data, message_id, **kwargs))

    def texts(self, chat_id: int) -> list[str]:
        return self.api.sent_texts(chat_id)

    @property
    def services(self):  # noqa: ANN201
        return self.application.bot_data["services"]


@asynccontextmanager
async def running_bot(kb: KnowledgeBase, **overrides: Any) -> AsyncIterator[BotUnderTest]:
    clock = overrides.pop("clock", None) or FakeClock()
    async with FakeBotApi(token=DEFAULT_TOKEN) as api:
        settings = make_settings(
            kb.settings.data_dir, telegram_bot_token=DEFAULT_TOKEN, telegram_api_url=api.base_url, **overrides
        )
        application = build_application(settings, kb=kb, clock=clock, rate_limiter=False, schedule_jobs=False)
        async with application:
            yield BotUnderTest(application, api, clock)


def seed_subscribers(data_dir: Path, event: EventRecord, *, count: int, first_chat_id: int) -> str:
    """A SQLite database in ``data_dir`` with one event and ``count`` subscribers to all topics
    (chat ids from ``first_chat_id``), for broadcast runs; returns its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(data_dir / 'ikz.sqlite3').resolve()}"
    engine = make_engine(url)
    create_db_and_tables(engine)
    with Session(engine) as session:
        upsert_events(session, [event], source="seed")
        now = datetime.now(UTC)
        session.execute(sa.insert(Subscriber), [
            {"chat_id": first_chat_id + i, "language": "de", "active": True, "all_topics": True, "digest": False,
             "created_at": now, "updated_at": now} for i in range(count)
        ])
        session.commit()
    engine.dispose()
    return url

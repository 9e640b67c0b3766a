"""``python bot.py job NAME``: run one scheduled job to completion and exit.

Event jobs (announce, remind, digest, deliver) talk to Telegram through a plain ``telegram.Bot``
at ``settings.telegram_api_url``; maintenance jobs (refresh, retention) are run by
:func:`bot.maintenance_cli.run_maintenance_job`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from knowledge.clock import Clock, utc_now
from knowledge.settings import Settings

log = logging.getLogger(__name__)


async def run_event_job(settings: Settings, name: str, *, clock: Clock = utc_now):
    """Run an event job with its own Bot connection; returns the `JobResult`."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.event_messages import render_notice
    from bot.telegram_sender import TelegramSender
    from jobs.event_jobs import run_named_job
    from knowledge.db import create_db_and_tables, make_engine

    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    settings.ensure_dirs()
    engine = make_engine(settings.resolved_database_url)
    create_db_and_tables(engine)
    file_url = settings.telegram_file_url or settings.telegram_api_url.replace("/bot", "/file/bot")
    request = HTTPXRequest(connection_pool_size=settings.broadcast_concurrency + 2, read_timeout=20, write_timeout=20,
                           connect_timeout=10, pool_timeout=10)
    bot = Bot(token, base_url=settings.telegram_api_url, base_file_url=file_url, request=request)
    try:
        async with bot:
            return await run_named_job(name, engine, TelegramSender(bot), render_notice, settings=settings, clock=clock)
    finally:
        engine.dispose()


def run_job(settings: Settings, name: str) -> int:
    """Entry point of ``python bot.py job NAME``; prints a summary, returns the exit status."""
    from bot.maintenance_cli import MAINTENANCE_JOBS, run_maintenance_job
    from jobs.event_jobs import EVENT_JOBS

    if name in EVENT_JOBS:
        try:
            result = asyncio.run(run_event_job(settings, name))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(result.summary())
        return 0
    if name in MAINTENANCE_JOBS:
        return run_maintenance_job(settings, name)
    print(f"error: unknown job {name!r}; known: {', '.join((*EVENT_JOBS, *MAINTENANCE_JOBS))}", file=sys.stderr)
    return 2

"""Puts the event jobs on PTB's JobQueue (APScheduler 3) and offers delivery to other handlers.

Jobs have explicit ids, ``replace_existing=True``, a misfire grace time and ``max_instances=1``;
the database ledger, not the scheduler, decides what is due, so a restart never re-sends.
One delivery loop runs at a time per process (a lock) and all share one token bucket.

For the maintainers' ``/broadcast``::

    broadcast_id = await asyncio.to_thread(jobs.delivery.create_broadcast, engine, text, user_id)
    start_delivery(application)          # delivers in the background (job "events-deliver-now")
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import time as dtime
from zoneinfo import ZoneInfo

from telegram.ext import Application

from bot.context import IKZContext
from bot.event_messages import render_notice
from bot.replicas import daily_at, every, first_run, leader_only, register_catch_up
from bot.telegram_sender import TelegramSender
from jobs.delivery import TokenBucket, send_bucket
from jobs.event_jobs import JobResult, run_named_job
from jobs.ledger import SendBudget

log = logging.getLogger(__name__)

EXTRA_KEY = "events"
MISFIRE_GRACE_S = 300


@dataclass
class EventDelivery:
    """Per-process delivery state: one loop at a time, one token bucket for all of them."""

    bucket: TokenBucket | SendBudget
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def event_delivery(application: Application) -> EventDelivery:
    services = application.bot_data["services"]
    state = services.extras.get(EXTRA_KEY)
    if state is None:
        state = services.extras[EXTRA_KEY] = EventDelivery(send_bucket(services.kb.engine, services.settings))
    return state


async def run_job_in_bot(application: Application, name: str) -> JobResult:
    """Run one event job (announce, remind, digest, deliver) with the bot's Telegram connection."""
    services = application.bot_data["services"]
    state = event_delivery(application)
    return await run_named_job(
        name, services.kb.engine, TelegramSender(application.bot), render_notice,
        settings=services.settings, clock=services.clock, bucket=state.bucket, lock=state.lock,
    )


def _callback(name: str):  # noqa: ANN202 - a JobQueue callback
    async def job(context: IKZContext) -> None:
        try:
            await run_job_in_bot(context.application, name)
        except Exception:  # noqa: BLE001 - a failing run is logged; the next one starts afresh
            log.exception("event job %s failed", name)

    job.__name__ = f"events_{name}"
    return job


def _job_kwargs(job_id: str) -> dict:
    return {"id": job_id, "replace_existing": True, "misfire_grace_time": MISFIRE_GRACE_S, "coalesce": True,
            "max_instances": 1}


def start_delivery(application: Application) -> None:
    """Deliver pending rows (e.g. a new broadcast) now, in the background."""
    if application.job_queue is None:
        application.create_task(run_job_in_bot(application, "deliver"))
        return
    application.job_queue.run_once(_callback("deliver"), when=0, name="events-deliver-now",
                                   job_kwargs=_job_kwargs("events-deliver-now"))


def schedule(application: Application) -> None:
    """Announce/change notices and reminders on intervals, the digest weekly (settings)."""
    jq = application.job_queue
    if jq is None:
        return
    settings = application.bot_data["services"].settings
    event_delivery(application)
    now = application.bot_data["services"].clock()
    # Only the leader runs them, once per scheduled time (bot/replicas.py); interval jobs fire at
    # multiples of their interval so that every replica agrees on the scheduled times.
    for name, interval in (("announce", settings.announce_interval_s), ("remind", settings.remind_interval_s)):
        job_id = f"events-{name}"
        callback = leader_only(job_id, every(interval), _callback(name))
        jq.run_repeating(callback, interval=interval, first=first_run(now, interval), name=job_id,
                         job_kwargs=_job_kwargs(job_id))
        register_catch_up(application, job_id, callback)
    # PTB counts weekdays from Sunday (0); settings.digest_weekday counts from Monday (0).
    digest_at = dtime(settings.digest_hour, 0)
    jq.run_daily(leader_only("events-digest", daily_at(digest_at, settings.timezone), _callback("digest")),
                 time=digest_at.replace(tzinfo=ZoneInfo(settings.timezone)),
                 days=((settings.digest_weekday + 1) % 7,), name="events-digest",
                 job_kwargs=_job_kwargs("events-digest"))
    log.info("event jobs scheduled (announce every %s s, remind every %s s, digest weekly)",
             settings.announce_interval_s, settings.remind_interval_s)

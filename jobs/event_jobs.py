"""The scheduled jobs: plan what is due (blocking, in a thread), then run the delivery loop.

``python bot.py job NAME`` and the running bot both call `run_named_job`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from jobs.delivery import DeliveryReport, deliver_pending
from jobs.notices import Renderer
from jobs.planning import plan_announcements, plan_changes, plan_digest, plan_reminders
from jobs.sender import Sender
from knowledge.clock import Clock
from knowledge.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class JobResult:
    name: str
    planned: dict[str, int] = field(default_factory=dict)
    delivery: DeliveryReport | None = None

    def summary(self) -> str:
        planned = ", ".join(f"{k}: {v}" for k, v in self.planned.items()) or "nothing"
        delivered = self.delivery.summary() if self.delivery else "no delivery"
        return f"job {self.name}: planned {planned}; {delivered}"


def _plan(name: str, engine: Engine, settings: Settings, clock: Clock) -> dict[str, int]:
    now = clock()
    tz = ZoneInfo(settings.timezone)
    if name == "announce":
        return {"announce": plan_announcements(engine, now=now), "change/cancel": plan_changes(engine, now=now)}
    if name == "remind":
        return {
            "change/cancel": plan_changes(engine, now=now),
            "remind": plan_reminders(engine, now=now, days=settings.reminder_days, tz=tz),
        }
    if name == "digest":
        return {"digest": plan_digest(engine, now=now, tz=tz)}
    if name == "deliver":
        return {}
    raise KeyError(name)


EVENT_JOBS = ("announce", "remind", "digest", "deliver")


async def run_named_job(name: str, engine: Engine, sender: Sender, render: Renderer, *, settings: Settings,
                        clock: Clock, lock: asyncio.Lock | None = None, **delivery: Any) -> JobResult:
    """Plan the job's notices and deliver everything pending (also other jobs' leftovers);
    ``delivery``: further options of `deliver_pending` (``sleep``, ``bucket`` …)."""
    if name not in EVENT_JOBS:
        raise KeyError(f"unknown job {name!r}; known: {', '.join(EVENT_JOBS)}")
    result = JobResult(name)
    result.planned = await asyncio.to_thread(_plan, name, engine, settings, clock)

    async def deliver() -> DeliveryReport:
        return await deliver_pending(engine, sender, render, settings=settings, clock=clock, **delivery)

    if lock is not None:
        async with lock:
            result.delivery = await deliver()
    else:
        result.delivery = await deliver()
    log.info("%s", result.summary())
    return result


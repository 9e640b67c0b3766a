"""This process as one of several replicas: leadership of the schedule, heartbeats, index generations.

Every replica puts the same jobs on its JobQueue (APScheduler 3 must not share a job store
between processes); a job callback wrapped with ``leader_only`` does its work only in the
replica that holds the PostgreSQL advisory lock, and only when it is the first to record a run
for the job's scheduled time (``jobs.job_runs.claim_job_run``). A tick every
``leader_lease_s / 3`` seconds keeps or takes the lock and writes the heartbeat; a replica that
becomes leader catches up at once on the interval jobs of the current slot, so a dead leader's
next announcement is sent within the lease. In webhook mode a second tick loads newer published
index generations in the background and swaps them in.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time as dtime, timedelta
from zoneinfo import ZoneInfo

from telegram.ext import Application

from bot.context import IKZContext
from jobs.job_runs import DONE, FAILED, claim_job_run, finish_job_run, interval_slot
from knowledge.coordination import LeaderElection, heartbeat, remove_replica
from knowledge.index_publication import GenerationCorrupt, fetch_generation, latest_generation, prune_local

log = logging.getLogger(__name__)

EXTRA_KEY = "replica"
TICK_JOB_ID = "replica-leadership"
GENERATION_JOB_ID = "replica-index-generation"

JobCallback = Callable[[IKZContext], Awaitable[None]]
SlotOf = Callable[[datetime], datetime]


@dataclass
class ReplicaRuntime:
    """Per-process view of the replica set (kept in ``services.extras``, closed at shutdown)."""

    election: LeaderElection
    replica: str
    mode: str
    engine: object
    catch_up: list[tuple[str, JobCallback]] = field(default_factory=list)
    loading: bool = False
    refused_generation: int | None = None
    led_once: bool = False

    @property
    def is_leader(self) -> bool:
        return self.election.is_leader

    def close(self) -> None:
        self.election.release()
        try:
            remove_replica(self.engine, self.replica)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - the row expires by itself
            log.debug("could not remove the replica row", exc_info=True)


def create_runtime(application: Application, mode: str) -> ReplicaRuntime:
    services = application.bot_data["services"]
    runtime = ReplicaRuntime(
        election=LeaderElection(services.kb.engine, lease_s=services.settings.leader_lease_s),
        replica=services.settings.replica, mode=mode, engine=services.kb.engine,
    )
    services.extras[EXTRA_KEY] = runtime
    return runtime


def runtime_of(application: Application) -> ReplicaRuntime | None:
    return application.bot_data["services"].extras.get(EXTRA_KEY)


# --- slots -----------------------------------------------------------------------------------------
def every(interval_s: float) -> SlotOf:
    """Slots of a job that runs at multiples of ``interval_s`` since the epoch."""
    return lambda now: interval_slot(now, interval_s)


def daily_at(at: dtime, timezone: str) -> SlotOf:
    """Slots of a job that runs daily at ``at`` local time: the latest such time ≤ now."""
    tz = ZoneInfo(timezone)

    def slot(now: datetime) -> datetime:
        local = now.astimezone(tz)
        candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if candidate > local:
            candidate = (local - timedelta(days=1)).replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        return candidate

    return slot


def first_run(now: datetime, interval_s: float) -> datetime:
    """When an interval job should first fire so that all replicas fire at the same slots."""
    return interval_slot(now, interval_s) + timedelta(seconds=interval_s)


# --- leader-only jobs ------------------------------------------------------------------------------
def leader_only(job: str, slot_of: SlotOf, callback: JobCallback) -> JobCallback:
    """Run ``callback`` only in the leader and only once per (job, scheduled time) across replicas."""

    @functools.wraps(callback)
    async def run(context: IKZContext) -> None:
        runtime = runtime_of(context.application)
        services = context.services
        if runtime is not None:
            if not await asyncio.to_thread(runtime.election.check):
                return
            replica = runtime.replica
        else:
            replica = services.settings.replica
        slot = slot_of(services.clock())
        engine = services.kb.engine
        if not await asyncio.to_thread(claim_job_run, engine, job, slot, replica=replica, now=services.clock()):
            log.debug("%s for %s already ran", job, slot.isoformat())
            return
        status = DONE
        try:
            await callback(context)
        except Exception:
            status = FAILED
            raise
        finally:
            await asyncio.to_thread(finish_job_run, engine, job, slot, status=status, now=services.clock())

    return run


def register_catch_up(application: Application, job: str, callback: JobCallback) -> None:
    """A leader-only interval job that a new leader runs at once (if its current slot has not run)."""
    runtime = runtime_of(application)
    if runtime is not None:
        runtime.catch_up.append((job, callback))


# --- ticks -----------------------------------------------------------------------------------------
async def leadership_tick(context: IKZContext) -> None:
    """Keep or take the leadership, write the heartbeat; a new leader catches up at once."""
    runtime = runtime_of(context.application)
    if runtime is None:
        return
    leader = await asyncio.to_thread(runtime.election.check)
    services = context.services
    try:
        await asyncio.to_thread(heartbeat, services.kb.engine, runtime.replica, mode=runtime.mode, leader=leader,
                                generation=services.kb.generation, now=services.clock())
    except Exception:  # noqa: BLE001 - a missed heartbeat only affects /status
        log.warning("heartbeat failed", exc_info=True)
    if leader and not runtime.led_once:
        runtime.led_once = True
        for job, callback in runtime.catch_up:
            log.info("new leader: catching up on %s", job)
            context.application.job_queue.run_once(callback, when=0, name=f"{job}-catch-up")  # type: ignore[union-attr]
    elif not leader:
        runtime.led_once = False


async def generation_tick(context: IKZContext) -> None:
    """Load a newer published index generation in the background and swap it in."""
    runtime = runtime_of(context.application)
    if runtime is None or runtime.loading:
        return
    runtime.loading = True
    try:
        await load_latest_generation(context.application)
    except Exception:  # noqa: BLE001 - the old index keeps answering; the next tick tries again
        log.warning("loading the newest index generation failed", exc_info=True)
    finally:
        runtime.loading = False


async def load_latest_generation(application: Application) -> int | None:
    """Fetch, verify and load the newest generation when it is newer than ours; returns the loaded id."""
    services = application.bot_data["services"]
    kb = services.kb
    latest = await asyncio.to_thread(latest_generation, kb.engine)
    runtime = runtime_of(application)
    if latest is None or latest.id is None or (kb.generation is not None and latest.id <= kb.generation):
        return None
    if latest.model_id != kb.encoder.model_id:
        if runtime is not None and runtime.refused_generation != latest.id:
            runtime.refused_generation = latest.id
            log.error("index generation %d was built with model %s, this replica uses %s: not loaded",
                      latest.id, latest.model_id, kb.encoder.model_id)
        return None
    root = kb.settings.index_dir / "generations"
    try:
        directory = await asyncio.to_thread(fetch_generation, kb.engine, latest, root, store=kb.settings.index_store)
    except (GenerationCorrupt, FileNotFoundError) as exc:
        log.warning("index generation %d not usable: %s", latest.id, exc)
        return None
    await asyncio.to_thread(kb.load_generation, directory, int(latest.id))
    if runtime is not None:  # /status shows the new generation at once, not at the next tick
        await asyncio.to_thread(heartbeat, kb.engine, runtime.replica, mode=runtime.mode,
                                leader=runtime.is_leader, generation=kb.generation, now=services.clock())
    await asyncio.to_thread(warm_up, kb)
    await asyncio.to_thread(prune_local, root, keep_ids={int(latest.id)})
    log.info("now answering from index generation %d", latest.id)
    return int(latest.id)


WARM_UP_QUESTION = "interkommunale Zusammenarbeit"


def warm_up(kb) -> None:  # noqa: ANN001 - KnowledgeBase
    """One question off the record, so the first user after a start or swap does not pay for lazy
    work (encoder, the base's calibration, BM25 caches)."""
    try:
        kb.ask(WARM_UP_QUESTION)
    except Exception:  # noqa: BLE001 - a failed warm-up only costs the first user some latency
        log.warning("warm-up question failed", exc_info=True)


def schedule(application: Application) -> None:
    """Leadership ticks on every replica; generation ticks in webhook mode."""
    jq = application.job_queue
    runtime = runtime_of(application)
    if jq is None or runtime is None:
        return
    settings = application.bot_data["services"].settings
    jq.run_repeating(leadership_tick, interval=max(0.5, settings.leader_lease_s / 3), first=0, name=TICK_JOB_ID,
                     job_kwargs={"id": TICK_JOB_ID, "replace_existing": True, "coalesce": True, "max_instances": 1,
                                 "misfire_grace_time": None})
    if runtime.mode == "webhook":
        jq.run_repeating(generation_tick, interval=settings.index_poll_s, first=settings.index_poll_s,
                         name=GENERATION_JOB_ID,
                         job_kwargs={"id": GENERATION_JOB_ID, "replace_existing": True, "coalesce": True,
                                     "max_instances": 1, "misfire_grace_time": None})

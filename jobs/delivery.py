"""The delivery loop: send what the ledger says is pending, exactly once per (kind, ref, chat).

State machine of a `jobs.ledger.Delivery` row::

    pending ──claim (commit)──► sending ──HTTP ok──► sent (message id)
       ▲                          │  403 ────────► failed (subscriber deactivated)
       └── 429 / network error ◄──┘  400 ────────► failed
    sending, older than the lease (its process died) ──► unconfirmed (never re-sent)

The claim (a conditional ``UPDATE … WHERE status='pending'``) is committed *before* the HTTP
call and the result right after it. A process killed between the two leaves the row in
``sending``; such rows are never sent again (**at-most-once**). The only way to lose a message
is a kill inside the few hundred microseconds between the claim's commit and the request
reaching the server; a duplicate would need a re-send, which never happens (docs/OPERATIONS.md
explains why we chose this over at-least-once).

The loop paces itself with a token bucket (``settings.broadcast_rate_per_s``, Telegram allows
about 30/s) and at most one message per chat per ``broadcast_per_chat_interval_s``; a 429 pauses
every worker for ``retry_after``; network errors are retried with exponential backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import Engine

from jobs.ledger import (
    FAILED,
    PENDING,
    SENT,
    Delivery,
    SendBudget,
    claim,
    due_batch,
    expire_stale_sending,
    finish,
    next_retry_at,
    skip,
)
from jobs.notice_building import NoticeContext, build_notice, load_context
from jobs.notices import Renderer
from jobs.sender import Blocked, PermanentError, RetryLater, Sender, TransientError, send
from knowledge.clock import Clock
from knowledge.settings import Settings
from knowledge.subscriptions import unsubscribe

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
BATCH = 500


class TokenBucket:
    """Async token bucket: ``rate`` sends per second, bursts up to ``capacity``; `pause` for 429s."""

    def __init__(
        self, rate: float, capacity: float = 1.0, *, monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate, self.capacity = rate, capacity
        self._monotonic, self._sleep = monotonic, sleep
        self._tokens = capacity
        self._updated = monotonic()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Stop handing out tokens for ``seconds`` (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)
        self._tokens = 0.0

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await self._sleep((1.0 - self._tokens) / self.rate)


def send_bucket(engine: Engine, settings: Settings, *, sleep: Sleep = asyncio.sleep) -> TokenBucket | SendBudget:
    """The pacing of bulk sends: on PostgreSQL one bucket in the database shared by every process
    (several replicas, CLI jobs), else a bucket in this process."""
    if engine.dialect.name == "postgresql":
        return SendBudget(engine, settings.broadcast_rate_per_s, sleep=sleep)
    return TokenBucket(settings.broadcast_rate_per_s, sleep=sleep)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    retried: int = 0
    rate_limited: int = 0
    unconfirmed: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.sent} sent, {self.blocked} blocked, {self.failed} failed, {self.skipped} skipped, "
            f"{self.retried} retries, {self.rate_limited} rate-limited, {self.unconfirmed} unconfirmed "
            f"in {self.seconds:.1f} s"
        )


# --- the loop ----------------------------------------------------------------------------------------
async def deliver_pending(
    engine: Engine,
    sender: Sender,
    render: Renderer,
    *,
    settings: Settings,
    clock: Clock,
    sleep: Sleep = asyncio.sleep,
    bucket: TokenBucket | SendBudget | None = None,
    max_wait_for_retries_s: float = 60.0,
) -> DeliveryReport:
    """Send every due pending delivery (oldest first) and return what happened.

    Also used by the running bot (one loop at a time per process: the caller holds a lock and
    shares ``bucket``). Retries that are due within ``max_wait_for_retries_s`` are waited for.
    """
    started = time.monotonic()
    report = DeliveryReport()
    bucket = bucket or send_bucket(engine, settings, sleep=sleep)
    worker = uuid.uuid4().hex[:12]
    report.unconfirmed = await asyncio.to_thread(
        expire_stale_sending, engine, now=clock(), lease_s=settings.delivery_lease_s
    )
    next_chat_send: dict[int, float] = {}
    interval = settings.broadcast_per_chat_interval_s

    async def handle(row: Delivery, ctx: NoticeContext) -> None:
        notice = await asyncio.to_thread(build_notice, row, ctx, now=clock(), engine=engine)
        if isinstance(notice, str):
            await asyncio.to_thread(skip, engine, [row.id], now=clock(), reason=notice)
            report.skipped += 1
            return
        message = render(notice)
        schedule = notice.event.schedule_hash if notice.event is not None else None
        attempt = row.attempts
        while True:
            wait = next_chat_send.get(row.chat_id, 0.0) - time.monotonic()
            if wait > 0:
                await sleep(wait)
            await bucket.acquire()
            next_chat_send[row.chat_id] = time.monotonic() + interval
            if not await asyncio.to_thread(claim, engine, row.id, worker=worker, now=clock(), schedule_hash=schedule):
                return  # another process claimed it
            attempt += 1
            try:
                message_id = await send(sender, row.chat_id, message)
            except RetryLater as exc:
                # Nothing was delivered: give the row back, pause everyone, try again.
                report.rate_limited += 1
                bucket.pause(exc.seconds)
                await asyncio.to_thread(finish, engine, row.id, status=PENDING, now=clock(), error=str(exc))
                continue
            except Blocked as exc:
                report.blocked += 1
                await asyncio.to_thread(finish, engine, row.id, status=FAILED, now=clock(), error=f"blocked: {exc}")
                await asyncio.to_thread(unsubscribe, engine, chat_id=row.chat_id, reason="blocked", now=clock())
                return
            except TransientError as exc:
                report.retried += 1
                if attempt >= settings.delivery_max_attempts:
                    report.failed += 1
                    await asyncio.to_thread(finish, engine, row.id, status=FAILED, now=clock(), error=str(exc))
                    return
                backoff = min(60.0, 2.0 ** (attempt - 1))
                await asyncio.to_thread(finish, engine, row.id, status=PENDING, now=clock(), error=str(exc),
                                        not_before=clock() + timedelta(seconds=backoff))
                return
            except PermanentError as exc:
                report.failed += 1
                await asyncio.to_thread(finish, engine, row.id, status=FAILED, now=clock(), error=str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop a broadcast
                log.exception("delivery %s to %s failed unexpectedly", row.id, row.chat_id)
                report.failed += 1
                await asyncio.to_thread(finish, engine, row.id, status=FAILED, now=clock(), error=repr(exc))
                return
            await asyncio.to_thread(finish, engine, row.id, status=SENT, now=clock(), message_id=message_id)
            report.sent += 1
            kind = notice.kind
            report.by_kind[kind] = report.by_kind.get(kind, 0) + 1
            return

    async def run_batch(rows: list[Delivery]) -> None:
        ctx = await asyncio.to_thread(load_context, engine, rows, timezone=settings.timezone)
        queue: asyncio.Queue[Delivery] = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)

        async def work() -> None:
            while True:
                try:
                    row = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await handle(row, ctx)

        workers = max(1, min(settings.broadcast_concurrency, len(rows)))
        await asyncio.gather(*(work() for _ in range(workers)))

    deadline = time.monotonic() + max_wait_for_retries_s
    while True:
        after_id = 0
        while True:
            rows = await asyncio.to_thread(due_batch, engine, now=clock(), after_id=after_id, limit=BATCH)
            if not rows:
                break
            after_id = rows[-1].id or after_id
            await run_batch(rows)
        retry_at = await asyncio.to_thread(next_retry_at, engine)
        if retry_at is None:
            break
        wait = (retry_at - clock()).total_seconds()
        if wait > 0:
            if time.monotonic() + wait > deadline:
                break
            await sleep(wait)
            if clock() < retry_at:
                break  # an injected clock that does not move: leave the retries to the next run
    report.seconds = time.monotonic() - started
    log.info("delivery: %s", report.summary())
    return report


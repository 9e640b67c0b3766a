"""The delivery loop: send what the ledger says is pending, exactly once per (kind, ref, chat).

State machine of a `knowledge.subscriptions.Delivery` row::

    pending ──claim (commit)──► sending ──HTTP ok──► sent (message id)
       ▲                          │  403 ────────► failed (subscriber deactivated)
       └── 429 / network error ◄──┘  400 ────────► failed
    sending, older than the lease (its process died) ──► unconfirmed (never re-sent)

The claim (a conditional ``UPDATE … WHERE status='pending'``) is committed *before* the HTTP
call and the result right after it. A process killed between the two leaves the row in
``sending``; such rows are never sent again (**at-most-once**). The only way to lose a message
is a kill inside the few hundred microseconds between the claim's commit and the request
reaching the server; a duplicate would need a re-send, which never happens. See
docs/README-events.md for why we chose this over at-least-once.

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
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from knowledge.models import Event, Project
from knowledge.settings import Settings
from knowledge.subscriptions import (
    ANNOUNCE,
    BROADCAST,
    CANCEL,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNCONFIRMED,
    Broadcast,
    Delivery,
    EventSnapshot,
    Subscriber,
    SubscriberTopic,
    insert_deliveries,
    unsubscribe,
)
from jobs.calendar_file import event_ics, ics_filename
from jobs.notices import EventInfo, Notice, ProjectInfo, Renderer
from jobs.planning import event_info, new_projects, snapshot_info, wants
from jobs.sender import Blocked, OutgoingMessage, PermanentError, RetryLater, Sender, TransientError, send

log = logging.getLogger(__name__)

SKIPPED = "skipped"  # no longer relevant (event cancelled/removed, subscriber inactive)
Clock = Callable[[], datetime]
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


# --- broadcasts ------------------------------------------------------------------------------------
def create_broadcast(engine: Engine, text: str, created_by: int | None, *, now: datetime | None = None) -> int:
    """Store a maintainers' broadcast and plan one delivery per active subscriber; returns its id.

    Deliver it with `deliver_pending` (the bot does that right away and on its schedule).
    """
    from knowledge.models import utcnow

    now = now or utcnow()
    if not text.strip():
        raise ValueError("empty broadcast text")
    with Session(engine, expire_on_commit=False) as session:
        broadcast = Broadcast(text=text, created_by=created_by, created_at=now)
        session.add(broadcast)
        session.commit()
        chats = list(session.exec(select(Subscriber.chat_id).where(Subscriber.active == True)).all())  # noqa: E712
    rows = [{"kind": BROADCAST, "ref": str(broadcast.id), "chat_id": chat_id} for chat_id in chats]
    inserted = insert_deliveries(engine, rows, now=now)
    with Session(engine) as session:
        session.exec(sa.update(Broadcast).where(Broadcast.id == broadcast.id).values(recipients=inserted))
        session.commit()
    return int(broadcast.id)


# --- ledger operations (blocking) -----------------------------------------------------------------
def expire_stale_sending(engine: Engine, *, now: datetime, lease_s: float) -> int:
    """Rows left in 'sending' by a dead process become 'unconfirmed' (they are never re-sent)."""
    with Session(engine) as session:
        result = session.exec(
            sa.update(Delivery)
            .where(Delivery.status == SENDING, Delivery.updated_at < now - timedelta(seconds=lease_s))
            .values(status=UNCONFIRMED, updated_at=now)
        )
        session.commit()
        return int(result.rowcount or 0)


def _due_batch(engine: Engine, *, now: datetime, after_id: int, limit: int) -> list[Delivery]:
    with Session(engine, expire_on_commit=False) as session:
        stmt = (
            select(Delivery)
            .where(Delivery.status == PENDING, Delivery.id > after_id)
            .where((Delivery.not_before == None) | (Delivery.not_before <= now))  # noqa: E711
            .order_by(Delivery.id)
            .limit(limit)
        )
        return list(session.exec(stmt).all())


def _next_retry_at(engine: Engine) -> datetime | None:
    with Session(engine) as session:
        return session.exec(
            select(sa.func.min(Delivery.not_before)).where(Delivery.status == PENDING, Delivery.not_before != None)  # noqa: E711
        ).one()


def _claim(engine: Engine, delivery_id: int, *, worker: str, now: datetime, schedule_hash: str | None) -> bool:
    """pending → sending, committed before the HTTP call; False if another process has it."""
    with Session(engine) as session:
        result = session.exec(
            sa.update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == PENDING)
            .values(status=SENDING, claimed_by=worker, updated_at=now, attempts=Delivery.attempts + 1,
                    schedule_hash=schedule_hash)
        )
        session.commit()
        return result.rowcount == 1


def _finish(engine: Engine, delivery_id: int, *, status: str, now: datetime, message_id: int | None = None,
            error: str | None = None, not_before: datetime | None = None) -> None:
    with Session(engine) as session:
        session.exec(
            sa.update(Delivery)
            .where(Delivery.id == delivery_id)
            .values(status=status, updated_at=now, message_id=message_id, error=error[:500] if error else None,
                    not_before=not_before)
        )
        session.commit()


def _skip(engine: Engine, ids: list[int], *, now: datetime, reason: str) -> None:
    if not ids:
        return
    with Session(engine) as session:
        session.exec(
            sa.update(Delivery)
            .where(col(Delivery.id).in_(ids), Delivery.status == PENDING)
            .values(status=SKIPPED, error=reason, updated_at=now)
        )
        session.commit()


@dataclass
class _Context:
    """What a batch needs to render its notices (loaded in one go)."""

    subscribers: dict[int, Subscriber]
    topics: dict[int, set[str]]
    events: dict[str, EventInfo]
    broadcasts: dict[str, str]


def _load_context(engine: Engine, rows: list[Delivery]) -> _Context:
    chats = sorted({r.chat_id for r in rows})
    refs = sorted({r.ref for r in rows if r.kind not in (BROADCAST,) and not r.kind.startswith("digest:")})
    broadcast_ids = sorted({int(r.ref) for r in rows if r.kind == BROADCAST})
    with Session(engine, expire_on_commit=False) as session:
        subscribers = {s.chat_id: s for s in session.exec(select(Subscriber).where(col(Subscriber.chat_id).in_(chats))).all()}
        topics: dict[int, set[str]] = {}
        for chat_id, topic in session.exec(
            select(SubscriberTopic.chat_id, SubscriberTopic.topic).where(col(SubscriberTopic.chat_id).in_(chats))
        ).all():
            topics.setdefault(chat_id, set()).add(topic)
        events = {e.id: event_info(e) for e in session.exec(select(Event).where(col(Event.id).in_(refs))).all()}
        for snap in session.exec(select(EventSnapshot).where(col(EventSnapshot.event_id).in_(refs))).all():
            events.setdefault(snap.event_id, snapshot_info(snap))
        broadcasts = {
            str(b.id): b.text for b in session.exec(select(Broadcast).where(col(Broadcast.id).in_(broadcast_ids))).all()
        }
    return _Context(subscribers, topics, events, broadcasts)


def _digest_projects(engine: Engine, row: Delivery, topics: set[str]) -> list[ProjectInfo]:
    with Session(engine) as session:
        projects = new_projects(session, since=row.created_at - timedelta(days=7), until=row.created_at + timedelta(seconds=1))
    return [ProjectInfo(p.id, p.title, p.topic or "", p.url) for p in projects if wants(topics, p.topic or "")]


def build_notice(row: Delivery, ctx: _Context, *, now: datetime, engine: Engine) -> Notice | str:
    """The notice for a ledger row, or the reason why it is no longer relevant."""
    subscriber = ctx.subscribers.get(row.chat_id)
    if subscriber is None or not subscriber.active:
        return "subscriber inactive"
    language = subscriber.language or "de"
    if row.kind == BROADCAST:
        text = ctx.broadcasts.get(row.ref)
        return Notice("broadcast", row.chat_id, language, text=text) if text else "broadcast missing"
    if row.kind.startswith("digest:"):
        topics = set() if subscriber.all_topics else ctx.topics.get(row.chat_id, set())
        projects = _digest_projects(engine, row, topics)
        return Notice("digest", row.chat_id, language, projects=projects) if projects else "nothing new"
    event = ctx.events.get(row.ref)
    if event is None:
        return "event unknown"
    if row.kind == CANCEL:
        cancelled = event if (event.cancelled or event.removed) else None
        if cancelled is None:
            return "event no longer cancelled"
        return Notice("cancel", row.chat_id, language, event=event, calendar=event_ics(event, now=now, sequence=99))
    if event.cancelled or event.removed:
        return "event cancelled"
    if event.start <= now:
        return "event started"
    if row.kind == ANNOUNCE:
        return Notice("announce", row.chat_id, language, event=event)
    if row.kind.startswith("remind:"):
        days = int(row.kind.split(":", 1)[1])
        return Notice("remind", row.chat_id, language, event=event, days=days, calendar=event_ics(event, now=now))
    if row.kind.startswith("change:"):
        if row.kind != f"change:{event.schedule_hash}":
            return "superseded by a later change"
        return Notice("change", row.chat_id, language, event=event, calendar=event_ics(event, now=now, sequence=1))
    return f"unknown kind {row.kind}"


# --- the loop ----------------------------------------------------------------------------------------
async def deliver_pending(
    engine: Engine,
    sender: Sender,
    render: Renderer,
    *,
    settings: Settings,
    clock: Clock,
    sleep: Sleep = asyncio.sleep,
    bucket: TokenBucket | None = None,
    max_wait_for_retries_s: float = 60.0,
) -> DeliveryReport:
    """Send every due pending delivery (oldest first) and return what happened.

    Also used by the running bot (one loop at a time per process: the caller holds a lock and
    shares ``bucket``). Retries that are due within ``max_wait_for_retries_s`` are waited for.
    """
    started = time.monotonic()
    report = DeliveryReport()
    bucket = bucket or TokenBucket(settings.broadcast_rate_per_s, sleep=sleep)
    worker = uuid.uuid4().hex[:12]
    report.unconfirmed = await asyncio.to_thread(
        expire_stale_sending, engine, now=clock(), lease_s=settings.delivery_lease_s
    )
    next_chat_send: dict[int, float] = {}
    interval = settings.broadcast_per_chat_interval_s

    async def handle(row: Delivery, ctx: _Context) -> None:
        notice = await asyncio.to_thread(build_notice, row, ctx, now=clock(), engine=engine)
        if isinstance(notice, str):
            await asyncio.to_thread(_skip, engine, [row.id], now=clock(), reason=notice)
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
            if not await asyncio.to_thread(_claim, engine, row.id, worker=worker, now=clock(), schedule_hash=schedule):
                return  # another process claimed it
            attempt += 1
            try:
                message_id = await send(sender, row.chat_id, message)
            except RetryLater as exc:
                # Nothing was delivered: give the row back, pause everyone, try again.
                report.rate_limited += 1
                bucket.pause(exc.seconds)
                await asyncio.to_thread(_finish, engine, row.id, status=PENDING, now=clock(), error=str(exc))
                continue
            except Blocked as exc:
                report.blocked += 1
                await asyncio.to_thread(_finish, engine, row.id, status=FAILED, now=clock(), error=f"blocked: {exc}")
                await asyncio.to_thread(unsubscribe, engine, chat_id=row.chat_id, reason="blocked", now=clock())
                return
            except TransientError as exc:
                report.retried += 1
                if attempt >= settings.delivery_max_attempts:
                    report.failed += 1
                    await asyncio.to_thread(_finish, engine, row.id, status=FAILED, now=clock(), error=str(exc))
                    return
                backoff = min(60.0, 2.0 ** (attempt - 1))
                await asyncio.to_thread(_finish, engine, row.id, status=PENDING, now=clock(), error=str(exc),
                                        not_before=clock() + timedelta(seconds=backoff))
                return
            except PermanentError as exc:
                report.failed += 1
                await asyncio.to_thread(_finish, engine, row.id, status=FAILED, now=clock(), error=str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop a broadcast
                log.exception("delivery %s to %s failed unexpectedly", row.id, row.chat_id)
                report.failed += 1
                await asyncio.to_thread(_finish, engine, row.id, status=FAILED, now=clock(), error=repr(exc))
                return
            await asyncio.to_thread(_finish, engine, row.id, status=SENT, now=clock(), message_id=message_id)
            report.sent += 1
            kind = notice.kind
            report.by_kind[kind] = report.by_kind.get(kind, 0) + 1
            return

    async def run_batch(rows: list[Delivery]) -> None:
        ctx = await asyncio.to_thread(_load_context, engine, rows)
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
            rows = await asyncio.to_thread(_due_batch, engine, now=clock(), after_id=after_id, limit=BATCH)
            if not rows:
                break
            after_id = rows[-1].id or after_id
            await run_batch(rows)
        retry_at = await asyncio.to_thread(_next_retry_at, engine)
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


def render_fallback(notice: Notice) -> OutgoingMessage:
    """Plain rendering without the bot's texts (only used where no renderer is injected)."""
    import html

    if notice.kind == "broadcast":
        return OutgoingMessage(html.escape(notice.text or ""))
    title = html.escape(notice.event.title) if notice.event else ""
    if notice.calendar is not None and notice.event is not None:
        return OutgoingMessage(f"{notice.kind}: {title}", (ics_filename(notice.event), notice.calendar))
    return OutgoingMessage(f"{notice.kind}: {title}")

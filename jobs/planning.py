"""Select what is due and write it into the delivery ledger (idempotent; blocking DB work).

Every planner takes ``now`` from the caller's clock and inserts ``pending`` rows; the unique
constraint on (kind, ref, chat) makes re-running a planner — also after a crash — harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from embeddings.lexical import fold
from knowledge.places import default_register
from knowledge.subscription_regions import event_in_region, regions
from jobs.ledger import (
    ANNOUNCE,
    BROADCAST,
    CANCEL,
    COMMUNICATED,
    PENDING,
    Broadcast,
    Delivery,
    DeliveryKind,
    EventSnapshot,
    NoticeKind,
    change_kind,
    digest_kind,
    insert_deliveries,
    remind_kind,
)
from knowledge.clock import utc_now
from knowledge.models import Event, Project
from knowledge.store import schedule_hash
from knowledge.subscriptions import Subscriber, active_subscribers

log = logging.getLogger(__name__)


def topic_key(topic: str) -> str:
    """Topic names compared case-insensitively and tolerant of umlaut spelling."""
    return "".join(ch for ch in fold(topic.strip()) if ch.isalnum())


def wants(topics: set[str], topic: str) -> bool:
    """Whether a subscriber with these topics (empty = all) wants items of ``topic``."""
    if not topics:
        return True
    return topic_key(topic) in {topic_key(t) for t in topics}


def removed_event(snapshot: EventSnapshot) -> Event:
    """An event that disappeared from its source, rebuilt (not stored) from what subscribers were
    told about it, and marked cancelled."""
    return Event(
        id=snapshot.event_id, title=snapshot.title, start=snapshot.start, end=snapshot.end,
        location=snapshot.location, online_url=snapshot.online_url, topic=snapshot.topic, cancelled=True,
        schedule_hash=schedule_hash(snapshot.start, snapshot.end, snapshot.location, snapshot.online_url),
    )


def _upcoming(session: Session, now: datetime) -> list[Event]:
    return list(session.exec(select(Event).where(Event.start > now).order_by(Event.start, Event.id)).all())


def _remember(session: Session, events: Iterable[Event], now: datetime) -> None:
    """Keep a snapshot of announced events, so a notice can still be rendered if one disappears."""
    for event in events:
        snap = session.get(EventSnapshot, event.id) or EventSnapshot(event_id=event.id, title=event.title, start=event.start)
        snap.title, snap.start, snap.end = event.title, event.start, event.end
        snap.location, snap.online_url, snap.topic = event.location, event.online_url, event.topic or ""
        snap.removed, snap.updated_at = False, now
        session.add(snap)


def plan_announcements(engine: Engine, *, now: datetime) -> int:
    """Announce every upcoming, not cancelled event to each matching active subscriber once
    (subscribers limited to their municipality or Kreis get the events there and online ones)."""
    with Session(engine, expire_on_commit=False) as session:
        events = [e for e in _upcoming(session, now) if not e.cancelled]
        subscribers = active_subscribers(session)
        limited = regions(session)
        _remember(session, events, now)
        session.commit()
    rows = [
        {"kind": ANNOUNCE, "ref": event.id, "chat_id": sub.chat_id}
        for event in events
        for sub, topics in subscribers
        if wants(topics, event.topic or "")
        and (sub.chat_id not in limited or event_in_region(
            limited[sub.chat_id], location=event.location, online_url=event.online_url, places=default_register()))
    ]
    return insert_deliveries(engine, rows, now=now)


def _communicated_by_chat(session: Session, event_ids: list[str]) -> dict[str, dict[int, list[Delivery]]]:
    """Per event and chat: its announce/change/cancel rows, oldest first."""
    out: dict[str, dict[int, list[Delivery]]] = {}
    for start in range(0, len(event_ids), 500):
        part = event_ids[start : start + 500]
        rows = session.exec(
            select(Delivery)
            .where(col(Delivery.ref).in_(part))
            .where(
                (Delivery.kind == str(ANNOUNCE)) | (Delivery.kind == str(CANCEL))
                | col(Delivery.kind).startswith(f"{NoticeKind.CHANGE}:")
            )
            .order_by(Delivery.id)
        ).all()
        for row in rows:
            out.setdefault(row.ref, {}).setdefault(row.chat_id, []).append(row)
    return out


def plan_changes(engine: Engine, *, now: datetime) -> int:
    """Change notices (time/place changed after an announcement) and cancellation notices.

    A cancellation notice goes to everyone who was told about the event when it is cancelled
    (``cancelled``/STATUS:CANCELLED) or disappeared from its source. Pending notices about a
    cancelled event are skipped at send time.
    """
    with Session(engine, expire_on_commit=False) as session:
        snapshots = {s.event_id: s for s in session.exec(select(EventSnapshot).where(EventSnapshot.start > now)).all()}
        events = {e.id: e for e in session.exec(select(Event).where(col(Event.id).in_(list(snapshots)))).all()} if snapshots else {}
        active = {sub.chat_id for sub, _ in active_subscribers(session)}
        ledger = _communicated_by_chat(session, sorted(snapshots))
        for event_id, snap in snapshots.items():
            if event_id not in events and not snap.removed:
                snap.removed, snap.updated_at = True, now
                session.add(snap)
        session.commit()
    rows: list[dict] = []
    for event_id, by_chat in ledger.items():
        event = events.get(event_id)
        cancelled = event is None or bool(event.cancelled)
        current = schedule_hash(event.start, event.end, event.location, event.online_url) if event else None
        for chat_id, deliveries in by_chat.items():
            if chat_id not in active or any(DeliveryKind.parse(d.kind) == CANCEL for d in deliveries):
                continue
            told = [d for d in deliveries if d.status in COMMUNICATED]
            if not told:
                continue
            if cancelled:
                rows.append({"kind": CANCEL, "ref": event_id, "chat_id": chat_id})
                continue
            latest = deliveries[-1]
            if latest.status == PENDING:
                continue  # a notice is on its way; it will show the current time and place
            if told[-1].schedule_hash and told[-1].schedule_hash != current:
                rows.append({"kind": change_kind(current), "ref": event_id, "chat_id": chat_id})
    return insert_deliveries(engine, rows, now=now)


def reminder_due(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    """When the reminder ``days`` before ``start`` is due: same wall-clock time, ``days`` earlier.

    Computed in local time, so a reminder across a daylight-saving change keeps its local hour.
    """
    local = start.astimezone(tz)
    naive = local.replace(tzinfo=None) - timedelta(days=days)
    return naive.replace(tzinfo=tz)


def applicable_reminder(start: datetime, days_list: Iterable[int], now: datetime, tz: ZoneInfo) -> int | None:
    """The reminder (days before) whose window contains ``now``: the one with the fewest days already due."""
    if now >= start:
        return None
    due = [d for d in sorted(set(days_list)) if d > 0 and reminder_due(start, d, tz) <= now]
    return due[0] if due else None


def plan_reminders(engine: Engine, *, now: datetime, days: Iterable[int], tz: ZoneInfo) -> int:
    """Reminders to subscribers who were told about an event, ``days`` before it (each once).

    A reminder is skipped when the announcement itself went out inside that reminder's window
    (someone who learned about the event yesterday does not need a "next week" reminder today).
    """
    days = list(days)
    with Session(engine, expire_on_commit=False) as session:
        events = [e for e in _upcoming(session, now) if not e.cancelled]
        due = {e.id: (e, d) for e in events if (d := applicable_reminder(e.start, days, now, tz)) is not None}
        active = {sub.chat_id for sub, _ in active_subscribers(session)}
        ledger = _communicated_by_chat(session, sorted(due))
    rows = []
    for event_id, (event, d) in due.items():
        window_start = reminder_due(event.start, d, tz)
        for chat_id, deliveries in ledger.get(event_id, {}).items():
            if chat_id not in active:
                continue
            announce = next((x for x in deliveries if DeliveryKind.parse(x.kind) == ANNOUNCE), None)
            if announce is None or announce.status not in COMMUNICATED:
                continue
            if announce.updated_at >= window_start:
                continue
            rows.append({"kind": remind_kind(d), "ref": event_id, "chat_id": chat_id})
    return insert_deliveries(engine, rows, now=now)


def iso_week(now: datetime, tz: ZoneInfo) -> str:
    year, week, _ = now.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def new_projects(session: Session, *, since: datetime, until: datetime) -> list[Project]:
    stmt = (
        select(Project)
        .where(Project.created_at >= since, Project.created_at < until)
        .order_by(Project.topic, Project.title)
    )
    return list(session.exec(stmt).all())


def plan_digest(engine: Engine, *, now: datetime, tz: ZoneInfo) -> int:
    """The weekly digest of projects added in the last 7 days, for subscribers who want it."""
    with Session(engine, expire_on_commit=False) as session:
        projects = new_projects(session, since=now - timedelta(days=7), until=now)
        subscribers = [(s, t) for s, t in active_subscribers(session) if s.digest]
    if not projects:
        return 0
    kind = digest_kind(iso_week(now, tz))
    rows = [
        {"kind": kind, "ref": "digest", "chat_id": sub.chat_id}
        for sub, topics in subscribers
        if any(wants(topics, p.topic or "") for p in projects)
    ]
    return insert_deliveries(engine, rows, now=now)


# --- broadcasts ------------------------------------------------------------------------------------
def create_broadcast(engine: Engine, text: str, created_by: int | None, *, now: datetime | None = None) -> int:
    """Store a maintainers' broadcast and plan one delivery per active subscriber; returns its id.

    Deliver it with `deliver_pending` (the bot does that right away and on its schedule).
    """
    now = now or utc_now()
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

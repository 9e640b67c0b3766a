"""From a ledger row to the notice it sends: loads what a batch needs in one go, then decides
per row whether it is still relevant (events cancelled, moved or started; subscribers gone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from jobs.calendar_file import event_ics
from jobs.ledger import Broadcast, Delivery, DeliveryKind, EventSnapshot, NoticeKind
from jobs.notices import Notice
from jobs.planning import new_projects, removed_event, wants
from knowledge.models import Event, Project
from knowledge.subscriptions import Subscriber, SubscriberTopic


@dataclass
class NoticeContext:
    """What a batch needs to render its notices (loaded in one go)."""

    subscribers: dict[int, Subscriber]
    topics: dict[int, set[str]]
    events: dict[str, Event]
    removed: set[str]  # ids of events that disappeared from their source
    broadcasts: dict[str, str]
    timezone: str


def load_context(engine: Engine, rows: list[Delivery], *, timezone: str) -> NoticeContext:
    chats = sorted({r.chat_id for r in rows})
    kinds = {r.id: DeliveryKind.parse(r.kind).notice for r in rows}
    refs = sorted({r.ref for r in rows if kinds[r.id] not in (NoticeKind.BROADCAST, NoticeKind.DIGEST)})
    broadcast_ids = sorted({int(r.ref) for r in rows if kinds[r.id] == NoticeKind.BROADCAST})
    with Session(engine, expire_on_commit=False) as session:
        subscribers = {s.chat_id: s for s in session.exec(select(Subscriber).where(col(Subscriber.chat_id).in_(chats))).all()}
        topics: dict[int, set[str]] = {}
        for chat_id, topic in session.exec(
            select(SubscriberTopic.chat_id, SubscriberTopic.topic).where(col(SubscriberTopic.chat_id).in_(chats))
        ).all():
            topics.setdefault(chat_id, set()).add(topic)
        events = {e.id: e for e in session.exec(select(Event).where(col(Event.id).in_(refs))).all()}
        snapshots = session.exec(select(EventSnapshot).where(col(EventSnapshot.event_id).in_(refs))).all()
        removed = {snap.event_id for snap in snapshots if snap.event_id not in events}
        events |= {snap.event_id: removed_event(snap) for snap in snapshots if snap.event_id in removed}
        broadcasts = {
            str(b.id): b.text for b in session.exec(select(Broadcast).where(col(Broadcast.id).in_(broadcast_ids))).all()
        }
    return NoticeContext(subscribers, topics, events, removed, broadcasts, timezone)


def _digest_projects(engine: Engine, row: Delivery, topics: set[str]) -> list[Project]:
    with Session(engine, expire_on_commit=False) as session:
        projects = new_projects(session, since=row.created_at - timedelta(days=7), until=row.created_at + timedelta(seconds=1))
    return [p for p in projects if wants(topics, p.topic or "")]


def build_notice(row: Delivery, ctx: NoticeContext, *, now: datetime, engine: Engine) -> Notice | str:
    """The notice for a ledger row, or the reason why it is no longer relevant."""
    subscriber = ctx.subscribers.get(row.chat_id)
    if subscriber is None or not subscriber.active:
        return "subscriber inactive"
    language = subscriber.language or "de"
    try:
        kind = DeliveryKind.parse(row.kind)
    except ValueError:
        return f"unknown kind {row.kind}"
    if kind.notice == NoticeKind.BROADCAST:
        text = ctx.broadcasts.get(row.ref)
        return Notice(kind.notice, row.chat_id, language, ctx.timezone, text=text) if text else "broadcast missing"
    if kind.notice == NoticeKind.DIGEST:
        topics = set() if subscriber.all_topics else ctx.topics.get(row.chat_id, set())
        projects = _digest_projects(engine, row, topics)
        return Notice(kind.notice, row.chat_id, language, ctx.timezone, projects=projects) if projects else "nothing new"
    event = ctx.events.get(row.ref)
    if event is None:
        return "event unknown"
    if kind.notice == NoticeKind.CANCEL:
        if not event.cancelled:
            return "event no longer cancelled"
        return Notice(kind.notice, row.chat_id, language, ctx.timezone, event=event, event_removed=row.ref in ctx.removed,
                      calendar=event_ics(event, now=now, sequence=99))
    if event.cancelled:
        return "event cancelled"
    if event.start <= now:
        return "event started"
    if kind.notice == NoticeKind.ANNOUNCE:
        return Notice(kind.notice, row.chat_id, language, ctx.timezone, event=event)
    if kind.notice == NoticeKind.REMIND:
        return Notice(kind.notice, row.chat_id, language, ctx.timezone, event=event, days=kind.days,
                      calendar=event_ics(event, now=now))
    if kind.detail != event.schedule_hash:  # a change notice
        return "superseded by a later change"
    return Notice(kind.notice, row.chat_id, language, ctx.timezone, event=event, calendar=event_ics(event, now=now, sequence=1))

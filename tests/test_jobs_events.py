"""Event jobs against the real fake Bot API with an injected clock: announcements, reminders
(DST included), change and cancellation notices, topic filtering, blocked users, 429, retries."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import Session, select
from telegram import Bot

from bot.event_messages import render_notice
from bot.event_time import format_when
from bot.telegram_sender import TelegramSender
from jobs.event_jobs import run_named_job
from jobs.planning import applicable_reminder, reminder_due
from knowledge.db import create_db_and_tables, make_engine
from knowledge.ingest.records import EventRecord, ProjectRecord
from knowledge.models import Event
from knowledge.store import delete_items, upsert_events, upsert_projects
from jobs.ledger import SENDING, SENT, UNCONFIRMED, Delivery
from knowledge.subscriptions import Subscriber, subscribe
from tests.conftest import make_settings
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApi

BERLIN = ZoneInfo("Europe/Berlin")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def event_record(**overrides) -> EventRecord:
    values = {
        "id": "TE1", "title": "Online-Spotlight: Gemeinsame Standesämter",
        "start": "2030-03-10T10:00:00+01:00", "end": "2030-03-10T11:30:00+01:00",
        "location": "Online (Zoom)", "topic": "Standesamt", "description": "Praxisberichte.",
    }
    values.update(overrides)
    return EventRecord(**values)


def ingest_events(engine, *records: EventRecord) -> None:
    with Session(engine) as session:
        upsert_events(session, records, source="test")
        session.commit()


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    create_db_and_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, broadcast_rate_per_s=30, broadcast_per_chat_interval_s=0)


@pytest.fixture
async def api():
    async with FakeBotApi(token=DEFAULT_TOKEN) as server:
        yield server


@pytest.fixture
async def sender(api):
    bot = Bot(DEFAULT_TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)
    async with bot:
        yield TelegramSender(bot)


async def run(name, engine, sender, settings, clock, **kwargs):
    return await run_named_job(name, engine, sender, render_notice, settings=settings, clock=clock, **kwargs)


def delivered(api, method: str = "sendMessage") -> Counter:
    return Counter(call.chat_id for call in api.calls(method, ok=True))


async def test_announcement_goes_once_to_matching_subscribers(engine, api, sender, settings):
    clock = Clock(datetime(2030, 1, 1, 9, 0, tzinfo=UTC))
    ingest_events(engine, event_record(), event_record(id="TE2", title="Bauhof-Werkstatt", topic="Bauhof",
                                                       start="2030-02-01T09:00:00+01:00", end=None))
    subscribe(engine, chat_id=1, all_topics=True)
    subscribe(engine, chat_id=2, add_topics=["standesamt"])  # case differs from the event's topic
    subscribe(engine, chat_id=3, add_topics=["Bauhof"])
    subscribe(engine, chat_id=4, add_topics=["Wasserversorgung"])

    result = await run("announce", engine, sender, settings, clock)
    assert result.delivery.sent == 4
    assert delivered(api) == Counter({1: 2, 2: 1, 3: 1})
    text = api.sent_messages(2)[0].text
    assert "Gemeinsame Standesämter" in text and "10:00–11:30" in text  # Berlin time, not UTC (09:00)

    again = await run("announce", engine, sender, settings, clock)
    assert again.delivery.sent == 0 and sum(delivered(api).values()) == 4


async def test_reminders_due_at_local_time_with_calendar_file(engine, api, sender, settings):
    ingest_events(engine, event_record())
    subscribe(engine, chat_id=7, all_topics=True)
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    await run("announce", engine, sender, settings, clock)

    seven_days = datetime(2030, 3, 3, 9, 0, tzinfo=UTC)  # 10:00 Berlin, a week before
    clock.now = seven_days - timedelta(minutes=1)
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 0
    clock.now = seven_days
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 1
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 0
    clock.now = datetime(2030, 3, 9, 9, 0, tzinfo=UTC)
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 1

    documents = api.calls("sendDocument", chat_id=7, ok=True)
    assert len(documents) == 2
    assert "in 7 Tagen" in documents[0].text and "morgen" in documents[1].text
    filename, content = next(iter(documents[0].files.values()))
    assert filename.endswith(".ics")
    vevent = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == datetime(2030, 3, 10, 9, 0, tzinfo=UTC)
    assert str(vevent["UID"]) == "TE1@ikz-assistent"


def test_reminder_keeps_local_hour_across_daylight_saving_change():
    # DST starts 2030-03-31; an event on 2 April at 10:00 CEST (08:00 UTC).
    start = datetime(2030, 4, 2, 10, 0, tzinfo=BERLIN)
    due = reminder_due(start, 7, BERLIN)
    assert due.astimezone(BERLIN).hour == 10 and due.astimezone(UTC) == datetime(2030, 3, 26, 9, 0, tzinfo=UTC)
    assert applicable_reminder(start, [7, 1], datetime(2030, 3, 26, 8, 59, tzinfo=UTC), BERLIN) is None
    assert applicable_reminder(start, [7, 1], datetime(2030, 3, 26, 9, 0, tzinfo=UTC), BERLIN) == 7
    assert applicable_reminder(start, [7, 1], datetime(2030, 4, 1, 8, 0, tzinfo=UTC), BERLIN) == 1
    # and back: DST ends 2030-10-27; event on 1 Nov 10:00 CET, reminder 25 Oct 10:00 CEST.
    autumn = datetime(2030, 11, 1, 10, 0, tzinfo=BERLIN)
    assert reminder_due(autumn, 7, BERLIN).astimezone(UTC) == datetime(2030, 10, 25, 8, 0, tzinfo=UTC)
    assert format_when(datetime(2030, 4, 2, 8, 0, tzinfo=UTC), None, "de", BERLIN) == "Di, 02.04.2030, 10:00 Uhr"
    assert format_when(datetime(2030, 3, 26, 9, 0, tzinfo=UTC), None, "de", BERLIN) == "Di, 26.03.2030, 10:00 Uhr"
    end = datetime(2030, 3, 27, 16, 0, tzinfo=UTC)
    assert format_when(datetime(2030, 3, 26, 9, 0, tzinfo=UTC), end, "en", BERLIN) == (
        "Tue, 26 Mar 2030, 10:00 – Wed, 27 Mar 2030, 17:00")
    # the time zone is the configured one, not a constant
    assert format_when(datetime(2030, 3, 26, 9, 0, tzinfo=UTC), None, "de", ZoneInfo("America/New_York")
                       ) == "Di, 26.03.2030, 05:00 Uhr"


async def test_dst_reminder_sent_at_right_moment(engine, api, sender, settings):
    ingest_events(engine, event_record(id="TE9", start="2030-04-02T10:00:00+02:00", end=None))
    subscribe(engine, chat_id=9, all_topics=True)
    clock = Clock(datetime(2030, 3, 1, tzinfo=UTC))
    await run("announce", engine, sender, settings, clock)
    clock.now = datetime(2030, 3, 26, 8, 30, tzinfo=UTC)  # 09:30 CET: not yet
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 0
    clock.now = datetime(2030, 3, 26, 9, 0, tzinfo=UTC)
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 1
    assert "02.04.2030, 10:00" in api.calls("sendDocument", chat_id=9)[0].text


async def test_change_notices_once_per_change(engine, api, sender, settings):
    ingest_events(engine, event_record())
    subscribe(engine, chat_id=5, all_topics=True)
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    await run("announce", engine, sender, settings, clock)
    ingest_events(engine, event_record())  # re-ingesting unchanged data is no change
    assert (await run("announce", engine, sender, settings, clock)).delivery.sent == 0

    ingest_events(engine, event_record(start="2030-03-11T14:00:00+01:00", end="2030-03-11T15:00:00+01:00"))
    assert (await run("announce", engine, sender, settings, clock)).delivery.sent == 1
    assert (await run("announce", engine, sender, settings, clock)).delivery.sent == 0
    ingest_events(engine, event_record(start="2030-03-11T14:00:00+01:00", end="2030-03-11T15:00:00+01:00",
                                       location="Rathaus Münster"))
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 1  # remind also checks

    changes = api.calls("sendDocument", chat_id=5, ok=True)
    assert len(changes) == 2
    assert "Geänderter Termin" in changes[0].text and "11.03.2030, 14:00–15:00" in changes[0].text
    assert "Rathaus Münster" in changes[1].text


async def test_cancellation_notice_and_no_announcement_of_cancelled_event(engine, api, sender, settings):
    ingest_events(engine, event_record())
    subscribe(engine, chat_id=5, all_topics=True)
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    await run("announce", engine, sender, settings, clock)
    ingest_events(engine, event_record(cancelled=True))
    subscribe(engine, chat_id=6, all_topics=True)  # joins after the cancellation
    assert (await run("announce", engine, sender, settings, clock)).delivery.sent == 1
    assert (await run("announce", engine, sender, settings, clock)).delivery.sent == 0
    assert delivered(api) == Counter({5: 2})
    assert "Abgesagt" in api.sent_messages(5)[-1].text
    clock.now = datetime(2030, 3, 9, 10, 0, tzinfo=UTC)
    assert (await run("remind", engine, sender, settings, clock)).delivery.sent == 0


async def test_event_removed_from_source_gets_cancellation(engine, api, sender, settings):
    ingest_events(engine, event_record())
    subscribe(engine, chat_id=5, all_topics=True)
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    await run("announce", engine, sender, settings, clock)
    with Session(engine) as session:
        delete_items(session, "event", ["TE1"])
        session.commit()
    assert (await run("announce", engine, sender, settings, clock)).delivery.sent == 1
    assert "nicht mehr im Veranstaltungskalender" in api.sent_messages(5)[-1].text


async def test_blocked_user_is_deactivated_others_delivered(engine, api, sender, settings):
    ingest_events(engine, event_record())
    for chat_id in (11, 12, 13):
        subscribe(engine, chat_id=chat_id, all_topics=True)
    api.block_chat(12)
    result = await run("announce", engine, sender, settings, Clock(datetime(2030, 1, 1, tzinfo=UTC)))
    assert result.delivery.sent == 2 and result.delivery.blocked == 1
    with Session(engine) as session:
        assert session.get(Subscriber, 12).active is False
        assert session.get(Subscriber, 12).deactivated_reason == "blocked"
        assert session.get(Subscriber, 11).active is True
    assert delivered(api) == Counter({11: 1, 13: 1})


async def test_flood_limit_429_is_honoured_and_message_resent(engine, api, sender, settings):
    ingest_events(engine, event_record())
    for chat_id in (21, 22, 23):
        subscribe(engine, chat_id=chat_id, all_topics=True)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    result = await run("announce", engine, sender, settings, Clock(datetime(2030, 1, 1, tzinfo=UTC)))
    assert result.delivery.rate_limited == 1 and result.delivery.sent == 3
    assert delivered(api) == Counter({21: 1, 22: 1, 23: 1})
    calls = api.calls("sendMessage")
    refused = next(i for i, c in enumerate(calls) if c.error_code == 429)
    assert calls[refused + 1].time - calls[refused].time >= 0.95  # waited retry_after before any send


async def test_server_error_retried_with_backoff(engine, api, sender, settings):
    ingest_events(engine, event_record())
    subscribe(engine, chat_id=31, all_topics=True)
    api.fail_next("sendMessage", 502, "Bad Gateway")
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # the injected clock moves with the loop's waits
        slept.append(seconds)
        clock.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)

    result = await run("announce", engine, sender, settings, clock, sleep=sleep)
    assert result.delivery.retried == 1 and result.delivery.sent == 1
    assert any(0.9 <= s <= 1.1 for s in slept)  # first backoff step
    assert delivered(api) == Counter({31: 1})


async def test_pacing_respects_server_limit(engine, api, sender, tmp_path):
    settings = make_settings(tmp_path, broadcast_rate_per_s=8, broadcast_per_chat_interval_s=0)
    api.set_rate_limit(10)
    ingest_events(engine, event_record())
    for chat_id in range(100, 120):
        subscribe(engine, chat_id=chat_id, all_topics=True)
    result = await run("announce", engine, sender, settings, Clock(datetime(2030, 1, 1, tzinfo=UTC)))
    assert result.delivery.sent == 20 and result.delivery.rate_limited == 0
    assert not api.calls("sendMessage", ok=False)


async def test_rows_left_sending_by_a_dead_process_are_not_resent(engine, api, sender, settings):
    ingest_events(engine, event_record())
    subscribe(engine, chat_id=41, all_topics=True)
    subscribe(engine, chat_id=42, all_topics=True)
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    from jobs.planning import plan_announcements

    plan_announcements(engine, now=clock())
    with Session(engine) as session:  # a process died between claim and result for chat 41
        row = session.exec(select(Delivery).where(Delivery.chat_id == 41)).one()
        row.status, row.updated_at = SENDING, clock()
        session.add(row)
        session.commit()
    await run("announce", engine, sender, settings, clock)
    assert delivered(api) == Counter({42: 1})
    clock.now += timedelta(seconds=settings.delivery_lease_s + 1)
    result = await run("announce", engine, sender, settings, clock)
    assert result.delivery.unconfirmed == 1 and delivered(api) == Counter({42: 1})
    with Session(engine) as session:
        statuses = {d.chat_id: d.status for d in session.exec(select(Delivery)).all()}
    assert statuses == {41: UNCONFIRMED, 42: SENT}


async def test_digest_of_new_projects_in_chosen_topics(engine, api, sender, settings):
    clock = Clock(datetime(2030, 1, 7, 7, 0, tzinfo=UTC))
    subscribe(engine, chat_id=51, add_topics=["Bauhof"], digest=True)
    subscribe(engine, chat_id=52, add_topics=["Abfallwirtschaft"], digest=True)
    subscribe(engine, chat_id=53, all_topics=True)  # no digest wanted
    with Session(engine) as session:
        upsert_projects(session, [ProjectRecord(id="P1", title="Neuer Bauhof", topic="Bauhof")], source="t")
        session.commit()
    # projects created "now" by the real clock: run the digest a day later than creation
    clock.now = datetime.now(UTC) + timedelta(days=1)
    result = await run("digest", engine, sender, settings, clock)
    assert result.delivery.sent == 1 and delivered(api) == Counter({51: 1})
    assert "Neuer Bauhof" in api.sent_messages(51)[0].text
    assert (await run("digest", engine, sender, settings, clock)).delivery.sent == 0


async def test_broadcast_to_active_subscribers_once(engine, api, sender, settings):
    from jobs.planning import create_broadcast
    from knowledge.subscriptions import unsubscribe

    for chat_id in (61, 62, 63):
        subscribe(engine, chat_id=chat_id, all_topics=True)
    unsubscribe(engine, chat_id=63)
    broadcast_id = create_broadcast(engine, "Wartung am <Freitag> & Samstag", 999)
    assert isinstance(broadcast_id, int)
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    result = await run("deliver", engine, sender, settings, clock)
    assert result.delivery.sent == 2 and delivered(api) == Counter({61: 1, 62: 1})
    assert "Wartung am <Freitag> & Samstag" in api.sent_messages(61)[0].result["text"]  # escaped, shown verbatim
    assert (await run("deliver", engine, sender, settings, clock)).delivery.sent == 0


def test_ledger_on_postgresql(pg_url):
    """The planner and the unique ledger work the same on PostgreSQL (big chat ids included)."""
    from jobs.planning import plan_announcements

    engine = make_engine(pg_url)
    create_db_and_tables(engine)
    try:
        ingest_events(engine, event_record())
        subscribe(engine, chat_id=-1001234567890, all_topics=True)
        now = datetime(2030, 1, 1, tzinfo=UTC)
        assert plan_announcements(engine, now=now) == 1
        assert plan_announcements(engine, now=now) == 0
        with Session(engine) as session:
            assert session.exec(select(Delivery.chat_id)).all() == [-1001234567890]
            assert session.get(Event, "TE1") is not None
    finally:
        engine.dispose()

"""/abonnieren, /meine_abos, /abbestellen through the real application against the fake Bot API,
plus the subscription CRUD on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from bot.handlers.subscriptions import match_topic, topic_token
from bot.scheduling_events import run_job_in_bot
from knowledge.db import create_db_and_tables, make_engine
from knowledge.subscriptions import Subscriber, get_subscriber, subscribe, unsubscribe
from tests.bot_harness import FakeClock, running_bot


def test_topic_matching_is_case_and_umlaut_tolerant():
    topics = ["Abfallwirtschaft", "Bürgerbüro", "Standesamt", "Straßenbau"]
    assert match_topic("abfallwirtschaft", topics) == "Abfallwirtschaft"
    assert match_topic("Buergerbuero", topics) == "Bürgerbüro"
    assert match_topic("BÜRGERBÜRO", topics) == "Bürgerbüro"
    assert match_topic("strassenbau", topics) == "Straßenbau"
    assert match_topic("Feuerwehr", topics) is None
    assert len(f"sub:t:{topic_token('x' * 200)}".encode()) <= 64


def test_subscribe_toggle_and_unsubscribe():
    engine = make_engine("sqlite://")
    create_db_and_tables(engine)
    subscribe(engine, chat_id=1, add_topics=["Bauhof"])
    row, topics = subscribe(engine, chat_id=1, toggle_topics=["Standesamt"])
    assert not row.all_topics and topics == ["Bauhof", "Standesamt"]
    row, topics = subscribe(engine, chat_id=1, toggle_topics=["Bauhof", "Standesamt"])
    assert row.all_topics and topics == []  # nothing chosen any more = everything
    assert unsubscribe(engine, chat_id=1) is True
    assert unsubscribe(engine, chat_id=1) is False
    row, _ = get_subscriber(engine, chat_id=1)
    assert row.active is False and row.deactivated_reason == "unsubscribed"
    row, _ = subscribe(engine, chat_id=1, all_topics=True)
    assert row.active is True and row.deactivated_at is None


async def test_subscribe_directly_to_all_or_a_topic(tiny_kb):
    async with running_bot(tiny_kb) as bot:
        await bot.text(100, "/abonnieren alle")
        assert "alle Veranstaltungen" in bot.texts(100)[-1]
        await bot.text(200, "/abonnieren abfallwirtschaft")
        assert "Abfallwirtschaft" in bot.texts(200)[-1]
        await bot.text(300, "/abonnieren Feuerwehrwesen")
        reply = bot.texts(300)[-1]
        assert "Feuerwehrwesen" in reply and "Standesamt" in reply and "Bauhof" in reply
        await bot.text(400, "/abonnieren STANDESAMT", language_code="en")
        assert "Subscribed to events on" in bot.texts(400)[-1]
    row, topics = get_subscriber(tiny_kb.engine, chat_id=200)
    assert row.active and not row.all_topics and topics == ["Abfallwirtschaft"]
    assert get_subscriber(tiny_kb.engine, chat_id=100)[0].all_topics
    assert get_subscriber(tiny_kb.engine, chat_id=300)[0] is None
    assert get_subscriber(tiny_kb.engine, chat_id=400)[0].language == "en"


async def test_keyboard_toggles_topics_and_digest(tiny_kb):
    async with running_bot(tiny_kb) as bot:
        await bot.text(500, "/abonnieren")
        keyboard = bot.api.last_message(500)
        data = dict(zip(keyboard.button_texts(), keyboard.callback_data()))
        bauhof = next(d for label, d in data.items() if "Bauhof" in label)
        digest = next(d for label, d in data.items() if "Wochenüberblick" in label)
        assert all(len(d.encode()) <= 64 for d in data.values())
        await bot.press(500, bauhof, message_id=keyboard.result["message_id"])
        row, topics = get_subscriber(tiny_kb.engine, chat_id=500)
        assert row.active and topics == ["Bauhof"]
        edited = bot.api.calls("editMessageReplyMarkup", chat_id=500)[-1]
        assert any(label.startswith("☑️ Bauhof") for label in edited.button_texts())
        await bot.press(500, digest, message_id=keyboard.result["message_id"])
        assert get_subscriber(tiny_kb.engine, chat_id=500)[0].digest is True
        await bot.press(500, bauhof, message_id=keyboard.result["message_id"])
        row, topics = get_subscriber(tiny_kb.engine, chat_id=500)
        assert row.all_topics and topics == []

        await bot.text(500, "/meine_abos")
        assert "alle Veranstaltungen" in bot.texts(500)[-1] and "neuer Projekte: an" in bot.texts(500)[-1]
        await bot.text(500, "/abbestellen")
        assert "keine Hinweise" in bot.texts(500)[-1]
        await bot.text(500, "/meine_abos")
        assert "nichts abonniert" in bot.texts(500)[-1]


async def test_running_bot_announces_event_to_subscriber(tiny_kb):
    clock = FakeClock(datetime(2030, 1, 1, tzinfo=UTC))
    async with running_bot(tiny_kb, clock=clock, broadcast_per_chat_interval_s=0) as bot:
        await bot.text(600, "/abonnieren Standesamt")
        await bot.text(700, "/abonnieren Bauhof")
        result = await run_job_in_bot(bot.application, "announce")
        assert result.delivery.sent == 1
        announcement = bot.texts(600)[-1]
        assert "Neue Veranstaltung" in announcement and "10.03.2030, 10:00–11:30" in announcement
        assert len(bot.texts(700)) == 1  # only the confirmation
        result = await run_job_in_bot(bot.application, "announce")
        assert result.delivery.sent == 0


def test_blocked_subscriber_row(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    create_db_and_tables(engine)
    subscribe(engine, chat_id=-1001234567890, all_topics=True)  # a supergroup id (64 bit)
    with Session(engine) as session:
        assert session.get(Subscriber, -1001234567890).active
    engine.dispose()


async def test_schedule_puts_jobs_with_ids_and_grace(tiny_kb):
    from bot.scheduling_events import schedule

    async with running_bot(tiny_kb, announce_interval_s=120) as bot:
        schedule(bot.application)
        schedule(bot.application)  # replace_existing: scheduling twice keeps one job per id
        jobs = {job.id: job for job in bot.application.job_queue.scheduler.get_jobs()}
        assert {"events-announce", "events-remind", "events-digest"} <= set(jobs)
        assert jobs["events-announce"].trigger.interval.total_seconds() == 120
        assert jobs["events-announce"].misfire_grace_time == 300


def test_cli_rejects_unknown_job(tmp_path, capsys):
    from bot.job_cli import run_job
    from tests.conftest import make_settings

    assert run_job(make_settings(tmp_path, telegram_bot_token="1:x"), "no-such-job") == 2

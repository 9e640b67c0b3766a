"""Maintainer commands through the real application against the fake Bot API, with tiny_kb."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session

from bot.handlers import admin
from knowledge.query_log import QueryLog
from tests.bot_harness import running_bot
from tests.conftest import FIXTURES
from tests.local_http_server import LocalHttpServer, Reply, Request

ADMIN = 1001
STRANGER = 2002

ICS = (FIXTURES / "workshop.ics").read_bytes()


def _sources_file(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f'[[sources]]\nname = "kalender"\ntype = "ics"\nurl = "{url}/cal.ics"\ninterval = "1h"\n'
                    'allow_private_network = true\n',
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["/status", "/reindex", "/stats 7", "/unbeantwortet", "/broadcast Hallo"])
async def test_non_admins_get_a_polite_refusal_that_is_logged(tiny_kb, caplog, command: str) -> None:
    caplog.set_level(logging.WARNING, logger="bot.handlers.admin")
    async with running_bot(tiny_kb, admin_ids=[ADMIN]) as bot:
        await bot.text(STRANGER, command)
        assert bot.texts(STRANGER) == ["Dieser Befehl ist dem Betreuungsteam vorbehalten."]
        await bot.text(STRANGER, command, language_code="en")
        assert bot.texts(STRANGER)[-1] == "This command is reserved for the maintainers."
        assert not bot.api.calls("sendPhoto") and not bot.api.calls("editMessageText")
    refusals = [r for r in caplog.records if "refused maintainer action" in r.getMessage()]
    assert len(refusals) == 2 and str(STRANGER) in refusals[0].getMessage()


async def test_status_shows_counts_model_and_sources(tiny_kb, tmp_path) -> None:
    sources = _sources_file(tmp_path, "http://127.0.0.1:9")
    async with running_bot(tiny_kb, admin_ids=[ADMIN], sources_file=sources) as bot:
        bot.clock.advance(hours=2, minutes=5)
        await bot.text(ADMIN, "/status")
        [text] = bot.texts(ADMIN)
    assert "Projekte: 6" in text and "FAQ: 2" in text and "Termine: 1" in text
    assert f"Embedding-Modell: <code>{tiny_kb.encoder.model_id}</code>" in text
    assert "Abschnitte: 12 · Vektoren im Index: 12" in text and "Index gebaut: " in text
    assert "Laufzeit: 2 h 5 min" in text
    assert "<b>kalender</b> (ics, alle 1 h): noch nie" in text
    assert "Datenbank: " in text and (" KB" in text or " MB" in text)
    assert "Version 0.1.0" in text


async def test_reindex_edits_one_message_and_refuses_a_second_run(tiny_kb, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(admin, "PROGRESS_EDIT_INTERVAL_S", 0.0)  # every progress step becomes an edit
    entered, go = threading.Event(), threading.Event()

    def calendar(request: Request) -> Reply:
        entered.set()
        go.wait(20)
        return Reply(200, ICS, {"Content-Type": "text/calendar", "ETag": '"a"'})

    with LocalHttpServer() as server:
        server.routes["/cal.ics"] = calendar
        async with running_bot(tiny_kb, admin_ids=[ADMIN], sources_file=_sources_file(tmp_path, server.url)) as bot:
            first = asyncio.create_task(bot.text(ADMIN, "/reindex"))
            assert await asyncio.to_thread(entered.wait, 20)  # the first refresh is fetching now
            await bot.text(ADMIN, "/reindex")
            assert bot.texts(ADMIN)[-1].startswith("⏳ Es läuft bereits eine Aktualisierung")
            go.set()
            await first
            sent = [call for call in bot.api.calls("sendMessage") if call.chat_id == ADMIN]
            edits = bot.api.calls("editMessageText")
    started = [m for m in sent if m.text.startswith("🔄 Aktualisierung gestartet")]
    assert len(started) == 1 and len(sent) == 2  # one status message + the refusal
    status_id = started[0].result["message_id"]
    assert len(edits) >= 2 and {e.params["message_id"] for e in edits} == {status_id}
    assert any("Aktualisierung läuft" in e.text for e in edits[:-1])
    final = edits[-1].text
    assert final.startswith("✅ Aktualisierung abgeschlossen") and "<b>kalender</b>: 1 neu, 0 geändert" in final
    assert tiny_kb.event("admin-ics-1") is not None
    assert len(server.requests_to("/cal.ics")) == 1  # the refused /reindex did not fetch again


async def test_reindex_unknown_source_and_without_sources(tiny_kb, tmp_path) -> None:
    with LocalHttpServer() as server:
        server.routes["/cal.ics"] = lambda req: Reply(500, b"boom")
        async with running_bot(tiny_kb, admin_ids=[ADMIN], sources_file=_sources_file(tmp_path, server.url)) as bot:
            await bot.text(ADMIN, "/reindex gibtsnicht")
            assert bot.texts(ADMIN)[-1] == "Unbekannte Quelle „gibtsnicht“. Konfiguriert: kalender"
            await bot.text(ADMIN, "/reindex Kalender")
            final = bot.api.calls("editMessageText")[-1].text
            assert final.startswith("⚠️ Aktualisierung abgeschlossen") and "<b>kalender</b>: ❌ Fehler: HTTP 500" in final
    async with running_bot(tiny_kb, admin_ids=[ADMIN]) as bot:
        await bot.text(ADMIN, "/reindex")
        final = bot.api.calls("editMessageText")[-1].text
        assert final.startswith("✅ Keine Quellen konfiguriert – Suchindex neu aufgebaut")


async def test_stats_sends_a_chart_and_text_and_unanswered_lists_gaps(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_ids=[ADMIN]) as bot:
        now = bot.clock()
        with Session(tiny_kb.engine) as session:
            for hours, answered, feedback, topic in [(1, True, 1, "Abwasser"), (2, False, None, None),
                                                     (30, True, -1, "Bauhof"), (24 * 40, False, None, None)]:
                session.add(QueryLog(asked_at=now - timedelta(hours=hours), question=f"Frage {hours}",
                                     answered=answered, feedback=feedback, latency_ms=100.0 * hours,
                                     top_topic=topic))
            session.commit()
        await bot.text(ADMIN, "/stats 7")
        [photo] = bot.api.calls("sendPhoto")
        await bot.text(ADMIN, "/stats viele")
        usage = bot.texts(ADMIN)[-1]
        await bot.text(ADMIN, "/unbeantwortet")
        gaps = bot.texts(ADMIN)[-1]
    image = Image.open(io.BytesIO(photo.files["photo"][1]))
    assert image.format == "PNG" and image.size == (1000, 700)
    caption = photo.text
    assert "Statistik der letzten 7 Tage" in caption
    assert "Fragen: 3 – beantwortet 2, ohne Antwort 1 (67 % beantwortet)" in caption
    assert "👍 1 / 👎 1 (50 % hilfreich)" in caption and "Median der Antwortzeit: 200 ms" in caption
    assert "Abwasser (1)" in caption and "Bauhof (1)" in caption
    assert usage.startswith("Bitte so:")
    lines = gaps.splitlines()
    assert lines[0].startswith("<b>Offene Fragen</b>")
    assert [line.split(" ", 4)[-1] for line in lines[1:]] == ["Frage 2", "Frage 30", "Frage 960"]
    assert "👎 Frage 30" in gaps


async def test_broadcast_needs_confirmation_and_is_delivered_once(tiny_kb) -> None:
    from sqlmodel import func, select

    from jobs.ledger import Broadcast
    from knowledge.subscriptions import subscribe

    for chat_id in (501, 502):
        subscribe(tiny_kb.engine, chat_id=chat_id, all_topics=True)
    async with running_bot(tiny_kb, admin_ids=[ADMIN]) as bot:
        await bot.application.start()  # the job queue delivers in the background
        try:
            await bot.text(ADMIN, "/broadcast")
            assert bot.texts(ADMIN)[-1].startswith("Bitte so:")
            await bot.text(ADMIN, "/broadcast Wichtig: <Treffen> am Montag")
            confirmation = bot.api.last_message(ADMIN)
            assert "an <b>2</b> Abonnent(inn)en senden?" in confirmation.text
            assert "&lt;Treffen&gt;" in confirmation.text
            send_data, cancel_data = confirmation.callback_data()
            assert not bot.api.sent_messages(501)  # nothing before the confirmation
            message_id = confirmation.result["message_id"]
            await bot.press(ADMIN, send_data, message_id)
            for chat_id in (501, 502):
                [delivered] = await bot.api.wait_for_calls("sendMessage", 1, chat_id=chat_id, timeout=20)
                assert "Wichtig: &lt;Treffen&gt; am Montag" in delivered.text
            assert bot.api.get_message(ADMIN, message_id)["text"].startswith("📤 Rundsendung wird")
            await bot.press(ADMIN, send_data, message_id)  # a second press sends nothing more
            assert bot.api.calls("answerCallbackQuery")[-1].params.get("show_alert") is True

            await bot.text(ADMIN, "/broadcast Noch eine")
            second = bot.api.last_message(ADMIN)
            await bot.press(STRANGER, second.callback_data()[0], second.result["message_id"])
            await bot.press(ADMIN, second.callback_data()[1], second.result["message_id"])
            assert bot.api.get_message(ADMIN, second.result["message_id"])["text"] == "Rundsendung abgebrochen."
        finally:
            await bot.application.stop()
    with Session(tiny_kb.engine) as session:
        assert session.exec(select(func.count()).select_from(Broadcast)).one() == 1

"""Webhook mode in-process: secret check, once-only updates, /healthz, setWebhook (SQLite)."""

from __future__ import annotations

import asyncio
import time

import aiohttp
from sqlmodel import select

from bot.webhook import SECRET_HEADER, serve_webhook
from knowledge.coordination import ProcessedUpdate
from tests.conftest import make_settings
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApi
from tests.webhook_processes import free_port

SECRET = "webhook-secret-for-tests"
CHAT = 4242



async def wait_until(predicate, timeout: float = 60.0):  # noqa: ANN001, ANN201
    """Poll an async predicate until it is truthy (a deadline, not a sleep as synchronisation)."""
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


async def test_webhook_checks_secret_answers_each_update_once_and_reports_health(tiny_kb, tmp_path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with FakeBotApi(token=DEFAULT_TOKEN) as api, aiohttp.ClientSession() as http:
        settings = make_settings(tiny_kb.settings.data_dir, telegram_bot_token=DEFAULT_TOKEN,
                                 telegram_api_url=api.base_url, webhook_secret=SECRET,
                                 webhook_url="https://bot.example.org/telegram", replica_name="r1")
        stop = asyncio.Event()
        server = asyncio.create_task(serve_webhook(settings, listen="127.0.0.1", port=port, stop=stop, kb=tiny_kb))
        try:
            async def healthy() -> dict | None:
                try:
                    async with http.get(f"{url}/healthz") as response:
                        body = await response.json()
                        # ready, and (PostgreSQL) the first leadership check has taken the lock
                        return body if response.status == 200 and body["leader"] else None
                except aiohttp.ClientConnectionError:
                    return None

            health = await wait_until(healthy)
            assert health["database"] and health["index"] and health["replica"] == "r1" and health["leader"]
            [registered] = await api.wait_for_calls("setWebhook", 1, timeout=30)
            assert registered.params["url"] == "https://bot.example.org/telegram"
            assert registered.params["secret_token"] == SECRET
            assert str(registered.params.get("drop_pending_updates", "false")).lower() == "false"

            start = api.push_text(CHAT, "/start")
            for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}):
                async with http.post(f"{url}/telegram", json=start, headers=headers) as response:
                    assert response.status == 403 and await response.text() == ""
            async with http.post(f"{url}/telegram", data=b"{no json", headers={SECRET_HEADER: SECRET}) as response:
                assert response.status == 400
            assert not api.calls("sendMessage")

            for _ in range(3):  # Telegram retries: answered once
                async with http.post(f"{url}/telegram", json=start, headers={SECRET_HEADER: SECRET}) as response:
                    assert response.status == 200
            question = api.push_text(CHAT, "gemeinsames Standesamt?")
            async with http.post(f"{url}/telegram", json=question, headers={SECRET_HEADER: SECRET}) as response:
                assert response.status == 200
            await api.wait_for_calls("sendMessage", 2, chat_id=CHAT, timeout=60)
            welcomes = [c for c in api.calls("sendMessage", CHAT) if "Willkommen" in (c.text or "")]
            assert len(welcomes) == 1
            with tiny_kb.session() as session:
                rows = session.exec(select(ProcessedUpdate)).all()
            assert sorted(r.update_id for r in rows) == sorted([start["update_id"], question["update_id"]])
        finally:
            stop.set()
            await asyncio.wait_for(server, 30)


async def test_stopping_pauses_the_schedule_and_lets_running_jobs_finish(tiny_kb, caplog) -> None:
    """A long job runs while the bot stops: no job starts after that, the long one is not cancelled
    (APScheduler cancels, with a logged traceback, whatever started while PTB waited for it)."""
    from apscheduler.events import EVENT_SCHEDULER_PAUSED

    from tests.bot_harness import running_bot

    long_started, release, paused = asyncio.Event(), asyncio.Event(), asyncio.Event()
    finished: list[str] = []
    ticks: list[int] = []

    async def long_job(context) -> None:  # noqa: ANN001
        long_started.set()
        await release.wait()
        finished.append("long")

    async def tick(context) -> None:  # noqa: ANN001
        ticks.append(1)
        await release.wait()

    async with running_bot(tiny_kb) as bot:
        application = bot.application
        jq = application.job_queue
        jq.scheduler.add_listener(lambda event: paused.set(), EVENT_SCHEDULER_PAUSED)
        await application.start()
        jq.run_once(long_job, when=0)
        jq.run_repeating(tick, interval=0.02, first=0.01, job_kwargs={"max_instances": 5})
        await asyncio.wait_for(long_started.wait(), 30)
        stopping = asyncio.create_task(application.stop())
        await asyncio.wait_for(paused.wait(), 30)  # paused before PTB waits for the running jobs
        started_before_pause = len(ticks)
        release.set()
        await asyncio.wait_for(stopping, 30)
    assert finished == ["long"]
    assert len(ticks) == started_before_pause
    assert not [r for r in caplog.records if "raised an exception" in r.getMessage()]

"""End to end: the real ``python bot.py job announce`` against the fake Bot API, killed with
SIGKILL in the middle of a broadcast to 2 000 subscribers and restarted: every subscriber gets
exactly one announcement."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from jobs.ledger import delivery_counts
from knowledge.db import make_engine
from knowledge.ingest.records import EventRecord
from tests.bot_harness import seed_subscribers
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApiThread

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS = 2000
pytestmark = pytest.mark.slow


CONCURRENCY = 4


def test_kill_mid_broadcast_and_restart_delivers_exactly_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    url = seed_subscribers(data_dir, EventRecord(
        id="TE1", title="Online-Spotlight: Gemeinsame Standesämter", start="2030-03-10T10:00:00+01:00",
        end="2030-03-10T11:30:00+01:00", location="Online (Zoom)", topic="Standesamt",
    ), count=SUBSCRIBERS, first_chat_id=10_000)
    with FakeBotApiThread(token=DEFAULT_TOKEN, record_get_updates=False, rate_limit_per_s=30) as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "TELEGRAM_API_URL": api.base_url,
            "IKZ_DATA_DIR": str(data_dir),
            "IKZ_DATABASE_URL": url,
            "IKZ_BROADCAST_RATE_PER_S": "28",
            "IKZ_BROADCAST_CONCURRENCY": str(CONCURRENCY),
            "HF_HUB_OFFLINE": "1",
        }
        command = [sys.executable, "bot.py", "job", "announce"]
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            api.wait_for_calls("sendMessage", 450, timeout=120)  # mid-batch (the loop claims 500 rows a batch)
            # Hold every further answer, then kill once all concurrent senders' requests have
            # reached the server: the kill lands mid-broadcast at a point the test can reason about
            # (claimed rows whose request arrived but whose result was never recorded).
            api.set_latency(600, "sendMessage")
            api.wait_for(lambda: api.api.held_responses >= CONCURRENCY, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        api.set_latency(0, "sendMessage")
        assert first.returncode == -signal.SIGKILL
        before_restart = len(api.calls("sendMessage", ok=True))
        assert before_restart < SUBSCRIBERS, "the broadcast finished before the kill"

        second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stdout + second.stderr

        received = Counter(call.chat_id for call in api.calls("sendMessage", ok=True))
        refused_calls = api.calls("sendMessage", ok=False)
        refused = len(refused_calls)
    assert set(received) == {10_000 + i for i in range(SUBSCRIBERS)}, "someone got no announcement"
    duplicates = {chat: n for chat, n in received.items() if n != 1}
    assert not duplicates, f"duplicates: {list(duplicates.items())[:5]}"
    assert sum(received.values()) == SUBSCRIBERS
    # Pacing stays under the limit; a rare 429 from timing jitter under load is honoured and retried
    # (the assertions above show it was delivered exactly once), never any other error.
    assert all(call.error_code == 429 for call in refused_calls), [c.description for c in refused_calls]
    assert refused <= 5, "the delivery loop outran the 30/s flood limit"
    print(f"killed after {before_restart} announcements; {refused} refused")

    engine = make_engine(url)
    counts = delivery_counts(engine, kind="announce", ref="TE1")
    engine.dispose()
    # Rows claimed when the process died stay 'sending' (never re-sent, at-most-once).
    assert counts.get("sent", 0) + counts.get("sending", 0) == SUBSCRIBERS
    assert counts.get("sending", 0) <= 4

"""End to end: two ``python bot.py webhook`` replicas on one PostgreSQL and the fake Bot API.

* updates posted to both replicas (some to both, twice) are each answered exactly once;
* 200 subscribers get an announcement exactly once (only the leader runs the schedule);
* a new index generation published by an ingest is answered from by both replicas, no restart;
* /status on one replica lists both replicas with their generation;
* after SIGKILL of the leader the other replica runs the next scheduled announcement within the lease.

Time is never waited for blindly: every wait polls a condition with a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from jobs.job_runs import JobRun
from knowledge.coordination import ReplicaState
from knowledge.service import KnowledgeBase
from knowledge.subscriptions import Subscriber
from tests.conftest import FIXTURES, make_settings
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApiThread
from tests.webhook_processes import free_port, healthz

ROOT = Path(__file__).resolve().parent.parent
SECRET = "e2e-webhook-secret"
SUBSCRIBERS = 200
LEASE_S = 6.0
ANNOUNCE_INTERVAL_S = 1
ADMIN = 9001
pytestmark = pytest.mark.slow



def poll(condition, timeout: float, what: str):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def write_events(path: Path, *events: tuple[str, str]) -> Path:
    start = datetime.now(UTC) + timedelta(days=30)
    with path.open("w") as handle:
        for i, (event_id, title) in enumerate(events):
            begin = start + timedelta(days=i)
            handle.write(json.dumps({"id": event_id, "title": title, "start": begin.isoformat(),
                                     "end": (begin + timedelta(hours=1)).isoformat(), "location": "Online",
                                     "topic": "", "description": "Test"}) + "\n")
    return path


class Replica:
    def __init__(self, name: str, tmp_path: Path, api: FakeBotApiThread, database_url: str) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET,
            IKZ_DATABASE_URL=database_url, IKZ_DATA_DIR=str(tmp_path / f"data-{name}"), IKZ_REPLICA_NAME=name,
            IKZ_LEADER_LEASE_S=str(LEASE_S), IKZ_ANNOUNCE_INTERVAL_S=str(ANNOUNCE_INTERVAL_S),
            IKZ_REMIND_INTERVAL_S="3600", IKZ_INDEX_POLL_S="0.3", IKZ_BROADCAST_RATE_PER_S="30",
            IKZ_BROADCAST_PER_CHAT_INTERVAL_S="0", IKZ_ADMIN_IDS=str(ADMIN), HF_HUB_OFFLINE="1",
            PYTHONUNBUFFERED="1",
        )
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "bot.py", "webhook", "--listen", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def health(self) -> dict | None:
        return healthz(self.url)

    def post(self, update: dict) -> int:
        return httpx.post(f"{self.url}/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                          timeout=10).status_code

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def output(self) -> str:
        return self.log_path.read_text()


def announcements(api: FakeBotApiThread, title: str) -> Counter:
    return Counter(c.chat_id for c in api.calls("sendMessage") if c.ok and title in (c.text or ""))


def test_two_webhook_replicas_answer_announce_publish_and_fail_over(tmp_path: Path, pg_database: str, encoder) -> None:
    # --- the shared database: the tiny knowledge base, one upcoming event, 200 subscribers -------
    admin_kb = KnowledgeBase(make_settings(tmp_path / "admin", database_url=pg_database), encoder=encoder)
    for kind, name in (("projects", "tiny_projects.jsonl"), ("documents", "docs"), ("faq", "tiny_faq.jsonl")):
        admin_kb.ingest(kind, FIXTURES / name, source="sample")
    events_file = write_events(tmp_path / "events.jsonl", ("E2E-1", "Erster Replikat-Termin"))
    admin_kb.ingest("events", events_file, source="e2e")
    now = datetime.now(UTC)
    with Session(admin_kb.engine) as session:
        session.execute(sa.insert(Subscriber), [
            {"chat_id": 50_000 + i, "language": "de", "active": True, "all_topics": True, "digest": False,
             "created_at": now, "updated_at": now} for i in range(SUBSCRIBERS)
        ])
        session.commit()
    subscribers = {50_000 + i for i in range(SUBSCRIBERS)}

    with FakeBotApiThread(token=DEFAULT_TOKEN, record_get_updates=False) as api:
        replicas = [Replica("A", tmp_path, api, pg_database), Replica("B", tmp_path, api, pg_database)]
        try:
            health = [poll(r.health, 120, f"replica {r.name} healthy") for r in replicas]
            assert all(h["generation"] == admin_kb.generation for h in health)

            # --- each update answered exactly once, whichever replica(s) it reaches -------------
            users = list(range(7000, 7012))
            for i, chat in enumerate(users):
                update = api.push_text(chat, "gemeinsames Standesamt?" if i % 2 else "/start")
                targets = [replicas[i % 2]] + ([replicas[(i + 1) % 2]] if i % 3 == 0 else [])
                for replica in targets * (2 if i % 4 == 0 else 1):
                    assert replica.post(update) == 200
            poll(lambda: all(api.calls("sendMessage", chat) for chat in users), 60, "answers to every user")

            # --- one announcement per subscriber, by the leader only ---------------------------
            first = poll(lambda: (c := announcements(api, "Erster Replikat-Termin")) and set(c) == subscribers and c,
                         240, "200 announcements")
            assert set(first.values()) == {1}
            for chat in users:
                assert len(api.calls("sendMessage", chat)) == 1, chat

            leaders = poll(lambda: [r for r in replicas if (r.health() or {}).get("leader")], 30, "a leader")
            assert len(leaders) == 1
            leader = leaders[0]
            survivor = next(r for r in replicas if r is not leader)

            # --- a new generation is answered from by both replicas, without restart ------------
            new_projects = tmp_path / "more.jsonl"
            new_projects.write_text(json.dumps({
                "id": "PNEU", "title": "Gemeinsamer Leuchtturmwärterdienst Nordkap",
                "description": "Drei Küstengemeinden betreiben gemeinsam einen Leuchtturmwärterdienst.",
                "topic": "Küstenschutz", "municipalities": ["Nordkap"], "kreis": "Kreis Nordkap",
            }) + "\n")
            admin_kb.ingest("projects", new_projects, source="e2e-more")
            poll(lambda: all((r.health() or {}).get("generation") == admin_kb.generation for r in replicas), 180,
                 "both replicas on the new generation")
            for chat, replica in ((7100, replicas[0]), (7101, replicas[1])):
                assert replica.post(api.push_text(chat, "Leuchtturmwärterdienst")) == 200
                reply = api.wait_for_calls("sendMessage", 1, chat_id=chat, timeout=120)[-1]
                assert "Leuchtturmwärterdienst" in reply.text

            # --- /status lists both replicas with their generation ---------------------------------
            def generations() -> set[int | None]:
                with Session(admin_kb.engine) as session:
                    return {getattr(session.get(ReplicaState, r.name), "generation", None) for r in replicas}

            poll(lambda: generations() == {admin_kb.generation}, 30, "both heartbeats on the new generation")
            assert replicas[1].post(api.push_text(ADMIN, "/status")) == 200
            status = api.wait_for_calls("sendMessage", 1, chat_id=ADMIN, timeout=60)[-1].text
            for name in ("A", "B"):
                assert f"<code>{name}</code>" in status or f"{name}</code>" in status, status
            assert f"generation {admin_kb.generation}" in status.lower() or f"Generation {admin_kb.generation}" in status

            # --- kill the leader: the survivor runs the next scheduled announcement within the lease
            leader.stop(signal.SIGKILL)
            killed_at = datetime.now(UTC)
            write_events(events_file, ("E2E-1", "Erster Replikat-Termin"), ("E2E-2", "Zweiter Replikat-Termin"))
            admin_kb.ingest("events", events_file, source="e2e")
            second = poll(lambda: (c := announcements(api, "Zweiter Replikat-Termin")) and set(c) == subscribers and c,
                          240, "200 announcements after the fail-over")
            assert set(second.values()) == {1}
            assert set(announcements(api, "Erster Replikat-Termin").values()) == {1}  # nothing sent twice
            with Session(admin_kb.engine) as session:
                runs = session.exec(select(JobRun).where(JobRun.job == "events-announce",
                                                         JobRun.replica == survivor.name,
                                                         JobRun.started_at >= killed_at)).all()
                assert runs
                takeover = min(r.started_at for r in runs) - killed_at
                assert takeover <= timedelta(seconds=LEASE_S), takeover
                state = session.get(ReplicaState, survivor.name)
                assert state is not None and state.leader
                # every run of the schedule was recorded once per scheduled time
                keys = session.exec(select(JobRun.job, JobRun.scheduled_at)).all()
                assert len(keys) == len(set(keys))
        finally:
            codes = {r.name: r.stop() for r in replicas}
    admin_kb.close()
    for replica in replicas:
        output = replica.output()
        assert DEFAULT_TOKEN not in output and SECRET not in output
        if replica is survivor:
            assert codes[replica.name] == 0, output[-3000:]
            assert "Traceback" not in output, output[-3000:]

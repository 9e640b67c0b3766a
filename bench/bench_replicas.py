"""Two ``python bot.py webhook`` replicas on one PostgreSQL: answer latency and fail-over time.

* webhook answer latency: a question POSTed to a replica (alternating) until its answer reaches the
  fake Bot API, one question at a time, p50/p95;
* fail-over: SIGKILL of the leader until the other replica reports itself leader (``/healthz``),
  and until it has run its first scheduled job (``job_runs``), with the default lease (30 s) and a
  short one.

PostgreSQL: ``IKZ_BENCH_DATABASE_URL`` (a server where the user may create databases), else one
started from the ``pgserver`` wheel. ``python -m bench.bench_replicas [--questions 60]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.report import percentile, publish
from knowledge.service import KnowledgeBase
from knowledge.settings import SAMPLE_DIR, Settings
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApiThread
from tests.webhook_processes import free_port, healthz

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
QUESTIONS = [
    "Wer hat ein gemeinsames Standesamt?", "Zweckverbände für Abfall", "Gibt es Förderung für IKZ?",
    "gemeinsamer Bauhof", "Projekte im Kreis Borken", "Wie gründet man eine AöR?",
    "interkommunale Zusammenarbeit Digitalisierung", "gemeinsame Vergabestelle",
]



def poll(condition, timeout: float, step: float = 0.02):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met")


def postgres_admin_url(workdir: Path) -> tuple[str, object | None]:
    url = os.environ.get("IKZ_BENCH_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1), None
    import pgserver

    folder = workdir / "pg"
    folder.mkdir()
    os.chmod(workdir, 0o755)
    server = pgserver.get_server(folder, cleanup_mode="delete")
    return server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1), server


def create_database(admin_url: str) -> str:
    name = f"ikz_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class Replica:
    def __init__(self, name: str, workdir: Path, api: FakeBotApiThread, database_url: str, lease_s: float) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_"))}
        env.update(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET,
                   IKZ_DATABASE_URL=database_url, IKZ_DATA_DIR=str(workdir / f"data-{name}"),
                   IKZ_REPLICA_NAME=name, IKZ_LEADER_LEASE_S=str(lease_s), IKZ_ANNOUNCE_INTERVAL_S="1",
                   HF_HUB_OFFLINE="1")
        self.log = (workdir / f"{name}.log").open("w")
        self.process = subprocess.Popen([sys.executable, "bot.py", "webhook", "--port", str(self.port)], cwd=ROOT,
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def health(self) -> dict | None:
        return healthz(self.url)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def first_run_after(engine: sa.Engine, replica: str, after: datetime) -> datetime | None:
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT min(started_at) FROM job_runs WHERE replica=:r AND started_at >= :t"), {"r": replica, "t": after}
        ).scalar()


def failover(api: FakeBotApiThread, workdir: Path, database_url: str, lease_s: float, engine: sa.Engine) -> dict:
    replicas = [Replica(f"{n}-{lease_s:g}", workdir, api, database_url, lease_s) for n in ("A", "B")]
    try:
        for r in replicas:
            poll(r.health, 180)
        leader = poll(lambda: next((r for r in replicas if (r.health() or {}).get("leader")), None), 60)
        survivor = next(r for r in replicas if r is not leader)
        killed = time.monotonic()
        killed_at = datetime.now(UTC)
        leader.stop(signal.SIGKILL)
        poll(lambda: (survivor.health() or {}).get("leader"), lease_s * 3)
        leads = time.monotonic() - killed
        first = poll(lambda: first_run_after(engine, survivor.name, killed_at), lease_s * 3)
        return {"lease": lease_s, "leader_s": leads, "first_job_s": (first - killed_at).total_seconds()}
    finally:
        for r in replicas:
            r.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="ikz-bench-replicas-"))
    server = None
    try:
        admin_url, server = postgres_admin_url(workdir)
        database_url = create_database(admin_url)
        kb = KnowledgeBase(Settings(_env_file=None, data_dir=workdir / "admin", database_url=database_url))
        for kind, name in (("projects", "projects.jsonl"), ("documents", "documents"), ("faq", "faq.jsonl")):
            kb.ingest(kind, SAMPLE_DIR / name, source="sample")
        with FakeBotApiThread(token=DEFAULT_TOKEN, record_get_updates=False) as api:
            replicas = [Replica(n, workdir, api, database_url, 30.0) for n in ("A", "B")]
            try:
                for r in replicas:
                    poll(r.health, 180)
                latencies = []
                with httpx.Client() as http:
                    for i in range(args.questions):
                        chat = 80_000 + i
                        update = api.push_text(chat, QUESTIONS[i % len(QUESTIONS)])
                        started = time.monotonic()
                        response = http.post(f"{replicas[i % 2].url}/telegram", json=update,
                                             headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=30)
                        assert response.status_code == 200
                        [answer] = api.wait_for_calls("sendMessage", 1, chat_id=chat, timeout=60)
                        latencies.append((answer.time - started) * 1000)
            finally:
                for r in replicas:
                    r.stop()
            failovers = [failover(api, workdir, database_url, lease, kb.engine) for lease in (30.0, 6.0)]
        kb.close()
    finally:
        if server is not None:
            server.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    lines = [
        "## Replicas: webhook latency and fail-over (two `bot.py webhook` on one PostgreSQL)",
        "",
        f"`python -m bench.bench_replicas`: sample knowledge base, {args.questions} questions POSTed one at a time "
        "alternately to two replicas; latency = POST until the answer's `sendMessage` reaches the fake Bot API "
        "(includes the update-id claim in PostgreSQL, retrieval, formatting).",
        "",
        "| webhook answer latency p50 | p95 | max | first question per replica |",
        "|---:|---:|---:|---:|",
        f"| {percentile(latencies[2:], 50):.0f} ms | {percentile(latencies[2:], 95):.0f} ms | {max(latencies[2:]):.0f} ms "
        f"| {latencies[0]:.0f} / {latencies[1]:.0f} ms |",
        "",
        "Fail-over: SIGKILL of the leader → the other replica holds the advisory lock (`/healthz` says leader) "
        "→ it has run its first scheduled job (catch-up of the current slot).",
        "",
        "| `IKZ_LEADER_LEASE_S` | new leader after | first job run after |",
        "|---:|---:|---:|",
    ]
    for f in failovers:
        lines.append(f"| {f['lease']:.0f} s | {f['leader_s']:.1f} s | {f['first_job_s']:.1f} s |")
    return publish("replicas", lines, write=not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())

"""PostgreSQL as coordinator: update claims, job runs, the leader lock, the shared send budget,
replica heartbeats — on SQLite (one process) and on PostgreSQL (several)."""

from __future__ import annotations

import asyncio
import functools
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from jobs.job_runs import claim_job_run, finish_job_run, interval_slot, job_runs
from jobs.ledger import SendBudget
from knowledge.coordination import LeaderElection, claim_update, heartbeat, live_replicas, purge_processed_updates
from knowledge.db import create_db_and_tables, make_engine

NOW = datetime(2030, 3, 4, 10, 0, 7, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):  # noqa: ANN001, ANN201
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    create_db_and_tables(engine)
    if request.param == "postgresql":
        with engine.begin() as connection:
            for table in ("processed_updates", "job_runs", "replica_states", "send_budget"):
                connection.execute(sa.text(f"DELETE FROM {table}"))
    yield engine
    engine.dispose()


def test_an_update_is_claimed_once_and_forgotten_after_retention(engine) -> None:
    assert claim_update(engine, 10, replica="a", now=NOW)
    assert not claim_update(engine, 10, replica="b", now=NOW)
    assert claim_update(engine, 11, replica="b", now=NOW + timedelta(hours=30))
    assert purge_processed_updates(engine, older_than=timedelta(hours=24), now=NOW + timedelta(hours=30)) == 1
    assert claim_update(engine, 10, replica="b", now=NOW + timedelta(hours=30))  # forgotten: accepted again


def test_a_job_run_is_recorded_once_per_scheduled_time(engine) -> None:
    slot = interval_slot(NOW, 300)
    assert slot == datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
    assert interval_slot(NOW + timedelta(seconds=292), 300) == slot
    assert claim_job_run(engine, "events-announce", slot, replica="a", now=NOW)
    assert not claim_job_run(engine, "events-announce", slot, replica="b", now=NOW)
    assert claim_job_run(engine, "events-remind", slot, replica="b", now=NOW)
    finish_job_run(engine, "events-announce", slot, now=NOW)
    [run] = job_runs(engine, "events-announce")
    assert run.replica == "a" and run.status == "done" and run.finished_at == NOW


def test_heartbeats_show_each_replica_and_its_generation(engine) -> None:
    heartbeat(engine, "a", mode="webhook", leader=True, generation=3, now=NOW)
    heartbeat(engine, "b", mode="webhook", leader=False, generation=2, now=NOW)
    heartbeat(engine, "b", mode="webhook", leader=False, generation=3, now=NOW + timedelta(seconds=10))
    heartbeat(engine, "gone", mode="webhook", leader=False, generation=1, now=NOW - timedelta(hours=1))
    rows = live_replicas(engine, now=NOW + timedelta(seconds=10))
    assert [(r.replica, r.leader, r.generation) for r in rows] == [("a", True, 3), ("b", False, 3)]


def test_sqlite_process_is_always_leader(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    election = LeaderElection(engine, lease_s=30)
    assert election.check() and election.is_leader and election.single_process
    election.release()


def test_one_leader_on_postgresql_and_take_over_when_it_dies(pg_url) -> None:
    engine = make_engine(pg_url)
    first, second = LeaderElection(engine, lease_s=3), LeaderElection(engine, lease_s=3)
    try:
        assert first.check()
        assert not second.check() and not second.is_leader
        assert first.check()  # keeps it
        # the leader's process dies: its connection goes away, PostgreSQL frees the lock
        first._conn.invalidate()  # noqa: SLF001 - simulate the dead connection
        assert second.check()
        assert not first.check()  # it notices it lost the lock and does not take it back
        second.release()
        assert first.check()  # a clean shutdown hands over at the next check
    finally:
        first.release()
        second.release()
        engine.dispose()


async def test_the_send_budget_holds_across_replicas(pg_url) -> None:
    """Two 'replicas' with their own engines share one budget of 20/s: 30 sends take ≥ 1.45 s of wall time
    on the injected clock (the clock advances only when someone waits)."""
    clock = {"t": 1000.0}

    async def sleep(seconds: float) -> None:
        clock["t"] += seconds
        await asyncio.sleep(0)

    engines = [make_engine(pg_url), make_engine(pg_url)]
    create_db_and_tables(engines[0])
    with engines[0].begin() as connection:
        connection.execute(sa.text("DELETE FROM send_budget"))
    # the time each replica's budget last read (its take runs in a worker thread while the other
    # replica's waits move the shared clock on): after acquire(), the time the token was granted
    granted_at = [0.0, 0.0]

    def wall(replica_index: int) -> float:
        granted_at[replica_index] = clock["t"]
        return clock["t"]

    budgets = [SendBudget(e, rate=20.0, name="test", sleep=sleep, wall=functools.partial(wall, i))
               for i, e in enumerate(engines)]
    taken: list[float] = []

    async def replica(index: int) -> None:
        for _ in range(15):
            await budgets[index].acquire()
            taken.append(granted_at[index])

    try:
        await asyncio.gather(*(replica(i) for i in range(len(budgets))))
    finally:
        for e in engines:
            e.dispose()
    assert len(taken) == 30
    # 30 tokens at 20/s with a burst of 1: the last one cannot come before 29/20 s after the first
    assert max(taken) - min(taken) >= 29 / 20 - 1e-6
    # and in no one-second window more than 20 + 1 sends
    for start in taken:
        assert sum(1 for t in taken if start <= t < start + 1.0) <= 21

"""Broadcast throughput: the real delivery loop (token bucket, SQLite ledger, PTB Bot) sending an
event announcement to N subscribers through a local fake Bot API that enforces 30 messages/s.

    python -m bench.bench_broadcast [--subscribers 10000] [--rate 28] [--no-write]

Goal: ≥ 25 messages/s sustained, zero duplicates, zero losses, zero 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.report import update_section
from jobs.ledger import delivery_counts
from knowledge.db import make_engine
from knowledge.ingest.records import EventRecord
from knowledge.settings import Settings
from tests.bot_harness import seed_subscribers

SERVER_LIMIT = 30


async def _run(settings: Settings, api) -> dict:  # noqa: ANN001 - FakeBotApiThread
    from bot.job_cli import run_event_job

    started = time.monotonic()
    result = await run_event_job(settings, "announce")
    elapsed = time.monotonic() - started
    return {"elapsed_s": elapsed, "report": result.delivery}


def main(argv: list[str] | None = None) -> dict:
    from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApiThread

    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=28.0, help="settings.broadcast_rate_per_s")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    data_dir = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    try:
        url = seed_subscribers(data_dir, EventRecord(id="BENCH1", title="Jahreskonferenz IKZ",
                                                     start="2030-06-04T09:30:00+02:00", location="Gelsenkirchen",
                                                     topic="Konferenz"), count=args.subscribers, first_chat_id=1_000_000)
        with FakeBotApiThread(token=DEFAULT_TOKEN, record_get_updates=False, rate_limit_per_s=SERVER_LIMIT) as api:
            settings = Settings(_env_file=None, data_dir=data_dir, telegram_bot_token=DEFAULT_TOKEN,
                                telegram_api_url=api.base_url, broadcast_rate_per_s=args.rate,
                                broadcast_concurrency=args.concurrency)
            run = asyncio.run(_run(settings, api))
            ok_calls = api.calls("sendMessage", ok=True)
            refused = len(api.calls("sendMessage", ok=False))
        received = Counter(call.chat_id for call in ok_calls)
        times = sorted(call.time for call in ok_calls)
        engine = make_engine(url)
        counts = delivery_counts(engine)
        engine.dispose()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    expected = {1_000_000 + i for i in range(args.subscribers)}
    sustained = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    worst_window = 0
    start = 0
    for end, t in enumerate(times):  # most sends in any one-second window
        while t - times[start] >= 1.0:
            start += 1
        worst_window = max(worst_window, end - start + 1)
    results = {
        "subscribers": args.subscribers,
        "rate_setting_per_s": args.rate,
        "sent": len(ok_calls),
        "duplicates": sum(n - 1 for n in received.values() if n > 1),
        "losses": len(expected - set(received)),
        "refused_429": refused,
        "sustained_per_s": round(sustained, 2),
        "overall_per_s": round(len(ok_calls) / run["elapsed_s"], 2),
        "max_in_1s_window": worst_window,
        "elapsed_s": round(run["elapsed_s"], 1),
        "ledger": counts,
    }
    table = "\n".join([
        "| subscribers | rate setting /s | sent | duplicates | losses | 429s | sustained /s | overall /s | max in 1 s | time s |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {results['subscribers']} | {args.rate:g} | {results['sent']} | {results['duplicates']} | {results['losses']} | "
        f"{refused} | {results['sustained_per_s']:.2f} | {results['overall_per_s']:.2f} | {worst_window} | "
        f"{results['elapsed_s']:.1f} |",
    ])
    print(table)
    if not args.no_write:
        update_section("broadcast", (
            "## Broadcast throughput (fake Bot API, 30 messages/s enforced)\n\n"
            "`python bot.py job announce` code path (`bot.job_cli.run_event_job`): planning, SQLite ledger with a "
            "commit before and after every send, token bucket, PTB `Bot` over HTTP to the local fake Bot API "
            "(429 above 30 sends in any second). `python -m bench.bench_broadcast`\n\n" + table
        ))
    return results


if __name__ == "__main__":
    main()

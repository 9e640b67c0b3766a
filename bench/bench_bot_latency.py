"""Answer latency of the Telegram bot through the local fake Bot API: from the moment an update
is queued on the server until the answer's sendMessage reaches the server (long polling, the
real application with AIORateLimiter, real search), with 1 user and with 20 users asking at once.

    python -m bench.bench_bot_latency [--kb sample|tiny] [--questions 20] [--rounds 3] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.report import percentile, update_section
from bench.sample_kb import open_sample_kb
from knowledge.sample_base import SAMPLE_FILES, load_base
from knowledge.service import KnowledgeBase
from knowledge.settings import SAMPLE_DIR, Settings
from tests.conftest import FIXTURES, TINY_FILES

TOKEN = "123456789:AAFakeTokenIKZAssistentBench-0000000"
QUESTIONS = [
    "Welche Kommunen haben ein gemeinsames Standesamt?",
    "Müllabfuhr im Kreis Borken",
    "Gibt es Zweckverbände für Wasserversorgung?",
    "Wie hoch ist die Förderung für IKZ-Projekte?",
    "Fällt Umsatzsteuer an, wenn Kommunen zusammenarbeiten?",
    "gemeinsamer Bauhof Winterdienst",
    "zentrale Vergabestelle für mehrere Gemeinden",
    "Digitalisierung OZG Kooperation",
    "Wer genehmigt eine öffentlich-rechtliche Vereinbarung?",
    "Wie wird das Wetter morgen?",
]


def _open_kb(kind: str) -> tuple[KnowledgeBase, str]:
    sample_complete = all((SAMPLE_DIR / name).exists() for name in SAMPLE_FILES.values())
    if kind == "sample" and sample_complete:
        kb, _ = open_sample_kb()
        return kb, "sample knowledge base"
    data_dir = Path(tempfile.mkdtemp(prefix="ikz-bench-bot-"))
    kb = KnowledgeBase(Settings(_env_file=None, data_dir=data_dir))
    load_base(kb, FIXTURES, files=TINY_FILES, source="bench")
    return kb, "tiny test knowledge base"


async def _measure(kb: KnowledgeBase, questions: int, rounds: int, users: int) -> dict[str, dict[str, float]]:
    from bot.application import build_application
    from tests.fake_bot_api import FakeBotApi

    results: dict[str, dict[str, float]] = {}
    async with FakeBotApi(token=TOKEN, record_get_updates=False) as api:
        settings = Settings(
            _env_file=None, data_dir=kb.settings.data_dir, telegram_bot_token=TOKEN, telegram_api_url=api.base_url,
            rate_limit_per_minute=10_000, embedding_model=kb.settings.embedding_model,
        )
        application = build_application(settings, kb=kb, rate_limiter=True, schedule_jobs=False)
        async with application:
            await application.updater.start_polling(poll_interval=0.0, timeout=10)
            await application.start()
            try:
                sent: dict[int, int] = {}

                async def ask(chat_id: int, text: str) -> float:
                    update = api.push_text(chat_id, text, user_id=chat_id)
                    sent[chat_id] = sent.get(chat_id, 0) + 1
                    calls = await api.wait_for_calls("sendMessage", sent[chat_id], chat_id=chat_id, timeout=60)
                    return (calls[sent[chat_id] - 1].time - api.pushed_at(update["update_id"])) * 1000

                for i in range(3):  # warm-up: model, index, HTTP connections
                    await ask(1, QUESTIONS[i])
                single = [await ask(2, QUESTIONS[i % len(QUESTIONS)]) for i in range(questions)]
                started = time.perf_counter()
                crowd: list[float] = []
                for r in range(rounds):
                    crowd += await asyncio.gather(
                        *(ask(1000 + u, QUESTIONS[(u + r) % len(QUESTIONS)]) for u in range(users))
                    )
                crowd_wall = time.perf_counter() - started
            finally:
                await application.updater.stop()
                await application.stop()
    for name, values, wall in (("1 user", single, sum(single) / 1000), (f"{users} users at once", crowd, crowd_wall)):
        results[name] = {
            "n": len(values), "p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95),
            "max_ms": max(values), "answers_per_s": len(values) / wall if wall else float("nan"),
        }
    return results


def table(results: dict[str, dict[str, float]]) -> str:
    rows = ["| scenario | answers | p50 ms | p95 ms | max ms | answers/s |", "|---|---|---|---|---|---|"]
    for name, m in results.items():
        rows.append(f"| {name} | {m['n']} | {m['p50_ms']:.0f} | {m['p95_ms']:.0f} | {m['max_ms']:.0f} | "
                    f"{m['answers_per_s']:.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", choices=["sample", "tiny"], default="sample")
    parser.add_argument("--questions", type=int, default=20, help="questions of the single user")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all users asking at once")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    kb, kb_name = _open_kb(args.kb)
    try:
        results = asyncio.run(_measure(kb, args.questions, args.rounds, args.users))
    finally:
        kb.close()
        if kb_name.startswith("tiny"):
            shutil.rmtree(kb.settings.data_dir, ignore_errors=True)
    markdown = (
        "## Bot answer latency (fake Bot API)\n\n"
        f"Update queued on the local fake Bot API → answer's `sendMessage` received, through real long polling, "
        f"`AIORateLimiter` and the real search ({kb_name}, model {kb.settings.embedding_model}). "
        "`python -m bench.bench_bot_latency`\n\n" + table(results)
    )
    print(table(results))
    if not args.no_write:
        update_section("bot-latency", markdown)
    return results


if __name__ == "__main__":
    main()

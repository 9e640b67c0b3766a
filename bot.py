#!/usr/bin/env python3
"""IKZ-Assistent entry point and command line.

    python bot.py start                       # sample data + Telegram polling (token set) or console chat
    python bot.py run                         # Telegram long polling
    python bot.py webhook [--listen H] [--port P]   # Telegram webhooks (replicas on PostgreSQL)
    python bot.py chat                        # console chat
    python bot.py ingest projects|documents|faq|events PATH
    python bot.py ask "QUESTION" [--json] [--k N]     (no QUESTION: one per line from stdin)
    python bot.py eval FILE.jsonl [--json]
    python bot.py reindex | status | load-sample | migrate      (all honour IKZ_DATA_DIR and --data-dir)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from knowledge.kinds import INGEST_KINDS
from knowledge.settings import Settings

log = logging.getLogger("ikz")


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs request URLs, which contain the bot token: keep it quiet.
    for noisy in ("httpx", "httpcore", "telegram.ext.ExtBot", "apscheduler.executors.default", "faiss", "bm25s",
                  "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from bot.log_redaction import install, install_privacy_filter

    install([os.environ.get("TELEGRAM_BOT_TOKEN", ""), os.environ.get("IKZ_TELEGRAM_BOT_TOKEN", "")])
    install_privacy_filter()  # no message texts or names from PTB's debug dumps


def make_settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "model", None):
        overrides["embedding_model"] = args.model
    settings = Settings(**overrides)
    # the token may come from .env, not only the environment: redact whatever the settings hold
    from bot.log_redaction import install

    install(settings.secrets())
    return settings


def open_kb(settings: Settings):
    from knowledge.service import KnowledgeBase

    return KnowledgeBase(settings)


def progress_printer():
    """A tqdm progress bar on stderr for long CLI work."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if total == 0:
            return
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="chunk", file=sys.stderr, leave=False,
                                     disable=None)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return progress


# --- commands ------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    settings = make_settings(args)
    kb = open_kb(settings)
    try:
        report = kb.ingest(args.kind, Path(args.path), source=args.source, progress=progress_printer())
    finally:
        kb.close()
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    print(f"Ingested {report.summary()}")
    loaded = report.counts.added + report.counts.updated + report.counts.unchanged
    return 1 if report.problems and loaded == 0 else 0


def cmd_load_sample(args: argparse.Namespace) -> int:
    from knowledge.sample_base import load_base

    kb = open_kb(make_settings(args))
    try:
        for report in load_base(kb, progress=progress_printer()):
            for problem in report.problems:
                print(f"skipped {problem}", file=sys.stderr)
            print(f"Ingested {report.summary()}")
    finally:
        kb.close()
    return 0


def _questions(args: argparse.Namespace) -> list[str]:
    if args.question:
        return [" ".join(args.question)]
    return [line.strip() for line in sys.stdin if line.strip()]


def cmd_ask(args: argparse.Namespace) -> int:
    from embeddings.vector_index import IndexMissing, IndexModelMismatch

    kb = open_kb(make_settings(args))
    try:
        for question in _questions(args):
            try:
                answer = kb.ask(question, k=args.k)
            except (IndexMissing, IndexModelMismatch) as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            if args.json:
                print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
            else:
                print(answer.as_text(), flush=True)
    finally:
        kb.close()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.evaluation import evaluate, format_summary, load_cases

    kb = open_kb(make_settings(args))
    try:
        cases = load_cases(Path(args.file))
        report = evaluate(cases, lambda case: kb.ask(case.q, k=max(5, args.k), now=case.now))
    finally:
        kb.close()
    summary = report.summary()
    if args.json:
        print(json.dumps({**summary, "failures": report.failures()}, ensure_ascii=False, indent=2))
    else:
        print(format_summary(summary))
        if args.show_failures:
            for failure in report.failures():
                print(json.dumps(failure, ensure_ascii=False))
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    kb = open_kb(make_settings(args))
    try:
        report = kb.reindex(progress=progress_printer())
    finally:
        kb.close()
    print(f"Re-indexed: {report.embedded} chunks embedded, {report.chunks} chunks in index "
          f"(model {kb.encoder.model_id})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from embeddings.vector_index import IndexMissing, VectorIndex

    kb = open_kb(make_settings(args))
    try:
        counts = kb.counts()
        try:
            meta = VectorIndex.read_meta(kb.index_path)
        except IndexMissing:
            meta = {}
    finally:
        kb.close()
    print(json.dumps({"counts": counts, "index": meta, "data_dir": str(kb.settings.data_dir)}, ensure_ascii=False,
                     indent=2))
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    """Quick start: make sure the sample knowledge base is loaded, then run Telegram or the console."""
    from knowledge.sample_base import load_base

    settings = make_settings(args)
    kb = open_kb(settings)
    print("Lade Beispiel-Wissensbasis (nur Änderungen werden neu eingebettet) …", file=sys.stderr)
    for report in load_base(kb, progress=progress_printer()):
        print(f"  {report.summary()}", file=sys.stderr)
    kb.close()
    if settings.telegram_bot_token is not None and settings.telegram_bot_token.get_secret_value():
        return cmd_run(args)
    return cmd_chat(args)


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.console import run_console

    return run_console(make_settings(args))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.application import run_polling

    settings = make_settings(args)
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        print("error: TELEGRAM_BOT_TOKEN is not set (see docs/OPERATIONS.md: 'Create a bot with BotFather')", file=sys.stderr)
        return 2
    return run_polling(settings)


def cmd_webhook(args: argparse.Namespace) -> int:
    from bot.webhook import run_webhook

    return run_webhook(make_settings(args), listen=args.listen, port=args.port)


def cmd_job(args: argparse.Namespace) -> int:
    from bot.job_cli import run_job

    return run_job(make_settings(args), args.name)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring the database to the current schema (also done at every start); ``--new MESSAGE``
    then drafts the next migration from the difference between the models and the database."""
    from knowledge.db import current_revision, draft_migration, head_revision, make_engine, migrate

    settings = make_settings(args)
    settings.ensure_dirs()
    engine = make_engine(settings.resolved_database_url)
    try:
        before = current_revision(engine)
        migrate(engine)
        after = current_revision(engine)
        if args.new:
            import bot.webhook  # noqa: F401 - imports every module with tables: the draft sees the whole schema
            from sqlmodel import SQLModel

            print(f"drafted {draft_migration(engine, SQLModel.metadata, args.new)} (review it before committing)")
    finally:
        engine.dispose()
    print(f"database schema: {before or 'empty'} -> {after} (head {head_revision()})")
    return 0


def cmd_maintenance(args: argparse.Namespace) -> int:
    """``sources``, ``refresh`` and ``stats``: the maintainers' commands (bot/maintenance_cli.py)."""
    from bot import maintenance_cli

    settings = make_settings(args)
    if args.command == "sources":
        return maintenance_cli.cmd_sources(settings)
    if args.command == "refresh":
        return maintenance_cli.cmd_refresh(settings, args.source)
    return maintenance_cli.cmd_stats(settings, args.days, args.png)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="IKZ-Assistent")
    parser.add_argument("--data-dir", help="data directory (default: $IKZ_DATA_DIR or ./ikz-data)")
    parser.add_argument("--model", help="embedding model (default: $IKZ_EMBEDDING_MODEL or e5-small-q4)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest projects, documents, FAQ or events")
    p.add_argument("kind", choices=INGEST_KINDS)
    p.add_argument("path")
    p.add_argument("--source", help="source name stored with the items (default: file:<name>)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="ask questions (argument, or one per line on stdin)")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.add_argument("--k", type=int, default=5, help="number of results")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="evaluate retrieval on questions with gold ids")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--show-failures", action="store_true")
    p.set_defaults(func=cmd_eval)

    sub.add_parser("reindex", help="rebuild the search index").set_defaults(func=cmd_reindex)
    p = sub.add_parser("migrate", help="upgrade the database schema (Alembic)")
    p.add_argument("--new", metavar="MESSAGE", help="then draft the next migration from the models")
    p.set_defaults(func=cmd_migrate)
    sub.add_parser("status", help="counts and index metadata as JSON").set_defaults(func=cmd_status)
    sub.add_parser("load-sample", help="ingest the bundled sample knowledge base").set_defaults(func=cmd_load_sample)
    sub.add_parser("start", help="quick start: sample data, then Telegram or console").set_defaults(func=cmd_start)
    sub.add_parser("chat", help="console chat").set_defaults(func=cmd_chat)
    sub.add_parser("run", help="Telegram long polling").set_defaults(func=cmd_run)
    p = sub.add_parser("webhook", help="serve Telegram webhooks (several replicas on PostgreSQL)")
    p.add_argument("--listen", help="address to bind (default: $IKZ_WEBHOOK_LISTEN or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: $IKZ_WEBHOOK_PORT or 8443)")
    p.set_defaults(func=cmd_webhook)
    p = sub.add_parser("job", help="run a scheduled job once (announce, remind, digest, …)")
    p.add_argument("name")
    p.set_defaults(func=cmd_job)
    sub.add_parser("sources", help="list knowledge sources with their status").set_defaults(func=cmd_maintenance)
    p = sub.add_parser("refresh", help="refresh knowledge sources now")
    p.add_argument("--source", help="only this source")
    p.set_defaults(func=cmd_maintenance)

    p = sub.add_parser("stats", help="usage statistics of the last days")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--png", help="also write the chart to this PNG file")
    p.set_defaults(func=cmd_maintenance)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from telegram.error import InvalidToken, NetworkError

    try:
        return int(args.func(args) or 0)
    except NetworkError as exc:  # e.g. a typo in the host of TELEGRAM_API_URL
        api = urlsplit(os.environ.get("TELEGRAM_API_URL") or Settings().telegram_api_url)
        reason = str(exc)
        for secret in Settings().secrets():
            reason = reason.replace(secret, "***")
        print(f"error: cannot reach the Telegram Bot API at {api.scheme}://{api.netloc} ({reason})", file=sys.stderr)
        return 2
    except InvalidToken:
        # PTB's message contains the token itself: never print it
        api = urlsplit(os.environ.get("TELEGRAM_API_URL") or Settings().telegram_api_url)
        print(
            "error: Telegram rejected the bot token. Check TELEGRAM_BOT_TOKEN (environment or .env) "
            f"and TELEGRAM_API_URL (now {api.scheme}://{api.netloc}{api.path.split('/bot')[0]}/bot…).",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())

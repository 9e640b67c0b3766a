"""Maintenance scheduling (explicit ids, replace_existing, first run after the last one), the
retention job, and the command line (``sources``, ``refresh``, ``stats``, ``job retention``)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlmodel import Session, select

from bot import maintenance_cli
from bot.scheduling_maintenance import RETENTION_JOB_ID, refresh_job_id, retention_job, schedule
from knowledge.query_log import QueryLog
from knowledge.source_state import SourceState, get_state, save_state
from tests.bot_harness import running_bot
from tests.conftest import make_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _sources(tmp_path: Path) -> Path:
    faq = tmp_path / "faq.jsonl"
    faq.write_text(json.dumps({"id": "CLI1", "question": "Was ist IKZ?", "answer": "Zusammenarbeit von Kommunen."})
                   + "\n", encoding="utf-8")
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[sources]]\nname = "faq"\ntype = "file"\nkind = "faq"\npath = "faq.jsonl"\ninterval = "1h"\n\n'
        '[[sources]]\nname = "kaputt"\ntype = "file"\nkind = "events"\npath = "fehlt.jsonl"\ninterval = "2h"\n\n'
        '[[sources]]\nname = "aus"\ntype = "rss"\nurl = "http://127.0.0.1:9/feed"\nenabled = false\n',
        encoding="utf-8",
    )
    return path


async def test_schedule_one_job_per_source_and_retention(tiny_kb, tmp_path) -> None:
    sources = _sources(tmp_path)
    async with running_bot(tiny_kb, sources_file=sources, admin_ids=[7]) as bot:
        state = SourceState(name="faq", last_run_at=bot.clock() - timedelta(minutes=10))
        save_state(tiny_kb.engine, state)
        await bot.application.start()
        try:
            schedule(bot.application)
            schedule(bot.application)  # a second call replaces, never duplicates
            scheduler = bot.application.job_queue.scheduler
            ids = sorted(job.id for job in scheduler.get_jobs())
            faq_job = scheduler.get_job(refresh_job_id("faq"))
            real_now = datetime.now(UTC)
        finally:
            await bot.application.stop()
    assert ids == sorted([refresh_job_id("faq"), refresh_job_id("kaputt"), RETENTION_JOB_ID,
                          "maintenance-admin-menus"])  # the disabled source has no job
    assert faq_job.trigger.interval == timedelta(hours=1)
    due_in = (faq_job.next_run_time - real_now).total_seconds()
    assert 49 * 60 <= due_in <= 51 * 60  # one interval after the last run, not right at start-up


async def test_retention_job_deletes_old_questions(tiny_kb) -> None:
    async with running_bot(tiny_kb, query_log_retention_days=30) as bot:
        now = bot.clock()
        with Session(tiny_kb.engine) as session:
            for days in (1, 29, 31, 400):
                session.add(QueryLog(asked_at=now - timedelta(days=days), question=f"{days}"))
            session.commit()

        class JobContext:
            services = bot.services

        await retention_job(JobContext())  # type: ignore[arg-type]
    with Session(tiny_kb.engine) as session:
        assert sorted(session.exec(select(QueryLog.question)).all()) == ["1", "29"]


def test_cli_refresh_sources_and_stats(tiny_kb, tmp_path, capsys) -> None:
    settings = make_settings(tiny_kb.settings.data_dir, sources_file=_sources(tmp_path))
    tiny_kb.close()

    assert maintenance_cli.cmd_refresh(settings, "faq") == 0
    assert "faq: ok – faq: 1 added" in capsys.readouterr().out
    assert maintenance_cli.cmd_refresh(settings, None) == 1  # "kaputt" fails, "faq" still refreshed
    out = capsys.readouterr().out
    assert "faq: ok – faq: 0 added, 0 updated, 1 unchanged" in out and "kaputt: error – error: file" in out
    assert maintenance_cli.cmd_refresh(settings, "nix") == 2
    assert "unknown source 'nix' (configured: faq, kaputt, aus)" in capsys.readouterr().err

    assert maintenance_cli.cmd_sources(settings) == 0
    out = capsys.readouterr().out
    assert "faq [file] every 1 h" in out and "1 item(s)" in out
    assert "kaputt [file] every 2 h" in out and "error:    file or folder not found" in out
    assert "aus [rss] (disabled)" in out and "last run: never" in out

    with Session(get_engine(settings)) as session:
        session.add(QueryLog(asked_at=datetime.now(UTC) - timedelta(hours=1), question="q", answered=False))
        session.commit()
    png = tmp_path / "stats.png"
    assert maintenance_cli.cmd_stats(settings, 7, str(png)) == 0
    out = capsys.readouterr().out
    assert "Statistik der letzten 7 Tage" in out and "Fragen: 1 – beantwortet 0, ohne Antwort 1" in out
    assert "<b>" not in out
    assert Image.open(io.BytesIO(png.read_bytes())).size == (1000, 700)
    assert maintenance_cli.run_maintenance_job(settings, "retention") == 0
    assert get_state(get_engine(settings), "faq").last_status == "ok"


def get_engine(settings):  # noqa: ANN001, ANN201
    from knowledge.db import make_engine

    return make_engine(settings.resolved_database_url)


def test_bot_py_sources_command(tmp_path) -> None:
    env = {**os.environ, "IKZ_SOURCES_FILE": str(_sources(tmp_path)), "IKZ_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "bot.py", "sources"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "faq [file] every 1 h" in done.stdout and "last run: never" in done.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\ntype = "ftp"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "bot.py", "refresh"], cwd=PROJECT_ROOT,
                          env={**env, "IKZ_SOURCES_FILE": str(bad)}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "sources[0] (x)" in done.stderr

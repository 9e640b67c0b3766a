"""Maintainer commands of the command line: ``sources``, ``refresh [--source NAME]``, ``stats``.

They print the same information as the Telegram commands /status, /reindex and /stats (as
plain text); ``python bot.py job refresh|retention`` runs the maintenance jobs once.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.formatting import html_to_plain
from bot.maintenance_reports import chart_labels, duration, stats_html
from jobs.refresh import RefreshRunner, UnknownSource
from jobs.retention import enforce_retention
from knowledge.clock import utc_now
from knowledge.settings import Settings
from knowledge.source_state import all_states
from knowledge.sources.config import SourcesFileError, load_sources

MAINTENANCE_JOBS = ("refresh", "retention")


def _open_kb(settings: Settings):  # noqa: ANN202 - KnowledgeBase (imported lazily: heavy)
    from knowledge.service import KnowledgeBase

    return KnowledgeBase(settings)


def _local(moment: datetime | None, settings: Settings) -> str:
    return f"{moment.astimezone(ZoneInfo(settings.timezone)):%Y-%m-%d %H:%M}" if moment else "never"


def cmd_sources(settings: Settings) -> int:
    """List the configured sources with their last refresh, result and error."""
    try:
        sources = load_sources(settings.sources_file)
    except SourcesFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not sources:
        print("No sources configured (set IKZ_SOURCES_FILE to a sources.toml, see docs/MAINTAINERS.md).")
        return 0
    kb = _open_kb(settings)
    try:
        states = all_states(kb.engine)
    finally:
        kb.close()
    print(f"Sources from {settings.sources_file}:")
    for source in sources:
        state = states.get(source.name)
        enabled = "" if source.enabled else " (disabled)"
        print(f"\n{source.name} [{source.type}]{enabled} every {duration(source.interval.total_seconds(), 'en')}")
        print(f"  from:     {source.location}")
        if state is None or state.last_run_at is None:
            print("  last run: never")
            continue
        print(f"  last run: {_local(state.last_run_at, settings)} ({state.last_status}, "
              f"{(state.duration_ms or 0) / 1000:.1f} s) – {state.last_result}")
        print(f"  last ok:  {_local(state.last_success_at, settings)}; {state.item_count} item(s)")
        if state.last_error:
            print(f"  error:    {state.last_error}")
    return 0


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{stage}: {done}/{total}   ", end="", file=sys.stderr, flush=True)


def cmd_refresh(settings: Settings, source_name: str | None) -> int:
    """Refresh all sources (or one): 0 when all succeeded, 1 when a source failed, 2 for usage errors."""
    kb = _open_kb(settings)
    try:
        runner = RefreshRunner(kb, settings.sources_file)
        try:
            sources = runner.select(source_name)
        except SourcesFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except UnknownSource:
            names = ", ".join(s.name for s in runner.sources()) or "none"
            print(f"error: unknown source {source_name!r} (configured: {names})", file=sys.stderr)
            return 2
        if not sources:
            print("No sources configured (IKZ_SOURCES_FILE); nothing to refresh.", file=sys.stderr)
            return 2
        results = runner.run(source_name, progress=_progress, wait=True)
    finally:
        kb.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for result in results:
        print(f"{result.name}: {result.status} – {result.summary()} ({result.duration_ms / 1000:.1f} s)")
        for problem in result.problems[:20]:
            print(f"  skipped {problem}", file=sys.stderr)
    return 1 if any(not r.ok for r in results) else 0


def cmd_stats(settings: Settings, days: int, png_path: str | None) -> int:
    """Print the usage statistics of the last ``days`` days; optionally write the chart as PNG."""
    from bot.statistics_chart import render_chart
    from knowledge.statistics import usage_stats

    if days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    kb = _open_kb(settings)
    try:
        stats = usage_stats(kb.engine, days=days, now=utc_now(), timezone=settings.timezone)
    finally:
        kb.close()
    print(html_to_plain(stats_html(stats, "de")))
    if png_path:
        chart = render_chart(stats, labels=chart_labels("de"))
        Path(png_path).write_bytes(chart.png)
        print(f"Chart: {png_path} ({chart.width}×{chart.height} px)")
    return 0


def run_maintenance_job(settings: Settings, name: str) -> int:
    """``python bot.py job refresh`` / ``job retention``."""
    if name == "refresh":
        return cmd_refresh(settings, None)
    if name == "retention":
        kb = _open_kb(settings)
        try:
            counts = enforce_retention(kb.engine, settings, now=utc_now())
        finally:
            kb.close()
        print(f"Retention (questions {settings.query_log_retention_days} days, ended subscriptions "
              f"{settings.subscriber_retention_days} days): "
              + (", ".join(f"{n} from {table}" for table, n in sorted(counts.items()) if n) or "nothing")
              + " deleted")
        return 0
    print(f"error: unknown job {name!r}", file=sys.stderr)
    return 2

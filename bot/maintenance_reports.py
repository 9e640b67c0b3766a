"""Maintainer reports as HTML (Telegram) — the CLI prints the same through ``html_to_plain``.

Pure formatting of data gathered elsewhere (knowledge.system_status, knowledge.statistics,
jobs.refresh); every value is escaped before it enters a template from bot/texts.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from jobs.refresh import SourceRunResult
from knowledge.query_log import QueryLog
from knowledge.source_state import STATUS_ERROR, STATUS_NOT_MODIFIED
from knowledge.statistics import UsageStats
from knowledge.system_status import SystemStatus
from bot.texts import t


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def duration(seconds: float | None, lang: str) -> str:
    """``45 s``, ``12 min``, ``3 h 5 min``, ``2 d 4 h``."""
    if seconds is None:
        return t("admin_unknown", lang)
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def size(num_bytes: int | None, lang: str) -> str:
    if num_bytes is None:
        return t("admin_unknown", lang)
    value = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _local(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):%d.%m.%Y %H:%M}"


def _share(value: float | None, lang: str) -> str:
    if value is None:
        return t("admin_none", lang)
    return f"{value * 100:.0f} %"


# --- /reindex --------------------------------------------------------------------------------------
def source_result_html(result: SourceRunResult, lang: str) -> str:
    if result.status == STATUS_ERROR:
        text = t("admin_source_error", lang, error=_e(result.error))
    elif result.status == STATUS_NOT_MODIFIED:
        text = t("admin_source_not_modified", lang)
    else:
        totals = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
        for counts in result.counts.values():
            for key in totals:
                totals[key] += getattr(counts, key)
        text = t("admin_source_ok", lang, **totals)
    return t("admin_source_line", lang, name=_e(result.name), result=text)


def run_results_html(results: Sequence[SourceRunResult], seconds: float, lang: str) -> str:
    failed = any(r.status == STATUS_ERROR for r in results)
    header = t("admin_reindex_failed" if failed else "admin_reindex_done", lang, seconds=f"{seconds:.0f}")
    return "\n".join([header, *(source_result_html(r, lang) for r in results)])


# --- /status ---------------------------------------------------------------------------------------
def status_html(status: SystemStatus, lang: str, timezone: str) -> str:
    counts = status.counts
    lines = [
        t(
            "admin_status", lang,
            version=_e(status.version),
            projects=counts.get("projects", 0), documents=counts.get("documents", 0), faq=counts.get("faq", 0),
            events=counts.get("events", 0), chunks=counts.get("chunks", 0),
            index_chunks=status.index_chunks if status.index_chunks is not None else t("admin_none", lang),
            model=_e(status.embedding_model),
            index_built=_local(status.index_built_at, timezone) if status.index_built_at else t("admin_never", lang),
            index_age=t("admin_ago", lang, age=duration(status.index_age_s, lang))
            if status.index_age_s is not None else t("admin_none", lang),
            db_size=size(status.database_bytes, lang),
            uptime=duration(status.uptime_s, lang),
        ),
        "",
        t("admin_status_sources", lang),
    ]
    if status.sources_error:
        lines.append(t("admin_sources_file_error", lang, error=_e(status.sources_error)))
    elif not status.sources:
        lines.append(t("admin_status_no_sources", lang))
    for source in status.sources:
        state = source.state
        if state is None or state.last_run_at is None:
            when, result = t("admin_never", lang), t("admin_none", lang)
        else:
            when, result = _local(state.last_run_at, timezone), _e(state.last_result or "")
        lines.append(t("admin_status_source", lang, name=_e(source.name), kind=_e(source.kind),
                       interval=duration(source.interval_s, lang), when=when, result=result))
        if state is not None and state.last_error:
            lines.append(t("admin_status_source_error", lang, error=_e(state.last_error[:300])))
    if status.replicas:
        lines += ["", t("admin_status_replicas", lang)]
        for replica in status.replicas:
            lines.append(t("admin_status_replica", lang, name=_e(replica.replica), mode=_e(replica.mode),
                           leader=t("admin_status_leader", lang) if replica.leader else "",
                           generation=replica.generation if replica.generation is not None else t("admin_none", lang),
                           when=_local(replica.heartbeat_at, timezone)))
    return "\n".join(lines)


# --- /stats ----------------------------------------------------------------------------------------
def stats_html(stats: UsageStats, lang: str, *, reasons: dict[str, int] | None = None,
               handoffs: tuple[int, int] = (0, 0)) -> str:
    """The /stats caption; ``reasons``: 👎 reasons counted, ``handoffs``: (forwarded, answered)."""
    given = [(name, count) for name, count in (reasons or {}).items() if count]
    reason_text = " · ".join(f"{t('reason_' + name, lang).lstrip('✏️ ')} {count}" for name, count in given) or t("admin_none", lang)
    topics = ", ".join(f"{_e(name)} ({count})" for name, count in stats.top_topics) or t("admin_none", lang)
    latency = f"{stats.median_latency_ms:.0f} ms" if stats.median_latency_ms is not None else t("admin_none", lang)
    return t(
        "admin_stats", lang,
        days=len(stats.days), questions=stats.questions, answered=stats.answered, abstained=stats.abstained,
        answered_share=_share(stats.answered_share, lang), helpful=stats.helpful, not_helpful=stats.not_helpful,
        helpful_share=_share(stats.helpful_share, lang), latency=latency, topics=topics, reasons=_e(reason_text),
        handoffs_sent=handoffs[0], handoffs_answered=handoffs[1],
    )


def chart_labels(lang: str) -> dict[str, str]:
    keys = ("title", "answered", "abstained", "topics", "feedback", "helpful", "not_helpful", "none")
    return {key: t(f"admin_chart_{key}", lang) for key in keys}


# --- /unbeantwortet ----------------------------------------------------------------------------------
def unanswered_html(rows: Sequence[QueryLog], lang: str, timezone: str) -> str:
    if not rows:
        return t("admin_unanswered_none", lang)
    lines = [t("admin_unanswered_header", lang)]
    for row in rows:
        mark = "👎" if row.feedback == -1 else "∅"
        question = " ".join(row.question.split())
        question = question if len(question) <= 200 else question[:199] + "…"
        lines.append(t("admin_unanswered_line", lang, when=_local(row.asked_at, timezone), mark=mark,
                       question=_e(question)))
    return "\n".join(lines)

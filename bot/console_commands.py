"""The commands of the other areas in the console (``python bot.py chat``), so that the console
is the same bot: the maintainers' /status, /stats, /unbeantwortet and /reindex answer as text
(whoever runs the console has the database anyway); subscriptions and /broadcast need Telegram
chats to deliver to, so they say how to use them there. Blocking (database, index)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from jobs.refresh import RefreshRunner
from knowledge.feedback_reasons import reason_counts
from knowledge.handoffs import counts_since as handoff_counts
from knowledge.query_log import unanswered
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings
from knowledge.sources.config import SourcesFileError
from knowledge.statistics import usage_stats
from knowledge.system_status import collect_status

from bot import commands
from bot.maintenance_reports import stats_html, status_html, unanswered_html
from bot.replies import Reply, html_span, text_span

TELEGRAM_ONLY = {name for spec in (*commands.SUBSCRIPTION_COMMANDS, commands.BROADCAST) for name in spec.names}


class ConsoleCommands:
    """Runs the non-chat commands for the console."""

    def __init__(self, kb: KnowledgeBase, settings: Settings, clock: Callable[[], datetime],
                 open_handoffs: Callable[[str], Reply]) -> None:
        self.kb = kb
        self.settings = settings
        self.clock = clock
        self.started_at = clock()
        self.open_handoffs = open_handoffs

    def run(self, name: str, args: str, lang: str) -> Reply | None:
        """The reply to command ``name``; None when it is not one of these."""
        name = name.lower()
        if name in TELEGRAM_ONLY:
            return Reply().add(text_span("console_telegram_only", lang, command=name))
        if name in commands.STATUS.names:
            return Reply().add(html_span(status_html(self._status(), lang, self.settings.timezone)))
        if name in commands.STATS.names:
            days = int(args) if args.strip().isdigit() and 1 <= int(args) <= 365 else 30
            stats = usage_stats(self.kb.engine, days=days, now=self.clock(), timezone=self.settings.timezone)
            reasons = reason_counts(self.kb.engine, since=stats.since, until=stats.until)
            return Reply().add(html_span(stats_html(stats, lang, reasons=reasons,
                                                    handoffs=handoff_counts(self.kb.engine, stats.since))))
        if name in commands.UNANSWERED.names:
            limit = max(1, min(int(args), 30)) if args.strip().isdigit() else 15
            rows = unanswered(self.kb.engine, limit=limit)
            reply = Reply().add(html_span(unanswered_html(rows, lang, self.settings.timezone))).blank()
            waiting = self.open_handoffs(lang)
            reply.lines.extend(waiting.lines)
            return reply
        if name in commands.REINDEX.names:
            report = self.kb.reindex()
            return Reply().add(text_span("console_reindexed", lang, chunks=report.chunks, embedded=report.embedded))
        return None

    def _status(self):  # noqa: ANN202 - SystemStatus
        try:
            sources, error = RefreshRunner(self.kb, self.settings.sources_file, clock=self.clock).sources(), None
        except SourcesFileError as exc:
            sources, error = [], str(exc)
        return collect_status(self.kb, sources, started_at=self.started_at, now=self.clock(), sources_error=error)

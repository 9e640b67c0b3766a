"""Services shared by all handlers: created by ``build_application``, kept in ``bot_data`` and
closed in ``post_shutdown``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobs.refresh import RefreshRunner
from knowledge.clock import Clock, utc_now
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot.conversation import Conversation
from bot.error_reports import ErrorReports
from bot.rate_limit import UserRateLimiter


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    conversation: Conversation
    rate_limiter: UserRateLimiter
    refresh_runner: RefreshRunner
    clock: Clock = utc_now
    started_at: datetime = field(default_factory=utc_now)  # by ``clock``, so uptime is measured on one clock
    # Per-process state of other areas (event delivery, the replica runtime …), keyed by name.
    extras: dict[str, Any] = field(default_factory=dict)
    button_limiter: UserRateLimiter | None = None  # presses and inline queries
    error_reports: ErrorReports | None = None

    @classmethod
    def create(cls, settings: Settings, kb: KnowledgeBase, clock: Clock) -> Services:
        """All services of one bot process."""
        conversation = Conversation(kb, settings, clock)
        return cls(
            settings=settings, kb=kb, clock=clock, started_at=clock(),
            conversation=conversation,
            # in the database: the limit holds across replicas
            rate_limiter=UserRateLimiter(settings.rate_limit_per_minute, clock, kb.engine,
                                         pseudonym=conversation.question_log.pseudonym),
            refresh_runner=RefreshRunner(kb, settings.sources_file, clock=clock),
            button_limiter=UserRateLimiter(settings.button_rate_limit_per_minute, clock),
            error_reports=ErrorReports(settings.error_report_interval_s, clock),
        )

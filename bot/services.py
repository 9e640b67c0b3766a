"""Services shared by all handlers: created by ``build_application``, kept in ``bot_data`` and
closed in ``post_shutdown``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jobs.refresh import RefreshRunner
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot.conversation import Conversation
from bot.rate_limit import UserRateLimiter


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    conversation: Conversation
    rate_limiter: UserRateLimiter
    refresh_runner: RefreshRunner
    clock: Callable[[], datetime] = utc_now
    started_at: datetime = field(default_factory=utc_now)  # by ``clock``, so uptime is measured on one clock
    # Per-process state of other areas (event delivery, pending broadcasts …), keyed by name.
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, kb: KnowledgeBase, clock: Callable[[], datetime]) -> Services:
        """All services of one bot process."""
        return cls(
            settings=settings, kb=kb, clock=clock, started_at=clock(),
            conversation=Conversation(kb, settings, clock),
            rate_limiter=UserRateLimiter(settings.rate_limit_per_minute, clock),
            refresh_runner=RefreshRunner(kb, settings.sources_file, clock=clock),
        )

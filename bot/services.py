"""Services shared by all handlers, put into ``bot_data`` in ``post_init`` and closed in ``post_shutdown``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from knowledge.service import KnowledgeBase
from knowledge.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    clock: Callable[[], datetime] = utc_now
    started_at: datetime = field(default_factory=utc_now)
    # Room for services of other areas (subscriptions, query log, sources …), keyed by name.
    extras: dict[str, Any] = field(default_factory=dict)

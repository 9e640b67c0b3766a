"""Query-log retention: questions older than ``settings.query_log_retention_days`` are deleted."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from knowledge.query_log import purge_older_than

log = logging.getLogger(__name__)


def enforce_query_log_retention(engine: Engine, *, retention_days: int, now: datetime | None = None) -> int:
    """Delete expired query-log rows; returns how many were deleted. Idempotent."""
    deleted = purge_older_than(engine, days=retention_days, now=now or datetime.now(UTC))
    if deleted:
        log.info("query log retention: %d question(s) older than %d days deleted", deleted, retention_days)
    return deleted

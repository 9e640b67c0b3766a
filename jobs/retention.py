"""Query-log retention: questions older than ``settings.query_log_retention_days`` are deleted,
with their 👎 reasons and hand-offs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from knowledge import feedback_reasons, handoffs
from knowledge.query_log import purge_older_than

log = logging.getLogger(__name__)


def enforce_query_log_retention(engine: Engine, *, retention_days: int, now: datetime | None = None) -> int:
    """Delete expired query-log rows; returns how many were deleted. Idempotent."""
    now = now or datetime.now(UTC)
    deleted = purge_older_than(engine, days=retention_days, now=now)
    # what hangs on questions goes with them: 👎 reasons and hand-offs to the advisory service
    feedback_reasons.purge_older_than(engine, days=retention_days, now=now)
    handoffs.purge_older_than(engine, days=retention_days, now=now)
    if deleted:
        log.info("query log retention: %d question(s) older than %d days deleted", deleted, retention_days)
    return deleted

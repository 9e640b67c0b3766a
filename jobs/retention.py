"""Retention: everything past its period is deleted, driven by the personal-data registry
(:mod:`jobs.personal_data`): query-log rows after ``query_log_retention_days``, unsubscribed
or blocked chats with their deliveries after ``subscriber_retention_days``, conversation state
after ``conversation_state_retention_days``; and Telegram update ids (not personal) after
``processed_update_retention_hours``."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from jobs.personal_data import apply_retention
from knowledge.coordination import purge_processed_updates
from knowledge.query_log import purge_older_than

log = logging.getLogger(__name__)


def enforce_retention(engine: Engine, settings: object, *, now: datetime | None = None) -> dict[str, int]:
    """Delete every expired row of every table with personal data; counts per table. Idempotent."""
    now = now or datetime.now(UTC)
    counts = apply_retention(engine, settings, now=now)
    hours = int(getattr(settings, "processed_update_retention_hours"))
    counts["processed_updates"] = purge_processed_updates(engine, older_than=timedelta(hours=hours), now=now)
    deleted = {table: n for table, n in counts.items() if n}
    if deleted:
        log.info("retention: deleted %s", ", ".join(f"{n} from {table}" for table, n in sorted(deleted.items())))
    return counts


def enforce_query_log_retention(engine: Engine, *, retention_days: int, now: datetime | None = None) -> int:
    """Delete expired query-log rows only; returns how many were deleted. Idempotent."""
    deleted = purge_older_than(engine, days=retention_days, now=now or datetime.now(UTC))
    if deleted:
        log.info("query log retention: %d question(s) older than %d days deleted", deleted, retention_days)
    return deleted

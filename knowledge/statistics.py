"""Usage statistics over the query log.

``usage_stats()`` counts the questions of the last N local calendar days: per day answered and
abstained, 👍/👎 feedback, the median answer latency and the most frequent topics of the best
result. ``bot.statistics_chart`` draws them.
"""

from __future__ import annotations

import statistics as pystats
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from knowledge.query_log import QueryLog


@dataclass
class DayCount:
    day: date
    answered: int = 0
    abstained: int = 0

    @property
    def total(self) -> int:
        return self.answered + self.abstained


@dataclass
class UsageStats:
    since: datetime
    until: datetime
    days: list[DayCount]
    helpful: int = 0
    not_helpful: int = 0
    median_latency_ms: float | None = None
    top_topics: list[tuple[str, int]] = field(default_factory=list)

    @property
    def questions(self) -> int:
        return sum(d.total for d in self.days)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.days)

    @property
    def abstained(self) -> int:
        return sum(d.abstained for d in self.days)

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def helpful_share(self) -> float | None:
        """Share of 👍 among the rated answers (None without ratings)."""
        rated = self.helpful + self.not_helpful
        return self.helpful / rated if rated else None


def usage_stats(engine: Engine, *, days: int, now: datetime, timezone: str,
                top: int = 5) -> UsageStats:
    """Statistics of the last ``days`` local calendar days up to ``now`` (today included)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    per_day = {first + timedelta(days=i): DayCount(first + timedelta(days=i)) for i in range(days)}
    stmt = select(QueryLog.asked_at, QueryLog.answered, QueryLog.feedback, QueryLog.latency_ms,
                  QueryLog.top_topic).where(QueryLog.asked_at >= since, QueryLog.asked_at <= now)
    result = UsageStats(since=since, until=now, days=list(per_day.values()))
    latencies: list[float] = []
    topics: Counter[str] = Counter()
    with Session(engine) as session:
        for asked_at, answered, feedback, latency_ms, topic in session.exec(stmt):
            bucket = per_day.get(asked_at.astimezone(zone).date())
            if bucket is None:
                continue
            if answered:
                bucket.answered += 1
            else:
                bucket.abstained += 1
            if feedback == 1:
                result.helpful += 1
            elif feedback == -1:
                result.not_helpful += 1
            if latency_ms is not None:
                latencies.append(float(latency_ms))
            if answered and topic:
                topics[topic] += 1
    result.median_latency_ms = pystats.median(latencies) if latencies else None
    result.top_topics = sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return result

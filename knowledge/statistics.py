"""Usage statistics over the query log, and their chart (PNG, matplotlib Agg, no pyplot state).

``usage_stats()`` counts the questions of the last N local calendar days: per day answered and
abstained, 👍/👎 feedback, the median answer latency and the most frequent topics of the best
result. ``render_chart()`` draws them and returns the totals it actually plotted, so callers
(and tests) can check the picture against the database.
"""

from __future__ import annotations

import io
import statistics as pystats
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from knowledge.models import QueryLog


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


def usage_stats(engine: Engine, *, days: int, now: datetime, timezone: str = "Europe/Berlin",
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


CHART_LABELS = {
    "title": "Fragen der letzten {days} Tage: {questions} ({answered} beantwortet, {abstained} ohne Antwort)",
    "answered": "beantwortet",
    "abstained": "ohne Antwort",
    "topics": "Häufigste Themen",
    "feedback": "Bewertungen",
    "helpful": "hilfreich",
    "not_helpful": "nicht hilfreich",
    "none": "keine Daten",
}


@dataclass
class Chart:
    png: bytes
    width: int
    height: int
    plotted: dict[str, int]


def render_chart(stats: UsageStats, *, labels: dict[str, str] | None = None, dpi: int = 100) -> Chart:
    """A PNG with questions per day (answered/abstained), top topics and feedback."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    text = {**CHART_LABELS, **(labels or {})}
    figure = Figure(figsize=(10, 7), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 2, height_ratios=(3, 2))
    per_day = figure.add_subplot(grid[0, :])
    days = [d.day for d in stats.days]
    answered = [d.answered for d in stats.days]
    abstained = [d.abstained for d in stats.days]
    positions = list(range(len(days)))
    per_day.bar(positions, answered, color="#2e7d32", label=text["answered"])
    per_day.bar(positions, abstained, bottom=answered, color="#c62828", label=text["abstained"])
    step = max(1, len(days) // 15)
    per_day.set_xticks(positions[::step], [f"{d:%d.%m.}" for d in days[::step]])
    per_day.yaxis.get_major_locator().set_params(integer=True)
    per_day.legend(loc="upper left")
    per_day.set_title(text["title"].format(days=len(days), questions=sum(answered) + sum(abstained),
                                           answered=sum(answered), abstained=sum(abstained)))

    topics_axis = figure.add_subplot(grid[1, 0])
    topics_axis.set_title(text["topics"])
    if stats.top_topics:
        names = [name for name, _ in stats.top_topics][::-1]
        counts = [count for _, count in stats.top_topics][::-1]
        topics_axis.barh(names, counts, color="#1565c0")
        topics_axis.xaxis.get_major_locator().set_params(integer=True)
    else:
        topics_axis.text(0.5, 0.5, text["none"], ha="center", va="center", transform=topics_axis.transAxes)
        topics_axis.set_axis_off()

    feedback_axis = figure.add_subplot(grid[1, 1])
    feedback_axis.set_title(text["feedback"])
    feedback = [stats.helpful, stats.not_helpful]
    feedback_axis.bar([text["helpful"], text["not_helpful"]], feedback, color=["#2e7d32", "#c62828"])
    feedback_axis.yaxis.get_major_locator().set_params(integer=True)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    width, height = (int(round(v)) for v in figure.get_size_inches() * dpi)
    plotted = {
        "questions": sum(answered) + sum(abstained),
        "answered": sum(answered),
        "abstained": sum(abstained),
        "helpful": feedback[0],
        "not_helpful": feedback[1],
        "topics": sum(count for _, count in stats.top_topics),
    }
    return Chart(buffer.getvalue(), width, height, plotted)

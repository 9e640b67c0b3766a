"""The usage statistics as a chart (PNG, matplotlib Agg, no pyplot state).

``render_chart()`` returns the totals it actually plotted, so callers (and tests) can check the
picture against the database.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from knowledge.statistics import UsageStats

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

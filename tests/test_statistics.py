"""Usage statistics and chart against a real database (SQLite and PostgreSQL), retention, content gaps."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import Session, func, select

from knowledge.db import create_db_and_tables, make_engine
from knowledge.query_log import QueryLog
from knowledge.query_log import purge_older_than, unanswered
from bot.statistics_chart import render_chart
from knowledge.statistics import usage_stats

NOW = datetime(2030, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Berlin


def _fill(engine) -> None:
    rows = [
        # (hours before NOW, answered, feedback, latency, topic)
        (1, True, 1, 100.0, "Abwasser"),
        (2, True, -1, 300.0, "Abwasser"),
        (3, False, None, 200.0, None),
        (11.5, True, None, 50.0, "Bauhof"),  # 23:30 UTC on the 9th = 00:30 Berlin on the 10th
        (30, False, -1, 400.0, None),
        (49, True, 1, 120.0, "Abwasser"),
        (24 * 8, True, 1, 90.0, "Alt"),  # outside a 7-day window
        (24 * 200, False, None, 10.0, None),  # beyond retention
    ]
    with Session(engine) as session:
        for hours, answered, feedback, latency, topic in rows:
            session.add(QueryLog(asked_at=NOW - timedelta(hours=hours), question=f"Frage vor {hours} h",
                                 answered=answered, feedback=feedback, latency_ms=latency, top_topic=topic))
        session.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'stats.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(url)
    create_db_and_tables(engine)
    with Session(engine) as session:  # the PostgreSQL database is shared by the session: start empty
        session.exec(QueryLog.__table__.delete())  # type: ignore[attr-defined]
        session.commit()
    _fill(engine)
    yield engine
    engine.dispose()


def test_usage_stats_counts_local_days(engine) -> None:
    stats = usage_stats(engine, days=7, now=NOW, timezone="Europe/Berlin")
    assert len(stats.days) == 7 and stats.days[-1].day.isoformat() == "2030-03-10"
    assert (stats.questions, stats.answered, stats.abstained) == (6, 4, 2)
    by_day = {d.day.isoformat(): (d.answered, d.abstained) for d in stats.days}
    assert by_day["2030-03-10"] == (3, 1)  # counted on the local (Berlin) day, not the UTC day
    assert by_day["2030-03-09"] == (0, 1)
    assert by_day["2030-03-08"] == (1, 0)
    assert (stats.helpful, stats.not_helpful) == (2, 2)
    assert stats.median_latency_ms == 160.0
    assert stats.top_topics == [("Abwasser", 3), ("Bauhof", 1)]
    assert usage_stats(engine, days=1, now=NOW, timezone="Europe/Berlin").questions == 4


def test_chart_decodes_and_plots_the_database_totals(engine) -> None:
    stats = usage_stats(engine, days=7, now=NOW, timezone="Europe/Berlin")
    chart = render_chart(stats)
    image = Image.open(io.BytesIO(chart.png))
    image.load()
    assert image.format == "PNG" and image.size == (chart.width, chart.height) == (1000, 700)
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 10  # not a blank canvas
    since = NOW - timedelta(days=7)
    with Session(engine) as session:
        def count(*conditions) -> int:
            stmt = select(func.count()).select_from(QueryLog).where(QueryLog.asked_at >= stats.since, *conditions)
            return int(session.exec(stmt).one())

        db_totals = {
            "questions": count(),
            "answered": count(QueryLog.answered == True),  # noqa: E712
            "abstained": count(QueryLog.answered == False),  # noqa: E712
            "helpful": count(QueryLog.feedback == 1),
            "not_helpful": count(QueryLog.feedback == -1),
        }
    assert stats.since > since  # the window starts at local midnight six days ago
    assert {k: chart.plotted[k] for k in db_totals} == db_totals == {
        "questions": 6, "answered": 4, "abstained": 2, "helpful": 2, "not_helpful": 2}


def test_chart_of_an_empty_log(tmp_path) -> None:
    engine = make_engine("sqlite://")
    create_db_and_tables(engine)
    chart = render_chart(usage_stats(engine, days=30, now=NOW, timezone="Europe/Berlin"))
    assert Image.open(io.BytesIO(chart.png)).size == (1000, 700)
    assert chart.plotted["questions"] == 0


def test_retention_and_content_gaps(engine) -> None:
    gaps = unanswered(engine, limit=10)
    assert [g.question for g in gaps] == ["Frage vor 2 h", "Frage vor 3 h", "Frage vor 30 h", "Frage vor 4800 h"]
    assert len(unanswered(engine, limit=2)) == 2
    assert purge_older_than(engine, days=90, now=NOW) == 1
    assert purge_older_than(engine, days=90, now=NOW) == 0
    assert purge_older_than(engine, days=7, now=NOW) == 1
    with Session(engine) as session:
        assert int(session.exec(select(func.count()).select_from(QueryLog)).one()) == 6

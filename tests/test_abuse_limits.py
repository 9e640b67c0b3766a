"""Abuse amplification (issue 10, defect 8): rate limits answer once per window, error reports
to the admins are de-duplicated and throttled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.error_reports import MAX_REPORTS_PER_INTERVAL, ErrorReports
from bot.rate_limit import UserRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _error(message: str) -> BaseException:
    try:
        raise KeyError(message)
    except KeyError as exc:
        return exc


def test_a_flood_gets_one_notice_per_window() -> None:
    clock = Clock()
    limiter = UserRateLimiter(3, clock)
    notices = 0
    for _ in range(200):
        if not limiter.allow(7) and limiter.first_refusal(7):
            notices += 1
    assert notices == 1
    clock.now += timedelta(seconds=61)
    assert limiter.allow(7)  # a new window
    for _ in range(5):
        if not limiter.allow(7) and limiter.first_refusal(7):
            notices += 1
    assert notices == 2


def test_the_same_error_is_reported_once_per_interval_with_a_count() -> None:
    clock = Clock()
    reports = ErrorReports(300, clock)
    decisions = [reports.admit(_error("zzz")) for _ in range(20)]
    assert decisions[0] == 0 and decisions[1:] == [None] * 19
    other = _error_elsewhere()
    assert reports.admit(other) == 0  # another bug is reported
    clock.now += timedelta(seconds=301)
    assert reports.admit(_error("zzz")) == 19  # the next report says how many were left out


def _error_elsewhere() -> BaseException:
    try:
        int("x")
    except ValueError as exc:
        return exc
    raise AssertionError


def test_at_most_a_few_reports_per_interval_overall() -> None:
    clock = Clock()
    reports = ErrorReports(300, clock)
    admitted = 0
    for line in range(50):
        namespace: dict = {}
        exec(compile("\n" * line + "def f():\n    raise RuntimeError('x')\n", f"gen{line}.py", "exec"), namespace)
        try:
            namespace["f"]()
        except RuntimeError as exc:
            admitted += reports.admit(exc) is not None
    assert admitted == MAX_REPORTS_PER_INTERVAL

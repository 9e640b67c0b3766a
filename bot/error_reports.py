"""Which errors are reported to the admins: de-duplicated and throttled.

The same kind of error (type and place) is reported once per ``settings.error_report_interval_s``,
the next report says how many were left out, and at most ``MAX_REPORTS_PER_INTERVAL`` reports of
any kind go out per interval — a user pressing a broken button 20 times costs the admins one
message, not 40.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta

MAX_REPORTS_PER_INTERVAL = 10


class ErrorReports:
    """Decides which errors are reported to the admins (thread-safe, injectable clock)."""

    def __init__(self, interval_s: float, clock: Callable[[], datetime]) -> None:
        self.interval = timedelta(seconds=interval_s)
        self.clock = clock
        self._last: dict[str, datetime] = {}
        self._suppressed: dict[str, int] = {}
        self._window_start: datetime | None = None
        self._sent_in_window = 0
        self._lock = threading.Lock()

    @staticmethod
    def signature(error: BaseException | None) -> str:
        """Type and innermost frame of the error: the same bug, wherever and whoever triggers it."""
        if error is None:
            return "None"
        frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
        place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        return f"{type(error).__name__}@{place}"

    def admit(self, error: BaseException | None) -> int | None:
        """None: do not report; otherwise report it, with this many similar ones left out before."""
        now = self.clock()
        key = self.signature(error)
        with self._lock:
            if self._window_start is None or now - self._window_start >= self.interval:
                self._window_start, self._sent_in_window = now, 0
            last = self._last.get(key)
            if (last is not None and now - last < self.interval) or self._sent_in_window >= MAX_REPORTS_PER_INTERVAL:
                self._suppressed[key] = self._suppressed.get(key, 0) + 1
                return None
            self._last[key] = now
            self._sent_in_window += 1
            return self._suppressed.pop(key, 0)

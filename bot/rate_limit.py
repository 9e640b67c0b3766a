"""Per-user rate limits (sliding one-minute window, injectable clock): questions, and button
presses plus inline queries. A user over the limit is told so once per window, not per message.

With a database engine the question window lives in the database (``knowledge.chat_state``, by
the user's pseudonym), so the limit holds across replicas; then ``check`` is blocking (call it
off the event loop)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from knowledge.chat_state import rate_wait_s, take_rate_slot

WINDOW = timedelta(minutes=1)


class UserRateLimiter:
    """Allows ``per_minute`` questions per user in any sliding minute."""

    def __init__(self, per_minute: int, clock: Callable[[], datetime], engine: Engine | None = None,
                 pseudonym: Callable[[int | str], str] = str) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.engine = engine
        self.pseudonym = pseudonym  # the key of a user's rows in the database
        self._events: dict[int | str, deque[datetime]] = {}
        self._notified: dict[int | str, datetime] = {}
        self._lock = threading.Lock()

    def check(self, user_id: int | str) -> int:
        """Record a question of ``user_id`` if within the limit: 0, else seconds until allowed again."""
        if self.engine is not None:
            return take_rate_slot(self.engine, self.pseudonym(user_id), per_minute=self.per_minute, now=self.clock())
        return 0 if self.allow(user_id) else self.retry_after_s(user_id)

    def allow(self, user_id: int | str) -> bool:
        """Record a question of ``user_id`` and say whether it is within the limit."""
        if self.engine is not None:
            return self.check(user_id) == 0
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(user_id, deque())
            while events and now - events[0] >= WINDOW:
                events.popleft()
            if len(events) >= self.per_minute:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget idle users now and then
                self._events = {k: v for k, v in self._events.items() if v and now - v[-1] < WINDOW}
                self._notified = {k: v for k, v in self._notified.items() if now - v < WINDOW}
            return True

    def first_refusal(self, user_id: int | str) -> bool:
        """True once per window for a refused user: only then is the "slow down" notice sent
        (a flood of 200 messages gets one reply, not 188, and does not use up the send budget)."""
        now = self.clock()
        with self._lock:
            last = self._notified.get(user_id)
            if last is not None and now - last < WINDOW:
                return False
            self._notified[user_id] = now
            return True

    def retry_after_s(self, user_id: int | str) -> int:
        """Seconds until ``user_id`` may ask again (0 when allowed now)."""
        if self.engine is not None:
            return rate_wait_s(self.engine, self.pseudonym(user_id), per_minute=self.per_minute, now=self.clock())
        now = self.clock()
        with self._lock:
            events = self._events.get(user_id)
            if not events or len(events) < self.per_minute:
                return 0
            return max(1, int((events[0] + WINDOW - now).total_seconds() + 0.999))

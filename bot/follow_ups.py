"""Follow-up questions: each chat's previous question, and whether a new message refines it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from knowledge.query_understanding import QueryFilters

FOLLOW_UP_CUES = (
    "und ", "und?", "nur ", "auch ", "aber ", "sowie ", "oder ", "dasselbe ", "das gleiche ", "ebenso ",
    "what about", "how about", "and ", "only ", "also ", "same ", "or ",
)
PLACE_CUES = ("im ", "in ", "bei ", "für ", "fuer ", "mit ", "ohne ", "als ")


def is_follow_up(text: str, filters: QueryFilters) -> bool:
    """Short messages that start like a refinement ("und im Kreis Borken?", "nur Zweckverbände")."""
    lowered = " ".join(text.lower().split())
    words = len(lowered.split())
    if words > 8:
        return False
    if lowered.startswith(FOLLOW_UP_CUES):
        return True
    return filters.any and words <= 4 and lowered.startswith(PLACE_CUES)


@dataclass(frozen=True)
class PreviousQuestion:
    """What a chat asked last: the text searched for, as typed, its filters and when."""

    search_text: str
    question: str
    filters: QueryFilters
    at: datetime


class FollowUps:
    """The previous question of every chat, forgotten after ``window_s`` seconds (thread-safe)."""

    def __init__(self, window_s: float, clock: Callable[[], datetime]) -> None:
        self.window = timedelta(seconds=window_s)
        self.clock = clock
        self._lock = threading.Lock()
        self._recent: dict[int | str, PreviousQuestion] = {}

    def previous(self, chat_key: int | str) -> PreviousQuestion | None:
        with self._lock:
            recent = self._recent.get(chat_key)
        if recent is None or self.clock() - recent.at > self.window:
            return None
        return recent

    def remember(self, chat_key: int | str, *, search_text: str, question: str, filters: QueryFilters) -> None:
        with self._lock:
            self._recent[chat_key] = PreviousQuestion(search_text, question, filters, self.clock())

    def forget_user(self, user_id: int | str) -> None:
        """Drop every previous question of ``user_id`` (chat keys end in ``:<user id>``)."""
        suffix = f":{user_id}"
        with self._lock:
            for key in [k for k in self._recent if str(k).endswith(suffix) or k == user_id]:
                del self._recent[key]

"""Each chat's previous question, kept for follow-ups (whether a message is one: knowledge.follow_up)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from knowledge.chat_state import (
    forget_chat_contexts,
    previous_context,
    remember_context,
)
from knowledge.query_understanding import QueryFilters


@dataclass(frozen=True)
class PreviousQuestion:
    """What a chat asked last: the text searched for, as typed, its filters and when."""

    search_text: str
    question: str
    filters: QueryFilters
    at: datetime


class FollowUps:
    """The previous question of every chat, forgotten after ``window_s`` seconds.

    Kept in the database (``knowledge.chat_state``), so any replica can take a chat's next
    message; blocking — the conversation runs off the event loop."""

    def __init__(self, window_s: float, clock: Callable[[], datetime], engine: Engine) -> None:
        self.window = timedelta(seconds=window_s)
        self.clock = clock
        self.engine = engine

    def previous(self, chat_key: int | str) -> PreviousQuestion | None:
        found = previous_context(self.engine, chat_key, now=self.clock(), window=self.window)
        return PreviousQuestion(*found) if found is not None else None

    def remember(self, chat_key: int | str, *, user_id: int | str | None, search_text: str, question: str,
                 filters: QueryFilters) -> None:
        remember_context(self.engine, chat_key, user_id=user_id, search_text=search_text, question=question,
                         filters=filters, now=self.clock())

    def forget_user(self, user_id: int | str) -> None:
        """Drop every previous question of ``user_id`` (after /loeschen)."""
        forget_chat_contexts(self.engine, user_id)

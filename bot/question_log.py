"""Logging asked questions and their feedback, with pseudonymised user ids (knowledge.query_log)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from knowledge.answers import Answer
from knowledge.query_log import log_question, logged_question, pseudonym_key, pseudonymise, record_feedback
from knowledge.settings import Settings


class QuestionLog:
    """Writes one query-log row per question; user ids only as keyed hashes."""

    def __init__(self, engine: Engine, settings: Settings, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._key = pseudonym_key(settings)

    def log(self, *, user_id: int | str | None, question: str, answer: Answer, channel: str) -> int:
        """Log the question; returns its id (used in the answer's buttons)."""
        user_hash = pseudonymise(self._key, user_id) if user_id is not None else None
        return log_question(self.engine, user_id_hash=user_hash, question=question, answer=answer, channel=channel)

    def pseudonym(self, user_id: int | str) -> str:
        return pseudonymise(self._key, user_id)

    def asked_by(self, qid: int, user_id: int | str | None) -> bool:
        """True when logged question ``qid`` exists and was asked by ``user_id``."""
        if user_id is None:
            return False
        row = logged_question(self.engine, qid)
        return row is not None and row.user_hash == self.pseudonym(user_id)

    def question(self, qid: int) -> str | None:
        """The text of logged question ``qid`` (None when unknown or deleted)."""
        row = logged_question(self.engine, qid)
        return row.question if row is not None else None

    def feedback(self, qid: int, helpful: bool) -> bool:
        """Store 👍/👎 for question ``qid``; False when the question is unknown."""
        return record_feedback(self.engine, qid, 1 if helpful else -1, clock=self.clock)

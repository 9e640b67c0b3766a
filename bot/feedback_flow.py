"""👎 that teaches: after "nicht hilfreich" the user is asked why (falsch · veraltet ·
unvollständig · passt nicht zur Frage · eigener Text) and offered the hand-off. "eigener Text"
takes the chat's next message as the reason (within ``OWN_TEXT_SECONDS``). Blocking (database)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from knowledge.feedback_reasons import record_reason

from bot import callback_data
from bot.replies import Button, Reply, text_span
from bot.texts import t

REASON_CODES = {"w": "wrong", "o": "outdated", "i": "incomplete", "p": "off_topic", "x": "other"}
OWN_TEXT_SECONDS = 600


class FeedbackFlow:
    """Reasons for 👎 (the 👍/👎 itself is stored by the question log)."""

    def __init__(self, engine, clock: Callable[[], datetime]) -> None:  # noqa: ANN001 - sqlalchemy Engine
        self.engine = engine
        self.clock = clock
        self._lock = threading.Lock()
        self._waiting: dict[int | str, tuple[int, datetime]] = {}

    def ask_why(self, query_id: int, lang: str, handoff: Button | None) -> Reply:
        """The question after 👎, with the reasons and (where possible) the hand-off."""
        reply = Reply(notice=t("feedback_thanks_down", lang)).add(text_span("feedback_reason_ask", lang))
        buttons = [Button(t(f"reason_{name}", lang), callback_data.build("fr", query_id, code))
                   for code, name in REASON_CODES.items()]
        reply.row(*buttons[:2]).row(*buttons[2:4]).row(buttons[4])
        if handoff is not None:
            reply.row(handoff)
        return reply

    def reason(self, chat_key: int | str, query_id: int, code: str, lang: str) -> Reply:
        name = REASON_CODES.get(code)
        if name is None:
            return Reply(notice=t("invalid_button", lang))
        if name == "other":
            with self._lock:
                self._waiting[chat_key] = (query_id, self.clock())
            return Reply().add(text_span("feedback_reason_write", lang))
        if not record_reason(self.engine, query_id, name, clock=self.clock):
            return Reply(notice=t("invalid_button", lang))
        return Reply(notice=t("feedback_reason_thanks", lang, reason=t(f"reason_{name}", lang)))

    def own_text(self, chat_key: int | str, text: str, lang: str) -> Reply | None:
        """The chat's message as the reason, if one was asked for lately; None otherwise."""
        with self._lock:
            waiting = self._waiting.pop(chat_key, None)
        if waiting is None:
            return None
        query_id, since = waiting
        if self.clock() - since > timedelta(seconds=OWN_TEXT_SECONDS) or text.startswith("/"):
            return None
        if not record_reason(self.engine, query_id, "other", text=text, clock=self.clock):
            return None
        return Reply().add(text_span("feedback_reason_thanks", lang, reason=text[:80]))

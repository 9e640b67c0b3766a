"""The one global error handler: log with traceback, apologise to the user, tell the admin chat.

Reports to the admins are de-duplicated and throttled (:class:`ErrorReports`): the same kind of
error (type and place) is reported once per ``settings.error_report_interval_s``, the next report
says how many were left out, and at most ``MAX_REPORTS_PER_INTERVAL`` reports of any kind go out
per interval — a user pressing a broken button 20 times costs the admins one message, not 40.
"""

from __future__ import annotations

import html
import logging
import threading
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Update

from bot.context import IKZContext
from bot.texts import language_of, t

log = logging.getLogger(__name__)

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


def _admin_chats(context: IKZContext) -> list[int]:
    """The admin chat, or (when none is configured) the admins' private chats."""
    if "services" not in context.application.bot_data:
        return []
    settings = context.settings
    if settings.admin_chat_id:
        return [settings.admin_chat_id]
    return list(settings.admin_ids[:5])


def _where(update: object) -> str:
    if not isinstance(update, Update):
        return "job/internal"
    kind = next((name for name in ("message", "edited_message", "callback_query", "inline_query")
                 if getattr(update, name, None) is not None), "update")
    chat = update.effective_chat.id if update.effective_chat else "–"
    return f"{kind} in chat {chat} (update {update.update_id})"


async def error_handler(update: object, context: IKZContext) -> None:
    """Log the exception, apologise in the chat where it happened and notify the admins."""
    log.error("error while handling %s", _where(update), exc_info=context.error)
    if isinstance(update, Update):
        lang = language_of(update.effective_user.language_code if update.effective_user else None)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(t("error_apology", lang)[:200])
            elif update.effective_chat is not None:
                await context.bot.send_message(update.effective_chat.id, t("error_apology", lang))
        except Exception:  # noqa: BLE001 - nothing more we can do for this user
            log.warning("could not send the apology", exc_info=True)
    error = context.error
    if "services" not in context.application.bot_data:
        return
    left_out = context.services.error_reports.admit(error)
    if left_out is None:
        log.info("error report to the admins left out (same error reported recently)")
        return
    text = (
        f"⚠️ <b>Fehler</b> bei {html.escape(_where(update))}:\n"
        f"<code>{html.escape(type(error).__name__)}: {html.escape(str(error)[:1500])}</code>"
    )
    if left_out:
        text += f"\n(+ {left_out} gleiche Fehler seit der letzten Meldung nicht gemeldet)"
    for chat_id in _admin_chats(context):
        try:
            await context.bot.send_message(chat_id, text)
        except Exception:  # noqa: BLE001
            log.warning("could not notify admin chat %s", chat_id, exc_info=True)

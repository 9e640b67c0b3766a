"""The one global error handler: log with traceback, apologise to the user, tell the admin chat
(de-duplicated and throttled by :class:`bot.error_reports.ErrorReports`)."""

from __future__ import annotations

import html
import logging

from telegram import Update

from bot.context import IKZContext
from bot.texts import language_of, t

log = logging.getLogger(__name__)


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

"""The one global error handler: log with traceback, apologise to the user, tell the admin chat."""

from __future__ import annotations

import html
import logging

from telegram import Update

from bot.context import IKZContext
from bot.texts import language_of, t

log = logging.getLogger(__name__)


async def error_handler(update: object, context: IKZContext) -> None:
    """Log the exception, apologise in the chat where it happened and notify the admins."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        lang = language_of(update.effective_user.language_code if update.effective_user else None)
        try:
            await context.bot.send_message(update.effective_chat.id, t("error_apology", lang))
        except Exception:  # noqa: BLE001 - nothing more we can do for this user
            log.warning("could not send the apology", exc_info=True)
    admin_chat = context.settings.admin_chat_id if "services" in context.application.bot_data else None
    if admin_chat:
        error = context.error
        text = f"⚠️ <b>Fehler</b>: <code>{html.escape(type(error).__name__)}: {html.escape(str(error))[:3000]}</code>"
        try:
            await context.bot.send_message(admin_chat, text)
        except Exception:  # noqa: BLE001
            log.warning("could not notify the admin chat", exc_info=True)

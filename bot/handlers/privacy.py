"""/loeschen (/delete) and /meine_daten (/mydata): the user's rights of erasure and access
(DSGVO Art. 17 and 15). Thin: parse → :mod:`jobs.personal_data` (which knows every table
with personal data) → reply. Only in private chats, where the user alone can confirm."""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot import callback_data
from bot.context import IKZContext
from bot.texts import language_of, t
from jobs.personal_data import erase_person, export_person, person_of, question_ids

log = logging.getLogger(__name__)

EXPORT_FILE_NAME = "ikz-assistent-meine-daten.json"


def _lang(update: Update) -> str:
    return language_of(update.effective_user.language_code if update.effective_user else None)


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def erase_command(update: Update, context: IKZContext) -> None:
    """/loeschen: ask for confirmation (nothing is deleted yet)."""
    lang = _lang(update)
    if not _private(update):
        await update.effective_message.reply_text(t("erase_private_only", lang))
        return
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t("erase_button_yes", lang), callback_data=callback_data.build("priv:del:ok")),
        InlineKeyboardButton(t("erase_button_no", lang), callback_data=callback_data.build("priv:del:no")),
    ]])
    await update.effective_message.reply_text(t("erase_confirm", lang), parse_mode=ParseMode.HTML,
                                              reply_markup=keyboard)


async def erase_button(update: Update, context: IKZContext) -> None:
    """The confirmation: erase every row of the user, and what the bot keeps in memory."""
    query = update.callback_query
    lang = _lang(update)
    parsed = callback_data.parse(query.data)
    if parsed is None or not _private(update) or update.effective_user is None:
        await query.answer(t("invalid_button", lang))
        return
    if parsed.action == "priv:del:no":
        await query.answer()
        await _edit(query, t("erase_cancelled", lang))
        return
    user_id = update.effective_user.id
    conversation = context.services.conversation
    person = person_of(user_id, conversation.question_log.pseudonym(user_id))
    erased_ids = await asyncio.to_thread(question_ids, context.kb.engine, person.pseudonym)
    counts = await asyncio.to_thread(erase_person, context.kb.engine, person)
    conversation.forget(user_id, erased_ids)
    log.info("personal data erased on request: %s", ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "none")
    await query.answer()
    summary = ", ".join(f"{n} × {table}" for table, n in counts.items() if n)
    await _edit(query, t("erase_done", lang, summary=summary) if summary else t("erase_nothing", lang))


async def _edit(query, text: str) -> None:  # noqa: ANN001 - CallbackQuery
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except BadRequest:  # the confirmation message is gone or unchanged: say it in a new message
        if query.message is not None:
            await query.message.reply_text(text, parse_mode=ParseMode.HTML)


async def export_command(update: Update, context: IKZContext) -> None:
    """/meine_daten: everything stored about the user as a JSON file."""
    lang = _lang(update)
    if not _private(update) or update.effective_user is None:
        await update.effective_message.reply_text(t("export_private_only", lang))
        return
    user_id = update.effective_user.id
    person = person_of(user_id, context.services.conversation.question_log.pseudonym(user_id))
    export = await asyncio.to_thread(export_person, context.kb.engine, person, now=context.services.clock())
    export["user_id"] = user_id
    export["pseudonym"] = person.pseudonym
    content = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(update.effective_chat.id, content, filename=EXPORT_FILE_NAME,
                                    caption=t("export_caption", lang))

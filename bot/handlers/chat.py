"""Telegram handlers of the question-and-answer conversation: thin — parse, call
:class:`bot.conversation.Conversation` off the event loop, render with bot.formatting.

Registered by :func:`bot.application.register_handlers` (after the other areas: the
free-text, unknown-command and other-message handlers catch what is left).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import callback_data
from bot.context import IKZContext
from bot.conversation import Conversation, Turn
from bot.formatting import MAX_MESSAGE_CHARS, inline_keyboard, render_html, safe_url, short_label
from bot.rate_limit import UserRateLimiter
from bot.replies import GeneratedFile, Reply
from bot.texts import language_of, t

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


# --- helpers -------------------------------------------------------------------------------------
def _conversation(context: IKZContext) -> Conversation:
    return context.services.conversation


def _turn(update: Update) -> Turn:
    user = update.effective_user
    chat = update.effective_chat
    lang = language_of(user.language_code if user else None)
    user_id = user.id if user else None
    chat_key = f"{chat.id}:{user_id}" if chat is not None else f"user:{user_id}"
    name = " ".join(x for x in (user.first_name, user.last_name) if x) if user else None
    return Turn(chat_key=chat_key, user_id=user_id, lang=lang, chat_id=chat.id if chat is not None else None,
                private=chat is not None and chat.type == ChatType.PRIVATE, display_name=name or None)


async def send_reply(context: IKZContext, chat_id: int, reply: Reply, *, reply_to: int | None = None) -> Message | None:
    """Send a reply: HTML messages (split under 4096), buttons on the last one, then any document."""
    last: Message | None = None
    if reply.lines:
        parts = render_html(reply)
        markup = inline_keyboard(reply.buttons)
        for number, text in enumerate(parts):
            is_last = number == len(parts) - 1
            last = await context.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup if is_last else None,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and number == 0 else None
                ),
                link_preview_options=NO_PREVIEW,
            )
    if reply.document is not None:
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        document = reply.document
        content = document.content if isinstance(document, GeneratedFile) else await asyncio.to_thread(document.path.read_bytes)
        last = await context.bot.send_document(
            chat_id, content, filename=reply.document.file_name,
            caption=render_html(Reply().add(reply.document.title), limit=1024)[0],
        )
    return last


async def _typing(context: IKZContext, chat_id: int) -> None:
    with contextlib.suppress(Exception):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


async def _answer_question(update: Update, context: IKZContext, text: str) -> None:
    """Rate-limit, show 'typing', search off the loop, send the answer."""
    message = update.effective_message
    turn = _turn(update)
    limiter: UserRateLimiter = context.services.rate_limiter
    seconds = await asyncio.to_thread(limiter.check, turn.user_id) if turn.user_id is not None else 0
    if seconds:
        if limiter.first_refusal(turn.user_id):  # one notice per window, not one per message
            await message.reply_text(t("rate_limited", turn.lang, seconds=seconds))
        return
    typing = asyncio.create_task(_typing(context, message.chat_id))
    reply = await asyncio.to_thread(_conversation(context).ask, turn, text)
    await typing
    reply_to = message.message_id if message.chat.type != ChatType.PRIVATE else None
    await send_reply(context, message.chat_id, reply, reply_to=reply_to)


# --- handlers ----------------------------------------------------------------------------------------
async def on_question(update: Update, context: IKZContext) -> None:
    """A free-text question in a private chat."""
    message = update.effective_message
    if message.via_bot is not None and message.via_bot.id == context.bot.id:
        return  # a card the user shared through our own inline mode
    await _answer_question(update, context, message.text or "")


async def on_group_text(update: Update, context: IKZContext) -> None:
    """In groups only mentions of the bot and replies to its own messages are questions."""
    message = update.effective_message
    text = message.text or ""
    username = (context.bot.username or "").lower()
    mentioned = False
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if (entity.type == MessageEntity.MENTION and value.lstrip("@").lower() == username) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == context.bot.id
        ):
            mentioned = True
            text = text.replace(value, " ")
    replied = message.reply_to_message
    to_me = replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id
    if not (mentioned or to_me):
        return
    await _answer_question(update, context, text)


async def on_command(update: Update, context: IKZContext) -> None:
    """All chat commands (German and English names) go to the conversation service."""
    message = update.effective_message
    name = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    args = " ".join(context.args or [])
    turn = _turn(update)
    reply = await asyncio.to_thread(
        _conversation(context).command, turn, name, args, bot_name=context.bot.username or "bot"
    )
    await send_reply(context, message.chat_id, reply)


async def on_unknown_command(update: Update, context: IKZContext) -> None:
    """Unknown commands: a hint to /hilfe (in groups only when addressed to this bot)."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE:
        first = (message.text or "").split()[0]
        if "@" not in first or first.split("@", 1)[1].lower() != (context.bot.username or "").lower():
            return
    await message.reply_text(t("unknown_command", _turn(update).lang))


async def on_edited_message(update: Update, context: IKZContext) -> None:
    """Edited messages are not re-answered; say so once."""
    await update.effective_message.reply_text(t("edited_message", _turn(update).lang))


async def on_other_message(update: Update, context: IKZContext) -> None:
    """Stickers, photos, voice, locations, files …: a short friendly hint."""
    message = update.effective_message
    if message.new_chat_members or message.left_chat_member or message.pinned_message:
        return
    await message.reply_text(t("unsupported_message", _turn(update).lang))


async def on_button(update: Update, context: IKZContext) -> None:
    """Every button press of the chat; forged or outdated data gets a polite notice."""
    query = update.callback_query
    turn = _turn(update)
    conversation = _conversation(context)
    data = query.data or ""
    chat_id = query.message.chat.id if query.message is not None else None
    typing = None
    presses: UserRateLimiter = context.services.button_limiter
    if turn.user_id is not None and not presses.allow(turn.user_id):
        # every press must be answered (the client waits for it); the answer costs no message
        await query.answer(t("slow_down", turn.lang, seconds=presses.retry_after_s(turn.user_id)))
        return
    if data.startswith("e:"):  # an example question counts like a typed one
        limiter: UserRateLimiter = context.services.rate_limiter
        seconds = await asyncio.to_thread(limiter.check, turn.user_id) if turn.user_id is not None else 0
        if seconds:
            await query.answer(t("rate_limited", turn.lang, seconds=seconds))
            return
        if chat_id is not None:
            typing = asyncio.create_task(_typing(context, chat_id))
    if data.startswith("hs:"):
        await _send_handoff(update, context, turn, data)
        return
    reply = await asyncio.to_thread(conversation.press, turn, data)
    if typing is not None:
        await typing
    await query.answer(reply.notice[:200] if reply.notice else None)
    if chat_id is None or not (reply.lines or reply.document):
        return
    if reply.replace and query.message is not None:
        parts = render_html(reply)
        if len(parts) == 1:
            with contextlib.suppress(BadRequest):  # "message is not modified" on double taps
                await query.edit_message_text(
                    parts[0], parse_mode=ParseMode.HTML, reply_markup=inline_keyboard(reply.buttons),
                    link_preview_options=NO_PREVIEW,
                )
            return
    await send_reply(context, chat_id, reply)


async def _send_handoff(update: Update, context: IKZContext, turn: Turn, data: str) -> None:
    """"Senden" under a hand-off draft: post it in the advisory chat, then confirm to the user."""
    query = update.callback_query
    parsed = callback_data.parse(data)
    if parsed is None:
        await query.answer(t("invalid_button", turn.lang))
        return
    conversation = _conversation(context)
    handoff_id = int(parsed.args[0])
    reply, post = await asyncio.to_thread(conversation.send_handoff, turn, handoff_id)
    if post is None:
        await query.answer(reply.notice[:200] if reply.notice else None)
        if reply.lines and turn.chat_id is not None:
            await send_reply(context, turn.chat_id, reply)
        return
    try:
        sent = await send_reply(context, post.chat_id, post.reply)
    except TelegramError:
        log.warning("could not post hand-off %s to the advisory chat", handoff_id, exc_info=True)
        await asyncio.to_thread(conversation.handoffs.unsend, handoff_id)
        await query.answer(t("handoff_failed", turn.lang, contact=context.settings.contact_text)[:200], show_alert=True)
        return
    if sent is not None:
        await asyncio.to_thread(conversation.handoffs.posted, handoff_id, sent.message_id)
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(render_html(reply)[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)


async def on_advisor_reply(update: Update, context: IKZContext) -> None:
    """A reply in the advisory chat to a hand-off post: delivered to that one user, then
    acknowledged with "Als FAQ übernehmen". Other messages go on to the other handlers."""
    message = update.effective_message
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    conversation = _conversation(context)
    delivery = await asyncio.to_thread(
        conversation.handoffs.advisor_reply, chat_id=message.chat_id, replied_message_id=replied.message_id,
        text=message.text or "",
    )
    if delivery is None:
        return
    try:
        await send_reply(context, delivery.user_chat_id, delivery.user_reply)
        delivered = True
    except TelegramError:
        log.warning("could not deliver the answer to hand-off %s", delivery.handoff_id, exc_info=True)
        delivered = False
    await send_reply(context, message.chat_id, conversation.handoffs.delivered(delivery, delivered),
                     reply_to=message.message_id)
    raise ApplicationHandlerStop


async def on_empty_button(update: Update, context: IKZContext) -> None:
    """A callback query without data (only forged clients send these): a polite answer, nothing else."""
    await update.callback_query.answer(t("invalid_button", _turn(update).lang))
    raise ApplicationHandlerStop


async def on_unknown_button(update: Update, context: IKZContext) -> None:
    """Button data that no area claims (forged or from an old version): a polite notice."""
    await update.callback_query.answer(t("invalid_button", _turn(update).lang))


async def on_inline_query(update: Update, context: IKZContext) -> None:
    """``@bot Suchbegriff`` in any chat: project cards to share."""
    inline = update.inline_query
    lang = language_of(inline.from_user.language_code if inline.from_user else None)
    limiter: UserRateLimiter = context.services.button_limiter
    if inline.from_user is not None and not limiter.allow(inline.from_user.id):
        await inline.answer([], cache_time=5, is_personal=True)  # no search: the user types too fast
        return
    cards = await asyncio.to_thread(_conversation(context).inline, inline.query[:context.settings.max_question_chars],
                                    lang)
    username = context.bot.username
    results = []
    for card in cards:
        markup = None
        if card.deep_link and username:
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(t("button_open_in_bot", lang), url=f"https://t.me/{username}?start={card.deep_link}")]]
            )
        results.append(
            InlineQueryResultArticle(
                id=card.id,
                title=short_label(card.title, 250),
                input_message_content=InputTextMessageContent(
                    render_html(card.reply, limit=MAX_MESSAGE_CHARS)[0], parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                ),
                description=short_label(card.description, 200) or None,
                url=safe_url(card.url),
                reply_markup=markup,
            )
        )
    await inline.answer(results, cache_time=60, is_personal=False)

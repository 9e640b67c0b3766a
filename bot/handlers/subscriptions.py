"""/abonnieren, /meine_abos, /abbestellen: event subscriptions (thin: parse → knowledge.subscriptions → reply).

``/abonnieren`` shows an inline keyboard with toggles; ``/abonnieren alle`` and
``/abonnieren <Themenbereich>`` subscribe directly (topic names matched case-insensitively and
tolerant of umlaut spelling; an unknown topic gets the list of known topics).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError

from bot import callback_data
from bot.context import IKZContext
from bot.texts import language_of, t
from jobs.planning import topic_key
from knowledge.subscription_regions import KOMMUNE, KREIS, clear_region, get_region, set_region
from knowledge.subscriptions import get_subscriber, known_topics, subscribe, unsubscribe

log = logging.getLogger(__name__)

ALL_WORDS = {"alle", "all", "alles", "allethemen", "*"}


def topic_token(topic: str) -> str:
    """A short, stable id of a topic for callback data (names can be long)."""
    return hashlib.sha1(topic_key(topic).encode("utf-8")).hexdigest()[:10]


def match_topic(wanted: str, topics: list[str]) -> str | None:
    """The known topic meant by ``wanted`` ('abfallwirtschaft', 'Buergerbuero' → 'Bürgerbüro')."""
    key = topic_key(wanted)
    if not key:
        return None
    for topic in topics:
        if topic_key(topic) == key:
            return topic
    prefixed = [topic for topic in topics if topic_key(topic).startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None


async def may_change_subscription(update: Update, context: IKZContext) -> bool:
    """Private chats: the user. Groups: only the group's administrators (or the group itself,
    when an anonymous administrator writes as the group)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        log.warning("could not check the member status in a group; subscription change refused", exc_info=True)
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def _refuse_unless_admin(update: Update, context: IKZContext) -> bool:
    """True (and a polite notice) when this user may not change the chat's subscription."""
    if await may_change_subscription(update, context):
        return False
    lang = _lang(update)
    if update.callback_query is not None:
        await update.callback_query.answer(t("group_admins_only", lang))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t("group_admins_only", lang))
    return True


def _lang(update: Update) -> str:
    return language_of(update.effective_user.language_code if update.effective_user else None)


async def _command_chat(update: Update, context: IKZContext, *, admin_only: bool) -> tuple[Message, Chat, str] | None:
    """The message, chat and language of a subscription command; None when there is nothing to answer
    or (``admin_only``) this user may not change the chat's subscription (told so politely)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    if admin_only and await _refuse_unless_admin(update, context):
        return None
    return message, chat, _lang(update)


def _reminders(context: IKZContext, lang: str) -> str:
    days = sorted(context.settings.reminder_days, reverse=True)
    unit = "Tage vorher" if lang == "de" else "days before"
    return f"{', '.join(str(d) for d in days)} {unit}" if days else "-"


def _keyboard(topics: list[str], chosen: set[str], all_topics: bool, active: bool, digest: bool, lang: str) -> InlineKeyboardMarkup:
    mark_all = "✅ " if active and all_topics else ""
    rows = [[InlineKeyboardButton(mark_all + t("sub_button_all", lang), callback_data=callback_data.build("sub:a"))]]
    chosen_keys = {topic_key(c) for c in chosen}
    row: list[InlineKeyboardButton] = []
    for topic in topics:
        mark = "☑️ " if active and not all_topics and topic_key(topic) in chosen_keys else "☐ "
        label = (mark + topic)[:60]
        row.append(InlineKeyboardButton(label, callback_data=callback_data.build("sub:t", topic_token(topic))))
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    digest_label = t("sub_button_digest_on" if active and digest else "sub_button_digest_off", lang)
    rows.append([InlineKeyboardButton(digest_label, callback_data=callback_data.build("sub:d"))])
    rows.append([InlineKeyboardButton(t("sub_button_done", lang), callback_data=callback_data.build("sub:x"))])
    return InlineKeyboardMarkup(rows)


def _confirmation(topics: list[str], all_topics: bool, lang: str) -> str:
    if all_topics or not topics:
        return t("sub_subscribed_all", lang)
    return t("sub_subscribed_topics", lang, topics=html.escape(", ".join(topics)))


async def subscribe_command(update: Update, context: IKZContext) -> None:
    """/abonnieren [alle | Themenbereich]."""
    target = await _command_chat(update, context, admin_only=True)
    if target is None:
        return
    message, chat, lang = target
    engine = context.kb.engine
    argument = " ".join(context.args or []).strip()
    topics = await asyncio.to_thread(known_topics, engine)
    scope = REGION_WORDS.get(topic_key(argument)) if argument else None
    if argument and scope is not None:
        await _subscribe_region(update, context, scope, lang)
        return
    if argument:
        if topic_key(argument) in {topic_key(w) for w in ALL_WORDS}:
            _, chosen = await asyncio.to_thread(
                subscribe, engine, chat_id=chat.id, language=lang, all_topics=True, now=context.services.clock()
            )
            await message.reply_text(_confirmation(chosen, True, lang), parse_mode=ParseMode.HTML)
            return
        parts = [argument] if match_topic(argument, topics) else [p for p in argument.split(",") if p.strip()]
        matched = [match_topic(p, topics) for p in parts]
        if not matched or any(m is None for m in matched):
            unknown = next((p for p, m in zip(parts, matched) if m is None), argument)
            listing = "\n".join(f"• {html.escape(topic)}" for topic in topics) or "–"
            example = html.escape(topics[0]) if topics else "Abfallwirtschaft"
            await message.reply_text(
                t("sub_unknown_topic", lang, topic=html.escape(unknown.strip()), topics=listing, example=example),
                parse_mode=ParseMode.HTML,
            )
            return
        row, chosen = await asyncio.to_thread(
            subscribe, engine, chat_id=chat.id, language=lang, add_topics=[m for m in matched if m],
            now=context.services.clock(),
        )
        await message.reply_text(_confirmation(chosen, row.all_topics, lang), parse_mode=ParseMode.HTML)
        return
    row, chosen = await asyncio.to_thread(get_subscriber, engine, chat_id=chat.id)
    active = row is not None and row.active
    await message.reply_text(
        t("sub_choose", lang, reminders=html.escape(_reminders(context, lang))),
        parse_mode=ParseMode.HTML,
        reply_markup=_keyboard(topics, set(chosen), bool(row and row.all_topics), active, bool(row and row.digest), lang),
    )


REGION_WORDS = {"meinekommune": KOMMUNE, "kommune": KOMMUNE, "mymunicipality": KOMMUNE,
                "meinkreis": KREIS, "kreis": KREIS, "mydistrict": KREIS, "nrw": "", "ganznrw": "", "allregions": ""}


async def _subscribe_region(update: Update, context: IKZContext, scope: str, lang: str) -> None:
    """/abonnieren meine_kommune | mein_kreis | nrw: limit event notices to the user's region."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    engine = context.kb.engine
    now = context.services.clock()
    if not scope:
        await asyncio.to_thread(clear_region, engine, chat_id=chat.id)
        await message.reply_text(t("sub_region_all", lang), parse_mode=ParseMode.HTML)
        return
    home = await asyncio.to_thread(context.services.conversation.my_municipality.remembered, user.id if user else None)
    if home is None:
        await message.reply_text(t("sub_region_needs_home", lang), parse_mode=ParseMode.HTML)
        return

    def store() -> None:
        subscribe(engine, chat_id=chat.id, language=lang, now=now)
        set_region(engine, chat_id=chat.id, scope=scope, municipality=home.name, kreis=home.kreis, now=now)

    await asyncio.to_thread(store)
    key = "sub_region_kommune" if scope == KOMMUNE else "sub_region_kreis"
    await message.reply_text(t(key, lang, name=html.escape(home.name), kreis=html.escape(home.kreis)),
                             parse_mode=ParseMode.HTML)


async def subscription_button(update: Update, context: IKZContext) -> None:
    """Toggle buttons of the /abonnieren keyboard."""
    query, chat, lang = update.callback_query, update.effective_chat, _lang(update)
    if query is None or chat is None:
        return
    engine = context.kb.engine
    parsed = callback_data.parse(query.data)
    if parsed is None:
        await query.answer(t("invalid_button", lang))
        return
    action, args = parsed
    if action != "sub:x" and await _refuse_unless_admin(update, context):
        return
    topics = await asyncio.to_thread(known_topics, engine)
    now = context.services.clock()
    row, chosen = await asyncio.to_thread(get_subscriber, engine, chat_id=chat.id)
    if action == "sub:x":
        await query.answer()
        text = _confirmation(chosen, bool(row and row.all_topics), lang) if row and row.active else t("sub_status_none", lang)
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        except BadRequest:
            log.debug("could not edit the subscription message", exc_info=True)
        return
    if action == "sub:a":
        row, chosen = await asyncio.to_thread(subscribe, engine, chat_id=chat.id, language=lang, all_topics=True, now=now)
    elif action == "sub:d":
        digest = not (row is not None and row.active and row.digest)
        row, chosen = await asyncio.to_thread(subscribe, engine, chat_id=chat.id, language=lang, digest=digest, now=now)
    elif action == "sub:t":
        topic = next((tp for tp in topics if topic_token(tp) == args[0]), None)
        if topic is None:
            await query.answer()
            return
        was_active = row is not None and row.active
        if was_active and not row.all_topics:
            row, chosen = await asyncio.to_thread(
                subscribe, engine, chat_id=chat.id, language=lang, toggle_topics=[topic], now=now
            )
        else:  # from "all" (or nothing) to exactly this topic
            await asyncio.to_thread(subscribe, engine, chat_id=chat.id, language=lang, all_topics=True, now=now)
            row, chosen = await asyncio.to_thread(
                subscribe, engine, chat_id=chat.id, language=lang, add_topics=[topic], now=now
            )
    await query.answer(_confirmation(chosen, row.all_topics, lang).replace("<b>", "").replace("</b>", "")[:190])
    try:
        await query.edit_message_reply_markup(
            reply_markup=_keyboard(topics, set(chosen), row.all_topics, row.active, row.digest, lang)
        )
    except BadRequest:
        log.debug("keyboard unchanged", exc_info=True)


async def my_subscriptions(update: Update, context: IKZContext) -> None:
    """/meine_abos: what this chat has subscribed to."""
    target = await _command_chat(update, context, admin_only=False)
    if target is None:
        return
    message, chat, lang = target
    row, chosen = await asyncio.to_thread(get_subscriber, context.kb.engine, chat_id=chat.id)
    if row is None or not row.active:
        await message.reply_text(t("sub_status_none", lang), parse_mode=ParseMode.HTML)
        return
    digest = t("sub_on" if row.digest else "sub_off", lang)
    if row.all_topics or not chosen:
        text = t("sub_status_all", lang, digest=digest)
    else:
        text = t("sub_status_topics", lang, topics=html.escape(", ".join(chosen)), digest=digest)
    region = await asyncio.to_thread(get_region, context.kb.engine, chat_id=chat.id)
    if region is not None:
        key = "sub_region_kommune" if region.scope == KOMMUNE else "sub_region_kreis"
        text += "\n" + t(key, lang, name=html.escape(region.municipality), kreis=html.escape(region.kreis))
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def unsubscribe_command(update: Update, context: IKZContext) -> None:
    """/abbestellen: stop all event notices for this chat."""
    target = await _command_chat(update, context, admin_only=True)
    if target is None:
        return
    message, chat, lang = target
    done = await asyncio.to_thread(unsubscribe, context.kb.engine, chat_id=chat.id, now=context.services.clock())
    await message.reply_text(t("sub_unsubscribed" if done else "sub_not_subscribed", lang), parse_mode=ParseMode.HTML)


"""``build_application()``: the one place that wires the Telegram bot, used by production and tests.

:func:`register_handlers` adds every handler in one visible list (as the PTB maintainers'
rules-bot does); the order matters only for the catch-alls at the end. :func:`schedule_all_jobs`
puts every scheduled job on PTB's JobQueue (APScheduler 3) in ``post_init``.
"""

from __future__ import annotations

import functools
import logging

from telegram import BotCommand, BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.ext import CallbackQueryHandler, CommandHandler, InlineQueryHandler, MessageHandler, filters

from bot import callback_data, commands, replicas, scheduling_events, scheduling_maintenance
from bot.context import IKZContext
from bot.errors import error_handler
from bot.handlers import admin, chat, privacy, subscriptions
from bot.replicas import create_runtime
from bot.services import Services
from knowledge.clock import Clock, utc_now
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

log = logging.getLogger(__name__)


def register_handlers(application: Application) -> None:
    """Every Telegram handler of the bot, in the order PTB tries them."""
    add = application.add_handler
    # Button presses without any data (forged) would match every pattern handler: answer them
    # before all groups and stop there.
    add(CallbackQueryHandler(chat.on_empty_button, pattern=lambda data: False), group=-1)
    # Replies in the advisory chat to a hand-off post go to the user who asked (and stop there);
    # the chat is fixed at start-up (IKZ_ADVICE_CHAT_ID, else IKZ_ADMIN_CHAT_ID).
    advice_chat = application.bot_data["services"].settings.resolved_advice_chat_id
    if advice_chat is not None:
        add(MessageHandler(filters.UpdateType.MESSAGE & filters.Chat(advice_chat) & filters.REPLY & filters.TEXT
                           & ~filters.COMMAND, chat.on_advisor_reply), group=-1)
    # Event subscriptions.
    add(CommandHandler(commands.SUBSCRIBE.names, subscriptions.subscribe_command))
    add(CommandHandler(commands.MY_SUBSCRIPTIONS.names, subscriptions.my_subscriptions))
    add(CommandHandler(commands.UNSUBSCRIBE.names, subscriptions.unsubscribe_command))
    add(CallbackQueryHandler(subscriptions.subscription_button, pattern=callback_data.handler_pattern("subscriptions")))
    # Data protection: /meine_daten and /loeschen (private chats only).
    add(CommandHandler(commands.MY_DATA.names, privacy.export_command))
    add(CommandHandler(commands.ERASE.names, privacy.erase_command))
    add(CallbackQueryHandler(privacy.erase_button, pattern=callback_data.handler_pattern("privacy")))
    # Maintainer commands (refused politely for everybody else).
    add(CommandHandler(commands.REINDEX.names, admin.admin_only(admin.on_reindex)))
    add(CommandHandler(commands.STATUS.names, admin.admin_only(admin.on_status)))
    add(CommandHandler(commands.STATS.names, admin.admin_only(admin.on_stats)))
    add(CommandHandler(commands.UNANSWERED.names, admin.admin_only(admin.on_unanswered)))
    add(CommandHandler(commands.BROADCAST.names, admin.admin_only(admin.on_broadcast)))
    add(CallbackQueryHandler(admin.admin_only(admin.on_broadcast_button), pattern=callback_data.handler_pattern("admin")))
    # The question-and-answer chat: its commands (one table, bot.commands), buttons and inline mode.
    add(CommandHandler(commands.all_names(commands.CHAT_COMMANDS), chat.on_command))
    add(CallbackQueryHandler(chat.on_button, pattern=callback_data.handler_pattern("chat")))
    add(CallbackQueryHandler(chat.on_unknown_button, pattern=callback_data.is_unclaimed))
    add(InlineQueryHandler(chat.on_inline_query))
    # Messages: questions, then the catch-alls.
    new_message = filters.UpdateType.MESSAGE
    add(MessageHandler(new_message & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, chat.on_question))
    add(MessageHandler(new_message & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, chat.on_group_text))
    add(MessageHandler(new_message & filters.COMMAND, chat.on_unknown_command))
    add(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE, chat.on_edited_message))
    add(MessageHandler(new_message & filters.ChatType.PRIVATE, chat.on_other_message))
    application.add_error_handler(error_handler)


def schedule_all_jobs(application: Application) -> None:
    """Every scheduled job: event notices and delivery, source refreshes, retention, admin menus."""
    if application.job_queue is None:
        return
    replicas.schedule(application)
    scheduling_events.schedule(application)
    scheduling_maintenance.schedule(application)


def menu_commands() -> dict[str, list[BotCommand]]:
    """The public command menu per language (bot.commands)."""
    return {lang: [BotCommand(name, text) for name, text in commands.menu(commands.PUBLIC_MENU, lang)] for lang in ("de", "en")}


async def _post_init(application: Application, *, with_jobs: bool) -> None:
    menus = menu_commands()
    try:
        await application.bot.set_my_commands(menus["de"], scope=BotCommandScopeDefault())
        await application.bot.set_my_commands(menus["de"], scope=BotCommandScopeDefault(), language_code="de")
        await application.bot.set_my_commands(menus["en"], scope=BotCommandScopeDefault(), language_code="en")
    except Exception:  # noqa: BLE001 - the menu is a convenience; never block start-up on it
        log.warning("could not register the command menu", exc_info=True)
    if with_jobs:
        schedule_all_jobs(application)


async def _post_shutdown(application: Application) -> None:
    services: Services | None = application.bot_data.get("services")
    if services is not None:
        for extra in services.extras.values():
            close = getattr(extra, "close", None)
            if callable(close):
                close()
        services.kb.close()


class IKZApplication(Application):
    """PTB's Application that pauses the schedule before it stops.

    ``Application.stop`` waits for the jobs running at that moment and then shuts APScheduler
    down, which cancels whatever it started in between (a 0.3 s generation tick while a long
    announcement is still sending): paused first, nothing new starts and nothing is cancelled.
    """

    async def stop(self) -> None:
        if self.job_queue is not None and self.job_queue.scheduler.running:
            self.job_queue.scheduler.pause()
        await super().stop()


class MessageRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (30 messages/s overall, 20/min per group, retries on 429) for messages;
    chat actions ("typing …") are not messages, so they do not use up the message budget."""

    UNLIMITED_ENDPOINTS = frozenset({"sendChatAction"})

    async def process_request(  # type: ignore[override]
        self, callback, args, kwargs, endpoint, data, rate_limit_args  # noqa: ANN001
    ):  # noqa: ANN201
        if endpoint in self.UNLIMITED_ENDPOINTS:
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def build_application(
    settings: Settings,
    *,
    kb: KnowledgeBase | None = None,
    clock: Clock = utc_now,
    rate_limiter: bool = True,
    schedule_jobs: bool = True,
    mode: str = "polling",
) -> Application:
    """Build the bot. Tests pass their own knowledge base, clock and a fake Bot API ``base_url``."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base_url = settings.telegram_api_url
    file_url = settings.telegram_file_url or base_url.replace("/bot", "/file/bot")
    builder: ApplicationBuilder = (
        ApplicationBuilder()
        .application_class(IKZApplication)
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url)
        .context_types(ContextTypes(context=IKZContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=None))
        .concurrent_updates(True)
        .post_init(functools.partial(_post_init, with_jobs=schedule_jobs))
        .post_shutdown(_post_shutdown)
    )
    if rate_limiter:
        builder = builder.rate_limiter(MessageRateLimiter(max_retries=3))
    application = builder.build()
    application.bot_data["services"] = Services.create(settings, kb or KnowledgeBase(settings), clock)
    create_runtime(application, mode)
    register_handlers(application)
    return application


def run_polling(settings: Settings) -> int:
    """Start long polling until interrupted (Ctrl-C / SIGTERM)."""
    application = build_application(settings)
    log.info("starting long polling (Bot API at %s)", settings.telegram_api_url.split("/bot")[0])
    application.run_polling(allowed_updates=None, drop_pending_updates=False)
    return 0

"""``build_application()``: the one place that wires the Telegram bot, used by production and tests.

Areas plug in through small modules, each optional at import time so the areas can grow
independently:

* handler modules (``HANDLER_MODULES``) expose ``register(application)`` and ``COMMANDS``
  (list of ``(command, German description, English description)`` for the command menu);
  the chat module is registered last because it holds the catch-all handlers;
* scheduler modules (``SCHEDULER_MODULES``) expose ``schedule(application)`` and are called in
  ``post_init`` to put their jobs on PTB's JobQueue (APScheduler 3).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from types import ModuleType

from telegram import BotCommand, BotCommandScopeDefault
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.constants import ParseMode

from bot.context import IKZContext
from bot.services import Services, utc_now
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

log = logging.getLogger(__name__)

HANDLER_MODULES = ["bot.handlers.subscriptions", "bot.handlers.admin", "bot.handlers.chat"]
SCHEDULER_MODULES = ["bot.scheduling_events", "bot.scheduling_maintenance"]


def _optional_modules(names: list[str]) -> list[ModuleType]:
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def menu_commands() -> dict[str, list[BotCommand]]:
    """The command menu per language, collected from the handler modules."""
    menus: dict[str, list[BotCommand]] = {"de": [], "en": []}
    for module in _optional_modules(HANDLER_MODULES[-1:] + HANDLER_MODULES[:-1]):
        for command, german, english in getattr(module, "COMMANDS", []):
            menus["de"].append(BotCommand(command, german))
            menus["en"].append(BotCommand(command, english))
    return menus


async def _post_init(application: Application) -> None:
    menus = menu_commands()
    try:
        await application.bot.set_my_commands(menus["de"], scope=BotCommandScopeDefault())
        await application.bot.set_my_commands(menus["de"], scope=BotCommandScopeDefault(), language_code="de")
        await application.bot.set_my_commands(menus["en"], scope=BotCommandScopeDefault(), language_code="en")
    except Exception:  # noqa: BLE001 - the menu is a convenience; never block start-up on it
        log.warning("could not register the command menu", exc_info=True)
    if application.job_queue is not None:
        for module in _optional_modules(SCHEDULER_MODULES):
            module.schedule(application)


async def _post_shutdown(application: Application) -> None:
    services: Services | None = application.bot_data.get("services")
    if services is not None:
        for extra in services.extras.values():
            close = getattr(extra, "close", None)
            if callable(close):
                close()
        services.kb.close()


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
    clock: Callable[[], datetime] = utc_now,
    rate_limiter: bool = True,
    schedule_jobs: bool = True,
) -> Application:
    """Build the bot. Tests pass their own knowledge base, clock and a fake Bot API ``base_url``."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base_url = settings.telegram_api_url
    file_url = settings.telegram_file_url or base_url.replace("/bot", "/file/bot")
    builder: ApplicationBuilder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url)
        .context_types(ContextTypes(context=IKZContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=None))
        .concurrent_updates(True)
        .post_init(_post_init if schedule_jobs else _post_init_no_jobs)
        .post_shutdown(_post_shutdown)
    )
    if rate_limiter:
        builder = builder.rate_limiter(MessageRateLimiter(max_retries=3))
    application = builder.build()
    services = Services(settings=settings, kb=kb or KnowledgeBase(settings), clock=clock)
    application.bot_data["services"] = services
    for module in _optional_modules(HANDLER_MODULES):
        module.register(application)
    from bot.errors import error_handler

    application.add_error_handler(error_handler)
    return application


async def _post_init_no_jobs(application: Application) -> None:
    jq = application.job_queue
    application._job_queue = None  # type: ignore[attr-defined]  # noqa: SLF001 - skip scheduling in tests
    try:
        await _post_init(application)
    finally:
        application._job_queue = jq  # type: ignore[attr-defined]  # noqa: SLF001


def run_polling(settings: Settings) -> int:
    """Start long polling until interrupted (Ctrl-C / SIGTERM)."""
    application = build_application(settings)
    log.info("starting long polling (Bot API at %s)", settings.telegram_api_url.split("/bot")[0])
    application.run_polling(allowed_updates=None, drop_pending_updates=False)
    return 0

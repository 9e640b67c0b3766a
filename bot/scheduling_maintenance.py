"""Maintenance jobs on PTB's JobQueue (APScheduler 3): one refresh job per source, daily retention.

Jobs have explicit ids and ``replace_existing=True``; the first run of a source's job is due one
interval after its last run (stored in the database), so restarts do not refresh needlessly.
Admins also get the maintainer commands in their own chat's command menu.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import time as dtime
from zoneinfo import ZoneInfo

from telegram import BotCommand, BotCommandScopeChat
from telegram.ext import Application

from bot.commands import ADMIN_COMMANDS, PUBLIC_MENU, menu
from bot.context import IKZContext
from bot.replicas import daily_at, every, leader_only
from bot.texts import t
from jobs.refresh import RefreshRunner, UnknownSource
from jobs.retention import enforce_retention
from knowledge.source_state import STATUS_ERROR, all_states
from knowledge.sources.config import SourcesFileError

log = logging.getLogger(__name__)

FIRST_RUN_MIN_S = 30.0  # let the bot come up before the first refresh
RETENTION_TIME = dtime(3, 30)
RETENTION_JOB_ID = "maintenance-query-log-retention"
ADMIN_MENU_JOB_ID = "maintenance-admin-menus"


def refresh_job_id(name: str) -> str:
    return f"maintenance-refresh-{name}"


def _runner(application: Application) -> RefreshRunner:
    return application.bot_data["services"].refresh_runner


def schedule(application: Application) -> None:
    """Put the refresh jobs (one per enabled source), the retention job and the admin menus on the queue."""
    jq = application.job_queue
    if jq is None:
        return
    services = application.bot_data["services"]
    settings = services.settings
    runner = _runner(application)
    try:
        sources = [s for s in runner.sources() if s.enabled]
    except SourcesFileError as exc:
        log.error("sources file unusable, no refresh jobs scheduled: %s", exc)
        sources = []
    states = all_states(services.kb.engine)
    now = services.clock()
    for source in sources:
        interval = source.interval.total_seconds()
        first = FIRST_RUN_MIN_S
        last = states.get(source.name)
        if last is not None and last.last_run_at is not None:
            first = max(first, (last.last_run_at + source.interval - now).total_seconds())
        job_id = refresh_job_id(source.name)
        jq.run_repeating(
            leader_only(job_id, every(interval), refresh_source_job), interval=interval, first=first,
            data=source.name, name=job_id,
            job_kwargs={"id": job_id, "replace_existing": True, "coalesce": True,
                        "max_instances": 1, "misfire_grace_time": max(60, int(interval / 2))},
        )
    jq.run_daily(
        leader_only(RETENTION_JOB_ID, daily_at(RETENTION_TIME, settings.timezone), retention_job),
        time=RETENTION_TIME.replace(tzinfo=ZoneInfo(settings.timezone)), name=RETENTION_JOB_ID,
        job_kwargs={"id": RETENTION_JOB_ID, "replace_existing": True, "misfire_grace_time": 6 * 3600,
                    "coalesce": True},
    )
    if settings.admin_ids:
        jq.run_once(set_admin_menus, when=1, name=ADMIN_MENU_JOB_ID,
                    job_kwargs={"id": ADMIN_MENU_JOB_ID, "replace_existing": True})
    log.info("maintenance jobs scheduled: %d source refresh job(s), retention daily at %s",
             len(sources), RETENTION_TIME)


async def refresh_source_job(context: IKZContext) -> None:
    """Refresh one source; skipped when another refresh runs (the next interval catches up)."""
    name = str(context.job.data)
    runner = _runner(context.application)
    try:
        sources = await asyncio.to_thread(runner.select, name)
    except UnknownSource:
        log.warning("source %s is no longer in the sources file; its refresh job is removed", name)
        context.job.schedule_removal()
        return
    except SourcesFileError as exc:
        log.error("sources file unusable: %s", exc)
        return
    if not runner.try_reserve():
        log.info("refresh of %s skipped: another refresh is running", name)
        return
    try:
        before = await asyncio.to_thread(all_states, context.kb.engine)
        [result] = await asyncio.to_thread(runner.run_reserved, sources)
    finally:
        runner.release()
    previous = before.get(name)
    newly_failing = result.status == STATUS_ERROR and (previous is None or previous.last_status != STATUS_ERROR)
    admin_chat = context.settings.admin_chat_id
    if newly_failing and admin_chat:
        import html

        text = t("admin_source_line", "de", name=html.escape(name),
                 result=t("admin_source_error", "de", error=html.escape(result.error or "")))
        try:
            await context.bot.send_message(admin_chat, text)
        except Exception:  # noqa: BLE001 - the error is stored and logged anyway
            log.warning("could not tell the admin chat about source %s", name, exc_info=True)


async def retention_job(context: IKZContext) -> None:
    """Delete everything past its retention period (query log, ended subscriptions, their deliveries)."""
    services = context.services
    await asyncio.to_thread(enforce_retention, services.kb.engine, services.settings, now=services.clock())


async def set_admin_menus(context: IKZContext) -> None:
    """Each admin's private chat gets the public commands plus the maintainer commands."""
    for admin_id in context.settings.admin_ids:
        for lang, language_code in (("de", None), ("de", "de"), ("en", "en")):
            commands = [BotCommand(name, description) for name, description in menu(PUBLIC_MENU + ADMIN_COMMANDS, lang)]
            try:
                await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(admin_id),
                                                  language_code=language_code)
            except Exception:  # noqa: BLE001 - e.g. the admin never started the bot: not fatal
                log.info("could not set the maintainer menu for admin %s", admin_id)
                break



"""Maintainer commands: /reindex, /status, /stats, /unbeantwortet, /broadcast.

Only users in ``settings.admin_ids`` (IKZ_ADMIN_IDS) may use them; anyone else gets a polite
refusal, and the attempt is logged. Handlers stay thin: the work happens in jobs.refresh,
knowledge.statistics, knowledge.system_status and knowledge.query_log, off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import secrets
import time
from dataclasses import dataclass
from collections.abc import Awaitable, Callable
from concurrent.futures import Future

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import callback_data
from bot.context import IKZContext
from bot.formatting import render_html
from bot.maintenance_reports import chart_labels, run_results_html, stats_html, status_html, unanswered_html
from bot.texts import language_of, t
from jobs.refresh import RefreshRunner, UnknownSource
from knowledge.chat_state import put_pending_broadcast, take_pending_broadcast
from knowledge.query_log import unanswered
from knowledge.sources.config import SourcesFileError
from bot.statistics_chart import render_chart
from knowledge.statistics import usage_stats
from knowledge.feedback_reasons import reason_counts
from knowledge.handoffs import counts_since as handoff_counts
from knowledge.system_status import collect_status

log = logging.getLogger(__name__)

PROGRESS_EDIT_INTERVAL_S = 3.0  # Telegram tolerates about one edit per second and chat; stay well below
DEFAULT_STATS_DAYS = 30
UNANSWERED_LIMIT = 15


Handler = Callable[[Update, IKZContext], Awaitable[None]]


# --- authorisation -------------------------------------------------------------------------------
def is_admin(context: IKZContext, user_id: int | None) -> bool:
    return user_id is not None and user_id in context.settings.admin_ids


def admin_only(handler: Handler) -> Handler:
    """Run ``handler`` for maintainers only; others get the polite ``not_admin`` refusal (logged)."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: IKZContext) -> None:
        user = update.effective_user
        if is_admin(context, user.id if user else None):
            await handler(update, context)
            return
        what = update.callback_query.data if update.callback_query else (
            update.effective_message.text if update.effective_message else "?")
        # only the command or button code: the rest may be a message text (e.g. a broadcast)
        action = (what or "?").split()[0][:40] if (what or "").strip() else "?"
        log.warning("refused maintainer action %r from user %s", action, user.id if user else None)
        lang = _lang(update)
        if update.callback_query is not None:
            await update.callback_query.answer(t("not_admin", lang), show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(t("not_admin", lang))

    return guarded


def _lang(update: Update) -> str:
    return language_of(update.effective_user.language_code if update.effective_user else None)


def _runner(context: IKZContext) -> RefreshRunner:
    return context.services.refresh_runner


# --- /reindex ------------------------------------------------------------------------------------
class ProgressMessage:
    """Progress from a worker thread → edits of one status message, at most one per interval."""

    def __init__(self, message: Message, lang: str, loop: asyncio.AbstractEventLoop, *,
                 interval_s: float | None = None, monotonic: Callable[[], float] = time.monotonic
                 ) -> None:
        self.message, self.lang, self.loop = message, lang, loop
        self.interval_s = PROGRESS_EDIT_INTERVAL_S if interval_s is None else interval_s
        self.monotonic = monotonic
        self._last = monotonic()
        self._pending: list[Future] = []
        self.edits = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.monotonic()
        if now - self._last < self.interval_s:
            return
        self._last = now
        text = t("admin_reindex_progress", self.lang, stage=html.escape(stage), done=done, total=total)
        self._pending.append(asyncio.run_coroutine_threadsafe(self._edit(text), self.loop))

    async def _edit(self, text: str) -> None:
        with contextlib.suppress(TelegramError):
            await self.message.edit_text(text, parse_mode=ParseMode.HTML)
            self.edits += 1

    async def finish(self, text: str) -> None:
        """Wait for progress edits still in flight, then show the final text."""
        if self._pending:
            await asyncio.gather(*(asyncio.wrap_future(f) for f in self._pending), return_exceptions=True)
        try:
            await self.message.edit_text(text, parse_mode=ParseMode.HTML)
        except TelegramError:
            log.warning("could not show the refresh result", exc_info=True)


async def on_reindex(update: Update, context: IKZContext) -> None:
    """Refresh all sources (or the named one) now; progress by editing one message."""
    lang = _lang(update)
    message = update.effective_message
    runner = _runner(context)
    name = " ".join(context.args or []).strip() or None
    try:
        sources = await asyncio.to_thread(runner.select, name)
    except UnknownSource:
        configured = await asyncio.to_thread(runner.sources)
        names = ", ".join(html.escape(s.name) for s in configured) or "–"
        await message.reply_text(t("admin_reindex_unknown", lang, name=html.escape(name or ""), names=names))
        return
    except SourcesFileError as exc:
        await message.reply_text(t("admin_sources_file_error", lang, error=html.escape(str(exc))))
        return
    if not runner.try_reserve():
        await message.reply_text(t("admin_reindex_busy", lang))
        return
    try:
        target = html.escape(name) if name else t("admin_reindex_all", lang)
        status = await message.reply_text(t("admin_reindex_started", lang, target=target))
        progress = ProgressMessage(status, lang, asyncio.get_running_loop())
        started = time.monotonic()
        if sources:
            results = await asyncio.to_thread(runner.run_reserved, sources, progress=progress)
            text = run_results_html(results, time.monotonic() - started, lang)
        else:
            embedded, chunks = await asyncio.to_thread(runner.rebuild_index_reserved, progress=progress)
            text = t("admin_reindex_index_only", lang, chunks=chunks, embedded=embedded)
        await progress.finish(text)
    finally:
        runner.release()


# --- /status -------------------------------------------------------------------------------------
async def on_status(update: Update, context: IKZContext) -> None:
    """Items, chunks, model, index age, sources, database size, uptime and version."""
    runner = _runner(context)
    services = context.services

    def gather():  # noqa: ANN202
        try:
            sources, error = runner.sources(), None
        except SourcesFileError as exc:
            sources, error = [], str(exc)
        return collect_status(services.kb, sources, started_at=services.started_at, now=services.clock(),
                              sources_error=error)

    status = await asyncio.to_thread(gather)
    await update.effective_message.reply_text(status_html(status, _lang(update), context.settings.timezone))


# --- /stats --------------------------------------------------------------------------------------
def parse_days(args: list[str] | None) -> int | None:
    """``/stats`` → 30, ``/stats 7`` → 7; None for anything else."""
    if not args:
        return DEFAULT_STATS_DAYS
    if len(args) == 1 and args[0].isdigit() and 1 <= int(args[0]) <= 365:
        return int(args[0])
    return None


async def on_stats(update: Update, context: IKZContext) -> None:
    """Questions per day, answered vs abstained, topics, 👍/👎 and latency: a chart plus a text."""
    lang = _lang(update)
    days = parse_days(context.args)
    if days is None:
        await update.effective_message.reply_text(t("admin_stats_usage", lang))
        return
    services = context.services

    def compute():  # noqa: ANN202
        engine = services.kb.engine
        stats = usage_stats(engine, days=days, now=services.clock(), timezone=services.settings.timezone)
        reasons = reason_counts(engine, since=stats.since, until=stats.until)
        caption = stats_html(stats, lang, reasons=reasons, handoffs=handoff_counts(engine, stats.since))
        return caption, render_chart(stats, labels=chart_labels(lang))

    caption, chart = await asyncio.to_thread(compute)
    await update.effective_message.reply_photo(chart.png, caption=caption, parse_mode=ParseMode.HTML)


# --- /unbeantwortet ------------------------------------------------------------------------------
async def on_unanswered(update: Update, context: IKZContext) -> None:
    """The latest abstained or 👎-rated questions: where the knowledge base has gaps."""
    limit = UNANSWERED_LIMIT
    if context.args and context.args[0].isdigit():
        limit = max(1, min(int(context.args[0]), 30))
    rows = await asyncio.to_thread(unanswered, context.kb.engine, limit=limit)
    lang = _lang(update)
    text = unanswered_html(rows, lang, context.settings.timezone)
    waiting = await asyncio.to_thread(context.services.conversation.handoffs.open_list, lang)
    if len(waiting.lines) > 1:  # open hand-offs, listed below the gaps (own message when too long)
        extra = render_html(waiting)[0]
        if len(text) + len(extra) < 4000:
            text = f"{text}\n\n{extra}"
        else:
            await update.effective_message.reply_text(extra)
    await update.effective_message.reply_text(text)


# --- /broadcast ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PendingBroadcast:
    text: str
    admin_id: int


async def on_broadcast(update: Update, context: IKZContext) -> None:
    """``/broadcast <Text>``: show the text and the number of recipients with a confirmation button."""
    from knowledge.subscriptions import count_active

    lang = _lang(update)
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1)
    text = parts[1].strip() if len(parts) == 2 else ""
    if not text:
        await message.reply_text(t("admin_broadcast_usage", lang))
        return
    count = await asyncio.to_thread(count_active, context.kb.engine)
    token = secrets.token_hex(6)
    services = context.services
    await asyncio.to_thread(put_pending_broadcast, services.kb.engine, token, text=text,
                            admin_id=update.effective_user.id, now=services.clock())
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t("admin_broadcast_send", lang), callback_data=callback_data.build("adm:bc:ok", token)),
        InlineKeyboardButton(t("admin_broadcast_cancel", lang), callback_data=callback_data.build("adm:bc:no", token)),
    ]])
    await message.reply_text(t("admin_broadcast_confirm", lang, count=count, text=html.escape(text)),
                             reply_markup=keyboard)


async def on_broadcast_button(update: Update, context: IKZContext) -> None:
    """Send (once: the pending entry is taken before any await) or cancel a prepared broadcast."""
    from bot.scheduling_events import start_delivery
    from jobs.planning import create_broadcast

    query = update.callback_query
    lang = _lang(update)
    parsed = callback_data.parse(query.data)
    action, token = (parsed.action, parsed.args[0]) if parsed is not None else ("", "")
    text = None
    if action in ("adm:bc:ok", "adm:bc:no"):
        # taken from the database before any other await: exactly one press (on any replica) wins
        text = await asyncio.to_thread(take_pending_broadcast, context.kb.engine, token,
                                       admin_id=update.effective_user.id)
    if text is None:
        await query.answer(t("admin_broadcast_expired", lang), show_alert=True)
        return
    entry = PendingBroadcast(text, update.effective_user.id)
    await query.answer()
    if action == "adm:bc:no":
        await query.edit_message_text(t("admin_broadcast_cancelled", lang))
        return
    services = context.services
    broadcast_id = await asyncio.to_thread(create_broadcast, services.kb.engine, entry.text, entry.admin_id,
                                           now=services.clock())
    log.info("broadcast %s created by admin %s", broadcast_id, entry.admin_id)
    start_delivery(context.application)
    await query.edit_message_text(t("admin_broadcast_queued", lang, text=html.escape(entry.text)))

"""Webhook mode: a small aiohttp server beside PTB (as in PTB's ``customwebhookbot`` example).

* ``POST /telegram`` — an update from Telegram. The ``X-Telegram-Bot-Api-Secret-Token`` header must
  equal ``TELEGRAM_WEBHOOK_SECRET`` (else 403 and nothing else happens). The first replica to insert
  the ``update_id`` into ``processed_updates`` puts the update on PTB's update queue; a repeat
  (Telegram retry, or the same update posted to another replica) is answered 200 and dropped.
  If the database cannot be reached the answer is 500, so Telegram delivers the update again.
* ``GET /healthz`` — 200 when the database answers and a search index is loaded, else 503
  (JSON with the details: replica, leader, index generation).

With ``IKZ_WEBHOOK_URL`` set, the URL is registered with ``setWebhook`` (secret token,
``drop_pending_updates=false``). TLS is terminated by the reverse proxy in front (docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import sys

import sqlalchemy as sa
from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.application import build_application
from bot.replicas import load_latest_generation, runtime_of, warm_up
from knowledge.coordination import claim_update
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1 << 20


class WebhookServer:
    """The HTTP side of one replica: authenticates, de-duplicates and queues updates; health."""

    def __init__(self, application: Application, secret: str) -> None:
        self.application = application
        self.secret = secret.encode()
        self.services = application.bot_data["services"]
        self.app = web.Application(client_max_size=MAX_BODY_BYTES)
        self.app.router.add_post("/telegram", self.on_update)
        self.app.router.add_get("/healthz", self.on_health)
        self.ready = False  # index loaded and warmed up

    async def on_update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403)
        try:
            payload = await request.json()
            update_id = int(payload["update_id"])
        except (ValueError, KeyError, TypeError, json.JSONDecodeError):
            return web.Response(status=400, text="not a Telegram update")
        try:
            update = Update.de_json(payload, self.application.bot)
        except Exception:  # noqa: BLE001 - malformed update content
            log.warning("update %s could not be parsed", update_id, exc_info=True)
            return web.Response(status=400, text="not a Telegram update")
        runtime = runtime_of(self.application)
        replica = runtime.replica if runtime else self.services.settings.replica
        try:
            first = await asyncio.to_thread(claim_update, self.services.kb.engine, update_id, replica=replica,
                                            now=self.services.clock())
        except Exception:  # noqa: BLE001 - database down: let Telegram retry later
            log.warning("could not record update %s", update_id, exc_info=True)
            return web.Response(status=500)
        if first:
            await self.application.update_queue.put(update)
        return web.Response(status=200)

    async def on_health(self, request: web.Request) -> web.Response:
        kb = self.services.kb
        runtime = runtime_of(self.application)

        def ping() -> bool:
            try:
                with kb.engine.connect() as connection:
                    connection.execute(sa.text("SELECT 1"))
                return True
            except Exception:  # noqa: BLE001
                return False

        database = await asyncio.to_thread(ping)
        index = kb.snapshot_loaded and self.ready
        body = {"database": database, "index": index, "generation": kb.generation,
                "replica": runtime.replica if runtime else None, "leader": bool(runtime and runtime.is_leader)}
        return web.json_response(body, status=200 if database and index else 503)


async def load_index(application: Application, server: WebhookServer) -> None:
    """Start-up: the newest published generation, else the local index file (in the background),
    then one warm-up question (encoder, per-base calibration); /healthz says 200 only after that."""
    kb = application.bot_data["services"].kb
    try:
        if await load_latest_generation(application) is None and kb.has_index():
            await asyncio.to_thread(kb.snapshot)
        await asyncio.to_thread(warm_up, kb)
        server.ready = True
    except Exception:  # noqa: BLE001 - /healthz stays 503 and says why in the log
        log.exception("no search index could be loaded")


async def serve_webhook(settings: Settings, *, listen: str, port: int, stop: asyncio.Event | None = None,
                        kb: KnowledgeBase | None = None) -> None:
    """Run one webhook replica until ``stop`` is set (or SIGINT/SIGTERM)."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        raise ValueError("TELEGRAM_WEBHOOK_SECRET is not set")
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread (tests)
            pass
    application = build_application(settings, kb=kb, mode="webhook")
    server = WebhookServer(application, secret)
    runner = web.AppRunner(server.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    log.info("webhook server listening on %s:%s (replica %s)", listen, port, settings.replica)
    loader: asyncio.Task | None = None
    try:
        async with application:
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()
            try:
                loader = asyncio.create_task(load_index(application, server))
                if settings.webhook_url:
                    await application.bot.set_webhook(settings.webhook_url, secret_token=secret,
                                                      drop_pending_updates=False, allowed_updates=Update.ALL_TYPES)
                    log.info("webhook registered with Telegram")
                await stop.wait()
                log.info("stopping replica %s", settings.replica)
            finally:  # also after an error, so that the error is what gets reported
                await application.stop()
    finally:
        if loader is not None and not loader.done():
            loader.cancel()
        await runner.cleanup()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def run_webhook(settings: Settings, *, listen: str | None = None, port: int | None = None) -> int:
    """Entry point of ``python bot.py webhook`` (2 when the token or the webhook secret is missing)."""
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        print("error: TELEGRAM_BOT_TOKEN is not set (see README: 'Create a bot with BotFather')", file=sys.stderr)
        return 2
    if settings.webhook_secret is None or not settings.webhook_secret.get_secret_value():
        print("error: TELEGRAM_WEBHOOK_SECRET is not set (a random string Telegram sends with every update; "
              "see docs/DEPLOYMENT.md)", file=sys.stderr)
        return 2
    asyncio.run(serve_webhook(settings, listen=listen or settings.webhook_listen, port=port or settings.webhook_port))
    return 0

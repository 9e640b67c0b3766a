"""A local fake Telegram Bot API for tests and benchmarks (what the bot uses, spoken over real HTTP).

* ``server``: :class:`FakeBotApi`, an aiohttp server in the test's event loop: records every call,
  long-polls ``getUpdates``, answers the methods the bot calls, and injects failures (blocked
  chats → 403, flood limits and ``fail_next`` → 429/5xx, latency).
* ``updates``: the ``push_*`` helpers that queue user updates (texts, buttons, inline queries, …).
* ``entities``: Telegram's HTML ``parse_mode`` (entities, and the 400 errors for bad markup).
* ``thread``: :class:`FakeBotApiThread`, the same server in a background thread for sync tests and
  for a bot running in a subprocess.

    async with FakeBotApi(token=DEFAULT_TOKEN) as api:
        api.push_text(42, "/start")
        calls = await api.wait_for_calls("sendMessage", 1, chat_id=42)
"""

from tests.fake_bot_api.entities import parse_entities
from tests.fake_bot_api.server import DEFAULT_TOKEN, ApiCall, BotApiError, FakeBotApi
from tests.fake_bot_api.thread import FakeBotApiThread

__all__ = ["DEFAULT_TOKEN", "ApiCall", "BotApiError", "FakeBotApi", "FakeBotApiThread", "parse_entities"]

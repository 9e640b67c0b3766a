"""The fake Bot API behaves like Telegram where the bot depends on it (real PTB ``Bot`` against it)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import urllib.error
import urllib.request
import warnings

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApi, FakeBotApiThread, parse_entities

CHAT = 4711
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def make_bot(api: FakeBotApi | FakeBotApiThread) -> Bot:
    return Bot(DEFAULT_TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)


def seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_messages_keyboards_edits_and_html_like_telegram() -> None:
    async with FakeBotApi() as api, make_bot(api) as bot:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Mehr", callback_data="m:1:1")]])
        sent = await bot.send_message(CHAT, "<b>Fett</b> &amp; mehr", parse_mode="HTML", reply_markup=markup)
        assert sent.text == "Fett & mehr" and sent.entities[0].type == "bold"
        assert api.last_message(CHAT).callback_data() == ["m:1:1"]
        with pytest.raises(BadRequest, match="(?i)unsupported start tag"):
            await bot.send_message(CHAT, "a <script> b", parse_mode="HTML")
        edited = await bot.edit_message_text("Neu", chat_id=CHAT, message_id=sent.message_id)
        assert edited.text == "Neu" and api.get_message(CHAT, sent.message_id)["text"] == "Neu"
        with pytest.raises(BadRequest, match="(?i)not modified"):
            await bot.edit_message_text("Neu", chat_id=CHAT, message_id=sent.message_id)
    text, entities = parse_entities('<a href="https://x.de">Link</a> 😀 <i>kursiv</i>', "HTML")
    assert text == "Link 😀 kursiv" and entities[1] == {"type": "italic", "offset": 8, "length": 6}  # UTF-16


async def test_blocked_chats_flood_limit_and_injected_failures() -> None:
    async with FakeBotApi(rate_limit_per_s=2) as api, make_bot(api) as bot:
        api.block_chat(CHAT)
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(CHAT, "Hallo?")
        api.unblock_chat(CHAT)
        await bot.send_message(CHAT, "wieder da")
        await bot.send_message(CHAT + 1, "zwei pro Sekunde")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(CHAT + 1, "zu schnell")
        assert seconds(info.value) == 1
        api.set_rate_limit(None)
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(1, "d")
        assert seconds(info.value) == 7
        await bot.send_message(1, "e")  # the injected failure was used up
        assert [c.error_code for c in api.calls("sendMessage", ok=False)] == [403, 429, 429]


async def test_long_polling_returns_on_push_and_honours_offset() -> None:
    async with FakeBotApi() as api, make_bot(api) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await api.wait_for(lambda: api.waiting_pollers == 1, timeout=5)
        api.push_text(CHAT, "/start")
        updates = await asyncio.wait_for(poll, 5)  # long before the 30 s timeout
        assert updates[0].message.text == "/start" and updates[0].message.entities[0].type == "bot_command"
        api.push_sticker(CHAT)
        rest = await bot.get_updates(offset=updates[0].update_id + 1)
        assert len(rest) == 1 and rest[0].message.sticker is not None


def test_thread_variant_from_sync_code() -> None:
    with FakeBotApiThread() as api:
        api.block_chat(99)
        request = urllib.request.Request(f"{api.base_url}{DEFAULT_TOKEN}/sendMessage",
                                         json.dumps({"chat_id": 99, "text": "x"}).encode(),
                                         {"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=10)
        assert json.loads(info.value.read())["error_code"] == 403

        async def bot_main() -> None:
            async with make_bot(api) as bot:
                await bot.send_document(CHAT, b"data", filename="a.txt")

        worker = threading.Thread(target=lambda: asyncio.run(bot_main()))
        worker.start()
        calls = api.wait_for_calls("sendDocument", 1, chat_id=CHAT, timeout=10)
        worker.join(10)
        assert calls[0].files["document"] == ("a.txt", b"data")
        with pytest.raises(TimeoutError):
            api.wait_for_calls("sendMessage", 1, chat_id=CHAT, timeout=0.2)

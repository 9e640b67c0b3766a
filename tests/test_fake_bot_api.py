"""Tests for the fake Telegram Bot API server (tests/fake_bot_api.py).

They drive real python-telegram-bot objects (``telegram.Bot``, ``telegram.ext.Application``)
against the fake server. Synchronisation uses ``wait_for``/``wait_for_calls`` - no sleeps.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import urllib.error
import urllib.request
import warnings
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApi, FakeBotApiThread, parse_entities

TOKEN = DEFAULT_TOKEN
CHAT = 4711

pytestmark = [
    pytest.mark.timeout(60),  # pytest-timeout; only a safety net
    # PTB itself warns about the int -> timedelta transition when constructing RetryAfter.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]


def make_bot(api: FakeBotApi | FakeBotApiThread, token: str = TOKEN) -> Bot:
    """A real PTB bot pointed at the fake server."""
    return Bot(token, base_url=api.base_url, base_file_url=api.base_file_url)


def retry_after_seconds(exc: RetryAfter) -> float:
    """``RetryAfter.retry_after`` as seconds (int or timedelta depending on PTB settings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# ------------------------------------------------------------------------------------ Bot


@pytest.mark.asyncio
async def test_get_me_and_send_message_with_inline_keyboard() -> None:
    async with FakeBotApi(token=TOKEN) as api:
        async with make_bot(api) as bot:
            me = await bot.get_me()
            assert me.is_bot and me.id == api.bot_id and me.username == api.bot_username

            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton("Ja", callback_data="yes"),
                  InlineKeyboardButton("Nein", callback_data="no")],
                 [InlineKeyboardButton("Web", url="https://example.org")]]
            )
            first = await bot.send_message(CHAT, "Hallo Welt", reply_markup=keyboard)
            second = await bot.send_message(CHAT, "42")

        assert first.message_id == 1 and second.message_id == 2
        assert first.chat.id == CHAT and first.chat.type == "private"
        assert first.from_user is not None and first.from_user.id == api.bot_id
        assert first.text == "Hallo Welt"
        assert first.reply_markup == keyboard
        assert second.text == "42"  # form field "42" is not JSON-decoded to an int

        call = api.sent_messages(CHAT)[0]
        assert call.method == "sendMessage" and call.chat_id == CHAT
        assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
        assert call.callback_data() == ["yes", "no"]
        assert call.button_texts() == ["Ja", "Nein", "Web"]
        assert api.calls("sendMessage")[1].params["text"] == "42"
        assert [c.method for c in api.calls()][:1] == ["getMe"]


@pytest.mark.asyncio
async def test_reply_keyboard_is_recorded_but_not_echoed() -> None:
    async with FakeBotApi(token=TOKEN) as api, make_bot(api) as bot:
        markup = ReplyKeyboardMarkup([["Termine", "Hilfe"]], resize_keyboard=True)
        msg = await bot.send_message(-1001234567890, "Menü", reply_markup=markup)
        assert msg.reply_markup is None
        assert msg.chat.type == "supergroup"
        assert api.last_message(-1001234567890).button_texts() == ["Termine", "Hilfe"]


@pytest.mark.asyncio
async def test_send_document_records_file_and_allows_download() -> None:
    async with FakeBotApi(token=TOKEN) as api, make_bot(api) as bot:
        content = b"%PDF-1.4 fake report"
        msg = await bot.send_document(
            CHAT, content, filename="bericht.pdf", caption="Ihr <b>Bericht</b>", parse_mode="HTML"
        )
        assert msg.document is not None
        assert msg.document.file_name == "bericht.pdf"
        assert msg.document.mime_type == "application/pdf"
        assert msg.document.file_size == len(content)
        assert msg.caption == "Ihr Bericht"
        assert msg.caption_entities[0].type == "bold"

        call = api.calls("sendDocument", chat_id=CHAT)[0]
        assert call.files["document"] == ("bericht.pdf", content)
        assert call.params["caption"] == "Ihr <b>Bericht</b>"

        file = await bot.get_file(msg.document.file_id)
        assert bytes(await file.download_as_bytearray()) == content
        assert [c.method for c in api.sent_messages()] == ["sendDocument"]


@pytest.mark.asyncio
async def test_answer_callback_query_and_commands() -> None:
    async with FakeBotApi(token=TOKEN) as api, make_bot(api) as bot:
        assert await bot.answer_callback_query("12345", text="Erledigt")
        commands = [BotCommand("start", "Bot starten"), BotCommand("hilfe", "Hilfe anzeigen")]
        assert await bot.set_my_commands(commands)
        assert await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
        assert tuple(await bot.get_my_commands()) == tuple(commands)
        assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["start"]
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()

        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Bad-Command", "x")])

        answer = api.calls("answerCallbackQuery")[0]
        assert answer.params == {"callback_query_id": "12345", "text": "Erledigt"}
        assert api.calls("setMyCommands")[0].params["commands"][1]["command"] == "hilfe"


@pytest.mark.asyncio
async def test_edit_message_text_and_not_modified() -> None:
    async with FakeBotApi(token=TOKEN) as api, make_bot(api) as bot:
        msg = await bot.send_message(CHAT, "Version 1")
        edited = await bot.edit_message_text("Version 2", chat_id=CHAT, message_id=msg.message_id)
        assert edited.text == "Version 2" and edited.edit_date is not None
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("Version 2", chat_id=CHAT, message_id=msg.message_id)
        assert api.get_message(CHAT, msg.message_id)["text"] == "Version 2"
        assert [c.text for c in api.sent_messages(CHAT)] == ["Version 1", "Version 2"]
        assert await bot.delete_message(CHAT, msg.message_id)
        assert api.get_message(CHAT, msg.message_id) is None


@pytest.mark.asyncio
async def test_parse_mode_errors_like_telegram() -> None:
    async with FakeBotApi(token=TOKEN) as api, make_bot(api) as bot:
        with pytest.raises(BadRequest, match="(?i)unsupported start tag"):
            await bot.send_message(CHAT, "a < b", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)character '.' is reserved"):
            await bot.send_message(CHAT, "Termin um 10.00 Uhr", parse_mode="MarkdownV2")
        ok = await bot.send_message(CHAT, r"*Termin* um 10\.00 Uhr", parse_mode="MarkdownV2")
        assert ok.text == "Termin um 10.00 Uhr" and ok.entities[0].type == "bold"
        assert [c.error_code for c in api.calls("sendMessage", ok=False)] == [400, 400]

    text, entities = parse_entities('<a href="https://x.de">Link</a> 😀 <i>kursiv</i>', "HTML")
    assert text == "Link 😀 kursiv"
    assert entities[1] == {"type": "italic", "offset": 8, "length": 6}  # UTF-16 offsets


# ----------------------------------------------------------------------- errors / limits


@pytest.mark.asyncio
async def test_wrong_token_and_unknown_method() -> None:
    async with FakeBotApi(token=TOKEN) as api:
        async with make_bot(api) as bot:
            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": CHAT})
        unknown = api.calls("sendTelepathy")[0]
        assert not unknown.ok and unknown.error_code == 404
        assert unknown.description == "Not Found: method not found"

        with pytest.raises(InvalidToken, match="rejected by the server"):
            async with make_bot(api, token="987654321:WRONG"):  # initialize() calls getMe
                pass
        assert api.calls()[-1].error_code == 401
        assert api.calls()[-1].description == "Unauthorized"


@pytest.mark.asyncio
async def test_blocked_chat_raises_forbidden() -> None:
    async with FakeBotApi(token=TOKEN) as api, make_bot(api) as bot:
        api.block_chat(CHAT)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(CHAT, "Hallo?")
        with pytest.raises(Forbidden):
            await bot.send_document(CHAT, b"x", filename="x.txt")
        await bot.send_message(CHAT + 1, "other chats still work")
        api.unblock_chat(CHAT)
        await bot.send_message(CHAT, "wieder da")
        assert [c.ok for c in api.calls("sendMessage")] == [False, True, True]


@pytest.mark.asyncio
async def test_rate_limit_and_fail_next_raise_retry_after() -> None:
    async with FakeBotApi(token=TOKEN, rate_limit_per_s=2) as api, make_bot(api) as bot:
        await bot.send_message(1, "a")
        await bot.send_message(2, "b")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(3, "c")
        assert retry_after_seconds(info.value) == 1
        failed = api.calls("sendMessage", ok=False)[0]
        assert failed.error_code == 429 and failed.chat_id == 3

        api.set_rate_limit(None)
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(1, "d")
        assert retry_after_seconds(info.value) == 7
        await bot.send_message(1, "e")  # the injected failure was used up

        api.set_rate_limit(per_chat_per_s=1)
        await bot.send_message(5, "x")
        await bot.send_message(6, "y")
        with pytest.raises(RetryAfter):
            await bot.send_message(5, "z")


@pytest.mark.asyncio
async def test_long_polling_returns_on_push_and_honours_offset() -> None:
    async with FakeBotApi(token=TOKEN) as api, make_bot(api) as bot:
        assert await bot.get_updates(timeout=0) == ()
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await api.wait_for(lambda: api.waiting_pollers == 1, timeout=5)
        assert not poll.done()
        api.push_text(CHAT, "/start")
        updates = await asyncio.wait_for(poll, 5)  # returns long before the 30 s timeout
        assert len(updates) == 1
        message = updates[0].message
        assert message.text == "/start" and message.from_user.language_code == "de"
        assert message.entities[0].type == "bot_command"

        api.push_sticker(CHAT)
        api.push_inline_query(CHAT, "termin")
        everything = await bot.get_updates(timeout=0)
        assert len(everything) == 3
        rest = await bot.get_updates(offset=everything[0].update_id + 1, limit=1)
        assert len(rest) == 1 and rest[0].message.sticker is not None
        remaining = await bot.get_updates(offset=rest[0].update_id + 1)
        assert remaining[0].inline_query.query == "termin"
        assert len(api.pending_updates) == 1


# ---------------------------------------------------------------------- Application


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Hilfe", callback_data="help")]])
    await update.effective_message.reply_text("Willkommen!", reply_markup=keyboard)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    await query.edit_message_text(f"Du hast {query.data} gewählt")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(f"Echo: {update.effective_message.text}")


@pytest.mark.asyncio
async def test_application_polling_receives_updates_and_replies() -> None:
    async with FakeBotApi(token=TOKEN) as api:
        app: Application = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", _start))
        app.add_handler(CallbackQueryHandler(_button))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=5)
            try:
                api.push_text(CHAT, "/start")
                [welcome] = await api.wait_for_calls("sendMessage", 1, chat_id=CHAT)
                assert welcome.text == "Willkommen!"
                assert welcome.callback_data() == ["help"]

                api.push_callback(CHAT, "help", welcome.result["message_id"])
                [edit] = await api.wait_for_calls("editMessageText", 1, chat_id=CHAT)
                assert edit.text == "Du hast help gewählt"
                assert api.calls("answerCallbackQuery")

                api.push_text(CHAT, "Hallo Bot")
                replies = await api.wait_for_calls("sendMessage", 2, chat_id=CHAT)
                assert replies[-1].text == "Echo: Hallo Bot"
            finally:
                await app.updater.stop()
                await app.stop()
        assert api.calls("deleteWebhook")


# ------------------------------------------------------------------- thread variant


def _post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read())


def test_thread_variant_from_sync_code() -> None:
    with FakeBotApiThread(token=TOKEN) as api:
        # Raw HTTP with a JSON body, as a non-PTB client would do it.
        update = api.push_text(CHAT, "Hallo @ikz_assistent_test_bot")
        assert update["message"]["entities"][0]["type"] == "mention"
        response = _post_json(f"{api.base_url}{TOKEN}/getUpdates", {"timeout": 0})
        assert response["ok"] and response["result"][0]["message"]["text"].startswith("Hallo")

        api.block_chat(99)
        blocked = _post_json(f"{api.base_url}{TOKEN}/sendMessage", {"chat_id": 99, "text": "x"})
        assert blocked == {
            "ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"
        }

        # A bot running elsewhere (here: another thread with its own loop); the test blocks.
        async def bot_main() -> None:
            async with make_bot(api) as bot:
                await bot.send_message(CHAT, "aus dem Thread")
                await bot.send_document(CHAT, b"data", filename="a.txt")

        worker = threading.Thread(target=lambda: asyncio.run(bot_main()))
        worker.start()
        calls = api.wait_for_calls("sendDocument", 1, chat_id=CHAT, timeout=10)
        worker.join(10)
        assert calls[0].files["document"] == ("a.txt", b"data")
        assert api.sent_texts(CHAT) == ["aus dem Thread"]
        assert api.wait_for(lambda: len(api.sent_messages(CHAT)) == 2, timeout=5)

        with pytest.raises(TimeoutError):
            api.wait_for_calls("sendPhoto", 1, timeout=0.2)
        api.clear()
        assert api.calls() == []
